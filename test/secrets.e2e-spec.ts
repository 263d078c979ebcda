import { randomUUID } from 'node:crypto';
import { SERVICE_NAMES } from '@app/config';
import { OtlpReceiver, ReceivedSpan, SpanKind } from './support/otlp-receiver';
import { Stack } from './support/stack';
import { parseTraceHeader } from './support/traceparent';
import { waitUntil } from './support/wait';

/** Unique values, so finding one anywhere can only mean it leaked from this test's requests. */
const SECRETS = {
  bearer: `bearer-${randomUUID()}`,
  cookie: `cookie-${randomUUID()}`,
  // Headers whose names no fixed list had: matched by pattern.
  xAuthToken: `x-auth-token-${randomUUID()}`,
  xAccessToken: `x-access-token-${randomUUID()}`,
  xCsrfToken: `x-csrf-token-${randomUUID()}`,
  xAmzSecurityToken: `x-amz-security-token-${randomUUID()}`,
  authentication: `authentication-${randomUUID()}`,
  xApiKey: `x-api-key-${randomUUID()}`,
  bodyPassword: `password-${randomUUID()}`,
  bodyToken: `token-${randomUUID()}`,
  bodyApiKey: `api-key-${randomUUID()}`,
  bodySession: `session-${randomUUID()}`,
  bodyJwt: `jwt-${randomUUID()}`,
  queryToken: `query-${randomUUID()}`,
  querySessionId: `sessionid-${randomUUID()}`,
  queryJwt: `query-jwt-${randomUUID()}`,
  queryAuth: `query-auth-${randomUUID()}`,
  querySignature: `signature-${randomUUID()}`,
  urlUserinfo: `userinfo-${randomUUID()}`,
  encodedUrlUserinfo: `encoded-userinfo-${randomUUID()}`,
  brokenJsonPassword: `broken-${randomUUID()}`,
};

const UNKNOWN_USER = randomUUID();

/** CREDENTIAL_QUERY as logs and spans must show it. */
const REDACTED_QUERY = [
  'access_token=REDACTED',
  'sessionid=REDACTED',
  'jwt=REDACTED',
  'auth=REDACTED',
  'X-Amz-Signature=REDACTED',
  `next=${encodeURIComponent('https://REDACTED:REDACTED@shop.example/cart')}`,
  `back=${encodeURIComponent('https://REDACTED:REDACTED@shop.example/')}`,
  'page=1',
].join('&');

/** Plain values of a successful flow: allowed in logs, but never inside SQL text (queries are parameterised). */
const PLAIN = {
  email: `secrets-${randomUUID()}@example.com`,
  name: `Name-${randomUUID()}`,
  sku: `SKU-${randomUUID()}`,
};

const CREDENTIAL_HEADERS = {
  authorization: `Bearer ${SECRETS.bearer}`,
  cookie: `session=${SECRETS.cookie}`,
  'x-auth-token': SECRETS.xAuthToken,
  'x-access-token': SECRETS.xAccessToken,
  'x-csrf-token': SECRETS.xCsrfToken,
  'x-amz-security-token': SECRETS.xAmzSecurityToken,
  authentication: SECRETS.authentication,
  'x-api-key': SECRETS.xApiKey,
};

/** Credentials in a query: by name, and as the userinfo of a URL-valued parameter, plain and percent-encoded. */
const CREDENTIAL_QUERY = [
  `access_token=${SECRETS.queryToken}`,
  `sessionid=${SECRETS.querySessionId}`,
  `jwt=${SECRETS.queryJwt}`,
  `auth=${SECRETS.queryAuth}`,
  `X-Amz-Signature=${SECRETS.querySignature}`,
  `next=https://ada:${SECRETS.urlUserinfo}@shop.example/cart`,
  `back=${encodeURIComponent(`https://ada:${SECRETS.encodedUrlUserinfo}@shop.example/`)}`,
  'page=1',
].join('&');

const receiver = new OtlpReceiver();
let stack: Stack;
/** The requests this suite sent, by what they were for. */
const sent = new Map<string, { status: number; traceId: string; requestId: string }>();
let userId: string;

