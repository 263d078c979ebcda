import { setTimeout as sleep } from 'node:timers/promises';
import { APP_CONFIG, AppConfig } from '@app/config';
import { InjectPinoLogger, PinoLogger } from '@app/logging';
import { extractTraceContext } from '@app/tracing';
import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { PrismaClient } from '../generated/prisma/client';
import { OutboxEntry, OutboxService } from './outbox.service';

/** Events claimed per poll. */
const BATCH_SIZE = 50;

/**
 * Retries the outbox events no consumer has acknowledged yet (their publish failed or timed out, or the process died
 * before it), every OUTBOX_RELAY_INTERVAL_MS, each in the trace of the request that wrote it. Safe with several replicas: a claim is one UPDATE over rows locked with SKIP LOCKED, and it moves
 * the rows' next attempt into the future, so no other replica takes them meanwhile. A small loop rather than
 * @nestjs/schedule: it must never overlap itself and must let an in-flight batch finish on shutdown.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly stopping = new AbortController();
  private loop?: Promise<void>;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly outbox: OutboxService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectPinoLogger(OutboxRelay.name) private readonly logger: PinoLogger,
  ) {}

  onApplicationBootstrap(): void {
    this.loop = this.run(this.stopping.signal);
  }

  /** Runs before the global Prisma and RPC client modules close, so a batch in flight can finish. */
  async onModuleDestroy(): Promise<void> {
    this.stopping.abort();
    await this.loop;
  }

  /** Claims the due events and publishes them; returns how many were claimed. Sends nothing once `signal` aborts. */
  async relayDue(signal?: AbortSignal): Promise<number> {
    const due = await untraced(() => this.claimDue());
    // Claimed but left unsent, an event waits out its lease and is then claimed again, here or by a replica.
    if (signal?.aborted) return due.length;
    // All at once: each send ends within RPC_TIMEOUT_MS, acknowledged or not, so the batch ends within the lease its
    // claim took. One by one, a consumer that never answers would hold the last event of a batch 50 timeouts long,
    // long after its lease had let another replica claim it too.
    await Promise.all(due.map((entry) => this.relay(entry)));
    return due.length;
  }

  private async relay(entry: OutboxEntry): Promise<void> {
    // Only the publish is traced, as a child of the request's span: the retry shows up in the order's trace.
    const sent = await context.with(extractTraceContext(entry.traceContext), () => this.outbox.send(entry));
    if (!sent) return;
    await untraced(() => this.outbox.markPublished(entry.id));
    this.logger.info({ outboxId: entry.id, pattern: entry.pattern, attempts: entry.attempts }, 'outbox event relayed');
  }

  private async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const aborted = await sleep(this.config.outbox.relayIntervalMs, false, { signal }).catch(() => true);
      if (aborted) return;
      try {
        await this.relayDue(signal);
      } catch (err) {
        this.logger.error({ err }, 'outbox relay poll failed');
      }
    }
  }

  /**
   * Takes up to BATCH_SIZE due events and, in the same statement, schedules their next attempt: after the publish
   * timeout (the claim's lease: the batch's sends are over by then) plus a backoff that doubles per attempt, from the
   * relay interval up to the maximum. The backoff, at least one interval, leaves time to mark an event published.
   */
  private claimDue(): Promise<OutboxEntry[]> {
    const leaseMs = this.config.rpc.timeoutMs;
    const { relayIntervalMs, maxBackoffMs } = this.config.outbox;
    return this.prisma.$queryRaw<OutboxEntry[]>`
      UPDATE outbox_events
      SET attempts = attempts + 1,
          next_attempt_at = now() + make_interval(
            secs => (${leaseMs}::int + least(${relayIntervalMs}::int * power(2, attempts), ${maxBackoffMs}::int)) / 1000.0
          )
      WHERE id IN (
        SELECT id FROM outbox_events
        WHERE published_at IS NULL AND next_attempt_at <= now()
        ORDER BY next_attempt_at
        LIMIT ${BATCH_SIZE}
        FOR UPDATE SKIP LOCKED
      )
      RETURNING id, pattern, payload, trace_context AS "traceContext", attempts`;
  }
}

/** Runs `work` untraced: polling every interval would otherwise start a new root trace each time. */
function untraced<T>(work: () => PromiseLike<T>): Promise<T> {
  // Awaited inside: a PrismaPromise is lazy and runs its query in the context its `then` is called from.
  return context.with(suppressTracing(context.active()), async () => await work());
}
