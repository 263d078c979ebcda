import { isSensitiveHeaderAttribute, isSensitiveName } from './sensitive-names';

describe(isSensitiveName.name, () => {
  it.each([
    // Headers the fixed list used to miss.
    'x-auth-token',
    'x-access-token',
    'x-csrf-token',
    'x-xsrf-token',
    'x-amz-security-token',
    'authentication',
    'Authorization',
    'proxy-authorization',
    'cookie',
    'Set-Cookie',
    // API keys, however they are spelt.
    'apikey',
    'api_key',
    'api-key',
    'X-API-Key',
    'apiKey',
    // Query parameters the fixed list used to miss.
    'sessionid',
    'JSESSIONID',
    'jwt',
    'auth',
    'auth[]',
    // Body fields.
    'password',
    'newPassword',
    'passwd',
    'client_secret',
    'refreshToken',
    'signature',
    'X-Amz-Signature',
    'X-Amz-Credential',
    'credentials',
    // The exact names, which carry no credential word.
    'code',
    'sig',
    'key',
    'pwd',
    'phpsessid',
    'databaseUrl',
    'database_url',
    'connectionString',
  ])('treats %s as sensitive', (name) => {
    expect(isSensitiveName(name)).toBe(true);
  });

  it.each([
    'author',
    'authorId',
    ':authority',
    'user-agent',
    'content-type',
    'x-request-id',
    'traceparent',
    'baggage',
    'email',
    'name',
    'page',
    'limit',
    'cursor',
    'sku',
    'idempotency-key',
    'keyword',
    'orderId',
  ])('treats %s as plain', (name) => {
    expect(isSensitiveName(name)).toBe(false);
  });
});

describe(isSensitiveHeaderAttribute.name, () => {
  it.each([
    ['http.request.header.x-auth-token', true],
    ['http.request.header.x_amz_security_token', true],
    ['http.response.header.set-cookie', true],
    ['http.request.header.user-agent', false],
    ['http.request.method', false],
    ['url.query', false],
    ['app.token', false],
  ])('%s -> %s', (key, sensitive) => {
    expect(isSensitiveHeaderAttribute(key)).toBe(sensitive);
  });
});
