import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { INVALID_SPAN_CONTEXT, ROOT_CONTEXT, context, trace } from '@opentelemetry/api';
import { type RPCMetadata, RPCType, setRPCMetadata } from '@opentelemetry/core';
import { useTestTracing } from '../testing';
import { type RoutedRequest, reportMatchedRoute } from './matched-route';

describe(reportMatchedRoute.name, () => {
  useTestTracing();

  /** Runs reportMatchedRoute as the HTTP instrumentation would: inside a context carrying its RPC metadata. */
  function handle(request: Partial<RoutedRequest>, metadata: RPCMetadata | undefined) {
    const response = new EventEmitter();
    const ctx = metadata ? setRPCMetadata(ROOT_CONTEXT, metadata) : ROOT_CONTEXT;
    context.with(ctx, () => reportMatchedRoute(request as RoutedRequest, response as unknown as ServerResponse));
    return response;
  }
  const httpMetadata = (): RPCMetadata => ({
    type: RPCType.HTTP,
    span: trace.wrapSpanContext(INVALID_SPAN_CONTEXT),
  });

  it('sets the route Express matched once the response finishes', () => {
    const metadata = httpMetadata();
    const request: Partial<RoutedRequest> = {};
    const response = handle(request, metadata);

    request.route = { path: '/users/:id' };
    expect(metadata.route).toBeUndefined();
    response.emit('finish');

    expect(metadata.route).toBe('/users/:id');
  });

  it('prefixes the mount path of a router', () => {
    const metadata = httpMetadata();
    const request: Partial<RoutedRequest> = { baseUrl: '/v1', route: { path: '/orders' } };

    handle(request, metadata).emit('finish');

    expect(metadata.route).toBe('/v1/orders');
  });

  it('leaves the route unset when nothing matched (a 404)', () => {
    const metadata = httpMetadata();

    handle({}, metadata).emit('finish');

    expect(metadata.route).toBeUndefined();
  });

  it('does nothing outside a request the HTTP instrumentation started', () => {
    const response = handle({ route: { path: '/users/:id' } }, undefined);

    expect(response.listenerCount('finish')).toBe(0);
  });
});
