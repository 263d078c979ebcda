import { randomUUID } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ORDER_EVENTS, OrderCreatedEvent, OrderEventsPublisher } from '@app/contracts';
import { InjectPinoLogger, PinoLogger } from '@app/logging';
import { TraceHeaders, Traced } from '@app/tracing';
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
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
 * The transactional outbox: `add` makes an event's write for the caller's transaction, `publishAfterCommit` sends it once
 * committed. An event counts as published only once its consumer has acknowledged it (TracedRpcClient.emit waits for
 * the consumer's answer); until then OutboxRelay retries it. Delivery is at least once, and the consumers dedupe
 * (the user service's processed_events), so the effect is once.
 *
 * Only `publish` and `send` are traced: they are the event's path in the order's trace; the bookkeeping is not.
 */
@Injectable()
export class OutboxService implements OnApplicationShutdown {
  /** Publishes started by requests and not settled yet. */
  private readonly publishing = new Set<Promise<boolean>>();

  constructor(
    private readonly prisma: PrismaClient,
    private readonly events: OrderEventsPublisher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectPinoLogger(OutboxService.name) private readonly logger: PinoLogger,
  ) {}

  /**
   * An event as a write for the caller's batch transaction (`prisma.$transaction([...])`, committed with the
   * caller's own writes), and the entry to publish once it has committed. The id is made here, so the write's
   * result is not needed.
   */
  add(
    pattern: string,
    payload: Prisma.InputJsonObject,
    traceContext: TraceHeaders,
  ): { entry: OutboxEntry; write: Prisma.PrismaPromise<unknown> } {
    // The relay keeps off the event while the request publishes it, for the same lease a relay claim takes: the send
    // ends, answered or timed out, within RPC_TIMEOUT_MS, and the relay interval covers the commit and the mark.
    // Should the relay still overlap it, the consumer dedupes the second delivery.
    const { rpc, outbox } = this.config;
    const id = randomUUID();
    const nextAttemptAt = new Date(Date.now() + rpc.timeoutMs + outbox.relayIntervalMs);
    const write = this.prisma.outboxEvent.create({
      data: { id, pattern, payload, traceContext, nextAttemptAt },
      select: { id: true },
    });
    return { entry: { id, pattern, payload, traceContext, attempts: 0 }, write };
  }

  /**
   * Starts publishing a committed event and returns at once: the consumer may take up to RPC_TIMEOUT_MS to
   * acknowledge, and a request waiting on it would make its own caller time out on an order that exists.
   */
  publishAfterCommit(entry: OutboxEntry): void {
    const publishing = this.publish(entry);
    this.publishing.add(publishing);
    void publishing.finally(() => this.publishing.delete(publishing));
  }

  /**
   * Nest calls this after the servers have drained, so it also waits for the publishes their last requests
   * started, and before the RPC clients and the Prisma pool close (those modules shut down after this one). A
   * publish cut short anyway stays in the outbox for the relay.
   */
  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.publishing);
  }

  /** Publishes a committed event in the active context and marks it published once acknowledged; never throws. */
  @Traced()
  async publish(entry: OutboxEntry): Promise<boolean> {
    const sent = await this.send(entry);
    if (sent) await this.markPublished(entry.id);
    return sent;
  }

  /**
   * Sends the event in the active context and waits for the consumer's acknowledgement; false, and a warning, when
   * the consumer fails, is unreachable or does not answer within RPC_TIMEOUT_MS (the relay will retry it).
   */
  @Traced()
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
      // updateMany: an UPDATE without RETURNING, so the row (its JSON payload included) is not read back.
      await this.prisma.outboxEvent.updateMany({ where: { id }, data: { publishedAt: new Date() } });
    } catch (err) {
      this.logger.warn({ err, outboxId: id }, 'event published but not marked; it will be sent again');
    }
  }
}

/** A plain function, not a method: one switch, not a step worth a span or a place in the service's API. */
function dispatch(events: OrderEventsPublisher, { pattern, payload }: OutboxEntry): Promise<void> {
  switch (pattern) {
    case ORDER_EVENTS.created:
      return events.created(payload as OrderCreatedEvent);
    default:
      return Promise.reject(new Error(`no publisher for outbox pattern "${pattern}"`));
  }
}
