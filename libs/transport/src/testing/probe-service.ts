// The service the rpc-over-tcp*.spec.ts files call: ProbeController, whose handlers report what they saw (payload,
// active span, baggage), served by GracefulServer exactly as the services run it, and a ProxyRpcClient to it.
import 'reflect-metadata';
import { Controller, type INestMicroservice, UseFilters } from '@nestjs/common';
import {
  type ClientProxy,
  ClientProxyFactory,
  type CustomStrategy,
  EventPattern,
  MessagePattern,
  Payload,
  Transport,
} from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { type ReadableSpan } from '@opentelemetry/sdk-trace';
import { propagation, trace } from '@opentelemetry/api';
import { DomainError } from '@app/contracts';
import { parseConfig } from '@app/config';
import { type AddressInfo, type Server } from 'node:net';
import { Subject, filter, firstValueFrom } from 'rxjs';
import { TcpTraceSerializer, tcpCarrier } from '@app/tracing';
import { useTestTracing } from '@app/tracing/testing';
import { ProxyRpcClient } from '../rpc-client';
import { RpcExceptionFilter } from '../rpc-exception.filter';
import { rpcServerStrategy } from '../server-strategy';

export const HOST = '127.0.0.1';
export const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
export const SPAN_ID = 'b7ad6b7169203331';
export const TRACEPARENT = `00-${TRACE_ID}-${SPAN_ID}-01`;

/** What a handler saw while it ran. */
export interface Seen {
  handler: string;
  payload: unknown;
  activeSpanId?: string;
  baggage: Record<string, string>;
}

const handled$ = new Subject<Seen>();
/** One release per slow handler now waiting: the test calls them to let those handlers finish. */
export const slowHandlers: (() => void)[] = [];

function observe(handler: string, payload: unknown): Seen {
  const entries = propagation.getActiveBaggage()?.getAllEntries() ?? [];
  const seen: Seen = {
    handler,
    payload,
    activeSpanId: trace.getActiveSpan()?.spanContext().spanId,
    baggage: Object.fromEntries(entries.map(([key, { value }]) => [key, value])),
  };
  handled$.next(seen);
  return seen;
}

/** Resolves when the named handler next runs; call it before sending, as events have no reply to wait on. */
export const nextRun = (handler: string): Promise<Seen> =>
  firstValueFrom(handled$.pipe(filter((seen) => seen.handler === handler)));

@Controller()
@UseFilters(RpcExceptionFilter)
class ProbeController {
  @MessagePattern('probe.echo')
  echo(@Payload() payload: unknown): Seen {
    return observe('echo', payload);
  }

  @EventPattern('probe.happened')
  happened(@Payload() payload: unknown): void {
    observe('happened', payload);
  }

  // Two handlers for one event, as Nest allows: both must run.
  @EventPattern('probe.fanout')
  fanoutFirst(@Payload() payload: unknown): void {
    observe('fanout.first', payload);
  }

  @EventPattern('probe.fanout')
  fanoutSecond(@Payload() payload: unknown): void {
    observe('fanout.second', payload);
  }

  /** Handled only once the test releases it. */
  @EventPattern('probe.slow_event')
  slowEvent(@Payload() payload: unknown): Promise<void> {
    observe('slow_event', payload);
    return new Promise((resolve) => slowHandlers.push(() => resolve()));
  }

  @EventPattern('probe.refused')
  refused(): never {
    throw new DomainError('USER_NOT_FOUND', 'No user with id 42');
  }

  @MessagePattern('probe.fail')
  fail(): never {
    throw new DomainError('USER_NOT_FOUND', 'No user with id 42');
  }

  @MessagePattern('probe.crash')
  crash(): never {
    throw new TypeError('secret internals');
  }

  /** Answers only once the test releases it. */
  @MessagePattern('probe.slow')
  slow(@Payload() payload: unknown): Promise<string> {
    observe('slow', payload);
    return new Promise((resolve) => slowHandlers.push(() => resolve('late')));
  }
}

export const traceIdOf = (span: ReadableSpan): string => span.spanContext().traceId;
export const spanIdOf = (span: ReadableSpan): string => span.spanContext().spanId;

/**
 * Starts the probe service and a client to it once for the describe block that calls this, with test tracing on; the
 * fields are set before its first test.
 */
export function useProbeService() {
  const tracing = useTestTracing();
  const tracer = trace.getTracer('rpc-over-tcp.spec');
  let app: INestMicroservice | undefined;
  const probe = {
    tracing,
    port: 0,
    proxy: undefined as unknown as ClientProxy,
    sut: undefined as unknown as ProxyRpcClient,
    /** Runs `call` inside an active `caller` span, as a service handling a request would. */
    async asCaller<T>(call: () => Promise<T>): Promise<{ result: T; caller: ReadableSpan }> {
      const result = await tracer.startActiveSpan('caller', async (span) => {
        try {
          return await call();
        } finally {
          span.end();
        }
      });
      return { result, caller: tracing.onlySpan('caller') };
    },
  };

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ controllers: [ProbeController] }).compile();
    // The server exactly as the services run it: GracefulServer(ServerTCP) with TcpTraceDeserializer.
    app = moduleRef.createNestMicroservice<CustomStrategy>({
      ...rpcServerStrategy(
        parseConfig('user', { USER_DATABASE_URL: 'postgresql://unused', RPC_BIND_HOST: HOST, USER_RPC_PORT: '0' }),
        'user',
      ),
      logger: false,
    });
    await app.listen();
    probe.port = (app.unwrap<Server>().address() as AddressInfo).port;

    probe.proxy = ClientProxyFactory.create({
      transport: Transport.TCP,
      options: { host: HOST, port: probe.port, serializer: new TcpTraceSerializer() },
    });
    await probe.proxy.connect();
    probe.sut = new ProxyRpcClient(probe.proxy, {
      carrier: tcpCarrier,
      timeoutMs: 5_000,
      attributes: { 'server.address': HOST, 'server.port': probe.port },
    });
  });

  afterAll(async () => {
    await probe.proxy?.close();
    await app?.close();
  });

  return probe;
}
