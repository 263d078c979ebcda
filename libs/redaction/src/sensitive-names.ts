/**
 * What counts as a secret, in one place for the logger (libs/logging) and the span processor (libs/tracing).
 * This lib has no dependencies, so the tracing SDK can load it before anything it instruments.
 */

/** Request and response headers that carry credentials. */
export const SENSITIVE_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key'];

/** Payload fields that carry credentials, wherever they appear. */
export const SENSITIVE_FIELDS = [
  'password',
  'secret',
  'token',
  'accessToken',
  'refreshToken',
  'apiKey',
  'databaseUrl',
  'connectionString',
];

/**
 * Query parameters that carry credentials (OAuth 2.0 bearer tokens in the query, RFC 6750 section 2.3, API keys,
 * signed-URL signatures, and the ones @opentelemetry/instrumentation-http redacts by default). Matched
 * case-insensitively, also with a `[…]` suffix (`token[]=…`).
 */
export const SENSITIVE_QUERY_PARAMS = [
  'access_token',
  'id_token',
  'refresh_token',
  'token',
  'api_key',
  'apikey',
  'key',
  'password',
  'secret',
  'client_secret',
  'code',
  'sig',
  'signature',
  'awsaccesskeyid',
  'x-goog-signature',
  'x-amz-signature',
  'x-amz-credential',
  'x-amz-security-token',
];
