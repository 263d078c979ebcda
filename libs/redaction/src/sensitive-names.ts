/**
 * What counts as a secret, in one place for the logger (libs/logging) and the span processor (libs/tracing).
 * This lib has no dependencies, so the tracing SDK can load it before anything it instruments.
 *
 * A name is sensitive when it contains one of the credential words below (`x-auth-token`, `sessionid`, `jwt`,
 * `X-Amz-Security-Token`, `client_secret`…) or is one of the exact names listed after them, which carry credentials
 * without saying so (`code`, `sig`, `key`). Names are compared lower-cased, without `-`, `_`, `.` or spaces, and
 * without a `[…]` suffix (`token[]`), so `API-Key`, `api_key` and `apiKey` are one name.
 */

/**
 * The credential words. `auth` also matches `authorization` and `authentication`, but not `author` or `authority`
 * (HTTP/2's `:authority` is the host), which hold no secret.
 */
const CREDENTIAL_WORDS =
  /auth(?!or(?!i[sz]ation))|token|secret|session|jwt|passw|apikey|cookie|[cx]srf|signature|credential/;

/** Request and response headers that carry credentials (all of them also match the credential words). */
export const SENSITIVE_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key'];

/** Payload fields that carry credentials without a credential word in their name. */
export const SENSITIVE_FIELDS = ['pwd', 'passphrase', 'privateKey', 'databaseUrl', 'connectionString', 'dsn'];

/**
 * Query parameters that carry credentials without a credential word in their name: OAuth 2.0 authorization codes
 * (RFC 6749 section 4.1.2), API keys, signed-URL signatures, and the session ids of common frameworks.
 */
export const SENSITIVE_QUERY_PARAMS = ['code', 'key', 'sig', 'awsaccesskeyid', 'sid', 'phpsessid'];

const EXACT_NAMES = new Set([...SENSITIVE_HEADERS, ...SENSITIVE_FIELDS, ...SENSITIVE_QUERY_PARAMS].map(normalise));

/** True when a header, query parameter or field of this name may hold a credential. */
export function isSensitiveName(name: string): boolean {
  const normalised = normalise(name);
  return EXACT_NAMES.has(normalised) || CREDENTIAL_WORDS.test(normalised);
}

const HEADER_ATTRIBUTE_PREFIXES = ['http.request.header.', 'http.response.header.'];

/**
 * True for a span attribute that records a credential-like header, as headersToSpanAttributes names them
 * (`http.request.header.x-auth-token`; older versions wrote `_` for `-`, which normalising ignores).
 */
export function isSensitiveHeaderAttribute(key: string): boolean {
  // Runs for every attribute of every span: a plain loop, and a slice only for header attributes.
  for (const prefix of HEADER_ATTRIBUTE_PREFIXES) {
    if (key.startsWith(prefix)) return isSensitiveName(key.slice(prefix.length));
  }
  return false;
}

function normalise(name: string): string {
  return name
    .replace(/\[.*\]$/, '')
    .replace(/[-_.\s]/g, '')
    .toLowerCase();
}
