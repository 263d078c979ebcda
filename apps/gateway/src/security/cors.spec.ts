import { corsOptions } from './cors';

describe(corsOptions.name, () => {
  it('turns CORS off when no origin is listed', () => {
    const sut = corsOptions;

    expect(sut([])).toBeUndefined();
  });

  it('allows exactly the listed origins and exposes the ids a page needs', () => {
    const sut = corsOptions;

    const options = sut(['https://app.example.com', 'http://localhost:5173']);

    expect(options?.origin).toEqual(['https://app.example.com', 'http://localhost:5173']);
    expect(options?.exposedHeaders).toEqual(['x-request-id', 'traceresponse', 'retry-after']);
    expect(options?.credentials).toBeUndefined();
  });
});