async function send(label: string, method: string, path: string, body?: string) {
  const response = await fetch(`${stack.gatewayUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...CREDENTIAL_HEADERS },
    body,
  });
  const text = await response.text();
  sent.set(label, {
    status: response.status,
    traceId: parseTraceHeader(response.headers.get('traceresponse')).traceId,
    requestId: response.headers.get('x-request-id')!,
  });
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

const allLines = () =>
  [...stack.instances.values()].flatMap(({ instance, process }) => process.lines.map((line) => ({ instance, line })));
const dbQueries = () => receiver.spans.filter((span) => typeof span.attributes['db.query.text'] === 'string');
const sqlOf = (span: ReceivedSpan) => span.attributes['db.query.text'] as string;

const EXPECTED_SQL = [
  /INSERT INTO "public"\."users"/,
  /INSERT INTO "public"\."orders"/,
  /INSERT INTO "public"\."order_items"/,
  // The user service counts an order in one statement of its own SQL (UsersService.recordOrder).
  /UPDATE users SET order_count/,
];

/**
 * body-parser refuses broken JSON in `app.useBodyParser`, before nestjs-pino's middleware runs, so that request has
 * no access-log line; its span still arrives, and every line the apps print is still searched.
 */
const NOT_ACCESS_LOGGED = new Set(['broken JSON']);

const completionLog = (requestId: string) =>
  stack.app('gateway').logs.find((log) => log.request_id === requestId && log.res !== undefined);

/** What the suite's requests should have produced and has not been received yet. */
function notArrivedYet(): string[] {
  const missing = [...sent].flatMap(([label, { traceId, requestId }]) => [
    ...(receiver.trace(traceId).some((span) => span.service === 'gateway' && span.kind === SpanKind.SERVER)
      ? []
      : [`the SERVER span of ${label}`]),
    ...(NOT_ACCESS_LOGGED.has(label) || completionLog(requestId) ? [] : [`the log line of ${label}`]),
  ]);
  const sql = EXPECTED_SQL.filter((query) => !dbQueries().some((span) => query.test(sqlOf(span))));
  return [...missing, ...sql.map((query) => `a query matching ${query}`)];
}

beforeAll(async () => {
  await receiver.start();
  // The most verbose level, so a secret that only a debug or trace line would print is caught too.
  stack = new Stack({ otlpEndpoint: receiver.endpoint, env: { LOG_LEVEL: 'trace' } });
  await stack.start();

  const refused = JSON.stringify({
    email: `refused-${randomUUID()}@example.com`,
    name: 'Refused',
    password: SECRETS.bodyPassword,
    token: SECRETS.bodyToken,
    apiKey: SECRETS.bodyApiKey,
    session: { id: SECRETS.bodySession },
    jwt: SECRETS.bodyJwt,
  });
  await send('unknown secret fields', 'POST', '/users', refused);
  await send('credentials in the query', 'GET', `/users/${UNKNOWN_USER}?${CREDENTIAL_QUERY}`);
  await send('broken JSON', 'POST', '/users', `{"email":"x@example.com","password":"${SECRETS.brokenJsonPassword}",`);
  const user = await send('create user', 'POST', '/users', JSON.stringify({ email: PLAIN.email, name: PLAIN.name }));
  userId = user.id as string;
  await send(
    'create order',
    'POST',
    '/orders',
    JSON.stringify({ userId, items: [{ sku: PLAIN.sku, quantity: 2, unitPriceCents: 1250 }] }),
  );

  // Everything those requests produce has arrived: each request's SERVER span and completion log line, the SQL of
  // the created user, order and order item, and the user's order count update (an event, after the response).
  await waitUntil(() => notArrivedYet().length === 0, {
    timeoutMs: 20_000,
    description: () => `still missing: ${notArrivedYet().join('; ')}`,
  });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await receiver.stop();
});

describe('secrets never reach logs or spans', () => {
  it('got the answers the requests were meant to get', () => {
    expect(Object.fromEntries([...sent].map(([label, { status }]) => [label, status]))).toEqual({
      'unknown secret fields': 400,
      'credentials in the query': 404,
      'broken JSON': 400,
      'create user': 201,
      'create order': 201,
    });
  });

  it('logged every request with what an operator needs, and no header set', () => {
    const logged = [...sent].filter(([label]) => !NOT_ACCESS_LOGGED.has(label));
    expect(logged).toHaveLength(4);
    for (const [, { requestId }] of logged) {
      const line = completionLog(requestId)!;
      expect(line.req).toEqual({
        method: expect.stringMatching(/^(GET|POST)$/),
        url: expect.stringMatching(/^\//),
        userAgent: expect.any(String),
        remoteAddress: expect.any(String),
        ...((line.req as { method: string }).method === 'POST' && { contentLength: expect.any(Number) }),
      });
      expect(line.res).toEqual({ statusCode: expect.any(Number), contentLength: expect.any(Number) });
      expect(line).toMatchObject({ request_id: requestId, trace_id: expect.stringMatching(/^[0-9a-f]{32}$/) });
    }
    const queryRequest = completionLog(sent.get('credentials in the query')!.requestId)?.req as { url: string };
    expect(queryRequest.url).toBe(`/users/${UNKNOWN_USER}?${REDACTED_QUERY}`);
  });

  it('exported spans of every request, with the query credentials replaced in url.query', () => {
    // url.full, the other attribute that could carry them, is redacted by the same processor (its unit spec).
    const spans = receiver.trace(sent.get('credentials in the query')!.traceId);
    const server = spans.find((span) => span.service === 'gateway' && span.kind === SpanKind.SERVER);
    expect(server?.attributes['url.query']).toBe(REDACTED_QUERY);
  });

  it.each(Object.entries(SECRETS))('finds the %s in no log line of any app', (_kind, secret) => {
    const lines = allLines();
    expect(lines.length).toBeGreaterThan(50);
    // Every app of the registry logged (a service added with new:service too), so no app's lines go unchecked.
    expect(new Set(lines.map(({ instance }) => instance))).toEqual(new Set(['gateway', ...SERVICE_NAMES]));

    expect(lines.filter(({ line }) => line.includes(secret))).toEqual([]);
  });

  it.each(Object.entries(SECRETS))(
    'finds the %s in no exported span (attributes, events, resource)',
    (_kind, secret) => {
      // The apps the requests went through exported spans; any other exporter is an app of the registry.
      const exporters = [...new Set(receiver.spans.map((span) => span.service))];
      expect(exporters).toEqual(expect.arrayContaining(['gateway', 'user', 'order']));
      expect(['gateway', ...SERVICE_NAMES]).toEqual(expect.arrayContaining(exporters));

      expect(receiver.spans.filter((span) => JSON.stringify(span).includes(secret)).map((span) => span.name)).toEqual(
        [],
      );
    },
  );

  it('records database queries as parameterised SQL, never with the values', () => {
    const queries = dbQueries().map(sqlOf);
    const inserts = queries.filter((sql) => sql.startsWith('INSERT'));
    expect(inserts.length).toBeGreaterThanOrEqual(3);
    for (const sql of inserts) expect(sql).toMatch(/\$1\b/);

    for (const value of [...Object.values(PLAIN), userId]) {
      expect(queries.filter((sql) => sql.includes(value))).toEqual([]);
    }
  });
});
