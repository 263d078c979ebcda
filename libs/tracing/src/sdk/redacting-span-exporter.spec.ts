import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { RedactingSpanExporter } from './redacting-span-exporter';

const SECRET = 'sekret-91c4';

describe(RedactingSpanExporter.name, () => {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    spanProcessors: [new SimpleSpanProcessor({ exporter: new RedactingSpanExporter(exporter) })],
  });
  const tracer = provider.getTracer('redacting-span-exporter.spec');

  afterEach(() => exporter.reset());
  afterAll(() => provider.shutdown());

  function exported() {
    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(1);
    return spans[0];
  }

  it('redacts a token in url.full given at start, as an HTTP client span records it', () => {
    tracer.startSpan('GET', { attributes: { 'url.full': `/users?access_token=${SECRET}&page=2` } }).end();

    expect(exported().attributes['url.full']).toBe('/users?access_token=REDACTED&page=2');
  });

  it('redacts url.query and older URL attributes set after the span started', () => {
    const span = tracer.startSpan('GET');
    span.setAttributes({
      'url.query': `token=${SECRET}`,
      'http.target': `/users?api_key=${SECRET}`,
      'http.url': `http://gw/users?password=${SECRET}`,
    });
    span.end();

    expect(exported().attributes).toMatchObject({
      'url.query': 'token=REDACTED',
      'http.target': '/users?api_key=REDACTED',
      'http.url': 'http://gw/users?password=REDACTED',
    });
  });

  it('redacts credential headers captured through headersToSpanAttributes', () => {
    const span = tracer.startSpan('GET');
    span.setAttributes({
      'http.request.header.authorization': [`Bearer ${SECRET}`],
      'http.request.header.cookie': [`session=${SECRET}`],
      'http.response.header.set_cookie': [`session=${SECRET}`],
      'http.request.header.user-agent': ['curl/8'],
    });
    span.end();

    expect(exported().attributes).toEqual({
      'http.request.header.authorization': 'REDACTED',
      'http.request.header.cookie': 'REDACTED',
      'http.response.header.set_cookie': 'REDACTED',
      'http.request.header.user-agent': ['curl/8'],
    });
  });

  it('keeps the rest of a redacted span: its name, ids and parent', () => {
    const parent = tracer.startSpan('parent');
    const ids = parent.spanContext();
    parent.setAttribute('url.full', `/x?token=${SECRET}`);
    parent.end();

    const span = exported();
    expect(span.name).toBe('parent');
    expect(span.spanContext()).toEqual(ids);
    expect(span.duration).toBeDefined();
  });

  it('redacts headers by the pattern of their names, and userinfo in URLs', () => {
    const span = tracer.startSpan('GET');
    span.setAttributes({
      'http.request.header.x-auth-token': [SECRET],
      'http.request.header.x-amz-security-token': [SECRET],
      'url.full': `https://ada:${SECRET}@api.example/users?jwt=${SECRET}`,
      'url.query': `sessionid=${SECRET}&next=https://ada:${SECRET}@shop.example/`,
    });
    span.end();

    expect(exported().attributes).toEqual({
      'http.request.header.x-auth-token': 'REDACTED',
      'http.request.header.x-amz-security-token': 'REDACTED',
      'url.full': 'https://REDACTED:REDACTED@api.example/users?jwt=REDACTED',
      'url.query': `sessionid=REDACTED&next=${encodeURIComponent('https://REDACTED:REDACTED@shop.example/')}`,
    });
  });

  it('hands a span without credentials over as it is', () => {
    tracer.startSpan('GET', { attributes: { 'url.full': '/users?page=2', 'url.path': '/users' } }).end();

    expect(exported().attributes).toEqual({ 'url.full': '/users?page=2', 'url.path': '/users' });
  });
});
