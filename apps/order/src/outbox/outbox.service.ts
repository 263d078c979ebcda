import { APP_CONFIG, AppConfig } from '@app/config';
import { ORDER_EVENTS, OrderCreatedEvent, OrderEventsPublisher } from '@app/contracts';
import { InjectPinoLogger, PinoLogger } from '@app/logging';
import { TraceHeaders, Traced } from '@app/tracing';
import { Inject, Injectable } from '@nestjs/common';
import { Prisma, PrismaClient } from '../generated/prisma/client';

/** An outbox event as the request path and the relay hand it around. */
export interface OutboxEntry {
  id: string;
  pattern: string;
  payload: unknown;
  /** The W3C headers of the request that wrote the event. */
  traceContext: TraceHeaders;
  /** Attempts the relay has claimed, this one included; 0 for the request's own publish. */
  attempts: number;
}

/**
 * The transactional outbox: `add` writes an event in the caller's transaction, `publish` sends it once committed.
 * An event whose publish fails stays unpublished, and OutboxRelay retries it: delivery is at least once, and the
 * consumers dedupe (the user service's processed_events).
 */
@Injectable()
@Traced()
export class OutboxService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly events: OrderEventsPublisher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectPinoLogger(OutboxService.name) private readonly logger: PinoLogger,
  ) {}

  /** Writes an event in `tx`, with the trace context a later publish continues. */
  async add(
    tx: Prisma.TransactionClient,
    pattern: string,
    payload: Prisma.InputJsonObject,
    traceContext: TraceHeaders,
  ): Promise<OutboxEntry> {
    const { id } = await tx.outboxEvent.create({
      // The relay keeps off the event while the request publishes it: that ends, or times out, within RPC_TIMEOUT_MS.
      // Should the relay still overlap it (a slow commit or mark), the consumer dedupes the second delivery.
      data: { pattern, payload, traceContext, nextAttemptAt: new Date(Date.now() + this.config.rpc.timeoutMs) },
      select: { id: true },
    });
    return { id, pattern, payload, traceContext, attempts: 0 };
  }

  /** Publishes a committed event in the active context and marks it published; never throws. */
  async publish(entry: OutboxEntry): Promise<boolean> {
    const sent = await this.send(entry);
    if (sent) await this.markPublished(entry.id);
    return sent;
  }

  /** Sends the event in the active context; false, and a warning, when that fails (the relay will retry it). */
  async send(entry: OutboxEntry): Promise<boolean> {
    try {
      await dispatch(this.events, entry);
      return true;
    } catch (err) {
      const { id: outboxId, pattern, attempts } = entry;
      this.logger.warn({ err, outboxId, pattern, attempts }, 'event not published; the outbox relay will retry it');
      return false;
    }
  }

  /** Never throws: an event left unmarked is only sent again, and the consumer dedupes it. */
  async markPublished(id: string): Promise<void> {
    try {
      await this.prisma.outboxEvent.update({ where: { id }, data: { publishedAt: new Date() } });
    } catch (err) {
      this.logger.warn({ err, outboxId: id }, 'event published but not marked; it will be sent again');
    }
  }
}

/** A plain function, not a method: @Traced() on the class would give this one-line step a span of its own. */
function dispatch(events: OrderEventsPublisher, { pattern, payload }: OutboxEntry): Promise<void> {
  switch (pattern) {
    case ORDER_EVENTS.created:
      return events.created(payload as OrderCreatedEvent);
    default:
      return Promise.reject(new Error(`no publisher for outbox pattern "${pattern}"`));
  }
}
