import { setImmediate as nextTurn } from 'node:timers/promises';
import { DomainError } from '@app/contracts';
import { ObservableHandler, TransportCarrier, withIncomingRpcSpan, withoutRpcSpan } from '@app/tracing';
import type { BaseRpcContext, MessageHandler } from '@nestjs/microservices';
import { finalize, throwError } from 'rxjs';
import { InFlightHandlers } from './in-flight-handlers';

/** Every graceful server of this process, so the app's shutdown drain can close them before Nest's hooks run. */
export const gracefulServers = new Set<{ close(): Promise<void> }>();

/** The part of Nest's Server the mixin relies on; structural, so every transport's server class fits. */
interface HandlerRegistry {
  addHandler(
    pattern: unknown,
    callback: MessageHandler,
    isEventHandler?: boolean,
    extras?: Record<string, unknown>,
  ): void;
  close(): unknown;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a mixin base must accept any constructor
type ServerClass = new (...args: any[]) => HandlerRegistry;

export interface GracefulServerOptions {
  /** Contract patterns served without a span, such as health pings. */
  untracedPatterns?: ReadonlySet<string>;
}

/**
 * Makes any Nest transport server traced and graceful. It hooks `addHandler`, the public method Nest uses to
 * register each @MessagePattern and @EventPattern, so every handler runs inside its span (@app/tracing's
 * withIncomingRpcSpan) and is counted while it runs.
 *
 * On close it stops receiving where the transport allows (`stopReceiving`), answers requests that still arrive
 * with SERVICE_UNAVAILABLE (the caller's 503, instead of a reply lost with the socket), finishes the handlers in
 * flight, events included, makes sure their replies are written (`flushReplies`), and only then lets Nest close the
 * transport.
 */
export function GracefulServer<TBase extends ServerClass>(
  Base: TBase,
  carrier: TransportCarrier,
  { untracedPatterns = new Set() }: GracefulServerOptions = {},
) {
  class GracefulServerMixin extends Base {
    readonly inFlight = new InFlightHandlers();

    // A mixin's constructor must pass any arguments on (TS2545).
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    constructor(...args: any[]) {
      // eslint-disable-next-line @typescript-eslint/no-unsafe-argument
      super(...args);
      gracefulServers.add(this);
    }

    override addHandler(
      pattern: unknown,
      callback: MessageHandler,
      isEventHandler = false,
      extras: Record<string, unknown> = {},
    ): void {
      const normalized = typeof pattern === 'string' ? pattern : JSON.stringify(pattern);
      const untraced = untracedPatterns.has(normalized);
      const inner = untraced
        ? withoutRpcSpan(callback, carrier)
        : withIncomingRpcSpan(callback, { pattern: normalized, isEvent: isEventHandler, carrier });
      // Events are still handled while draining: refusing one would lose it, as events get no answer. Readiness
      // pings are refused, so the caller sees the service going away.
      const refusable = untraced || !isEventHandler;
      super.addHandler(pattern, forwardNext(this.counted(inner, refusable), callback), isEventHandler, extras);
    }

    /** Transports that can stop deliveries before closing (leave a queue group, cancel a consumer) do it here. */
    async stopReceiving(): Promise<void> {}

    /** Transports that buffer replies make sure the last ones went out here, before the connection closes. */
    async flushReplies(): Promise<void> {}

    private closing?: Promise<void>;

    /** Once: the app's shutdown drain closes the server first, and Nest's app.close() does it again. */
    override close(): Promise<void> {
      return (this.closing ??= this.closeGracefully());
    }

    private async closeGracefully(): Promise<void> {
      await this.stopReceiving();
      await this.inFlight.drain();
      // Nest writes a reply on the tick after the handler's Observable completes (Server#send), which is after
      // the drain saw the handler finish: one turn of the event loop lets the last replies reach their socket.
      await nextTurn();
      await this.flushReplies();
      await super.close();
    }

    private counted(handler: ObservableHandler, refusable: boolean): MessageHandler {
      return async (data: unknown, rpcContext: BaseRpcContext) => {
        if (refusable && !this.inFlight.accepting) return refuse();
        const done = this.inFlight.start();
        try {
          return (await handler(data, rpcContext)).pipe(finalize(done));
        } catch (error) {
          done();
          throw error;
        }
      };
    }
  }
  return GracefulServerMixin;
}

/** What a closing server answers to a new request: the payload RpcExceptionFilter sends, which callers map to 503. */
function refuse() {
  return throwError(() => new DomainError('SERVICE_UNAVAILABLE', 'service is shutting down').toPayload());
}

/** The handler each wrapper stands for. */
const unwrapped = new WeakMap<MessageHandler, MessageHandler>();

/**
 * Nest runs the further handlers of an event (same pattern, several methods) through `next` on the first one:
 * Server.addHandler sets `next` on the function registered, our wrapper, but Nest's handler reads it from itself.
 * Without forwarding, only the first handler would run. The next handler is handed over unwrapped, as the payload
 * it receives has had its headers removed: it runs inside the first handler's span.
 */
function forwardNext(wrapper: MessageHandler, handler: MessageHandler): MessageHandler {
  unwrapped.set(wrapper, handler);
  let next: MessageHandler['next'];
  return Object.defineProperty(wrapper, 'next', {
    get: () => next,
    set: (value: MessageHandler) => {
      next = value;
      handler.next = unwrapped.get(value) ?? value;
    },
  });
}
