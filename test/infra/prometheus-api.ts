// The few calls of Prometheus's HTTP API (https://prometheus.io/docs/prometheus/latest/querying/api/) that
// prometheus.live-spec.ts makes, each polled with a deadline where the answer depends on scrapes still to come.
import { setTimeout as delay } from 'node:timers/promises';
import type { AppProcess } from '../support/app-process';

type Series = { metric: Record<string, string> };
export type QueryResult = { status: string; error?: string; data: Series[] };
export type RuleState = { name: string; health: string; lastError?: string; lastEvaluation: string };

const POLL_MS = 1000;

export class PrometheusApi {
  constructor(
    private readonly url: string,
    private readonly prometheus: AppProcess,
  ) {}

  async waitReady(deadlineMs: number): Promise<void> {
    await this.poll(deadlineMs, 'Prometheus to be ready', async () => {
      if (!this.prometheus.running) throw new Error(`Prometheus exited:\n${this.prometheus.tail()}`);
      return (await fetch(`${this.url}/-/ready`).catch(() => undefined))?.ok === true;
    });
  }

  async version(): Promise<string> {
    const body = (await this.get('/api/v1/status/buildinfo')) as { data: { version: string } };
    return body.data.version;
  }

  async query(expr: string): Promise<QueryResult> {
    const body = (await this.get(`/api/v1/query?query=${encodeURIComponent(expr)}`)) as {
      status: string;
      error?: string;
      data?: { result: Series[] };
    };
    return { status: body.status, error: body.error, data: body.data?.result ?? [] };
  }

  /** The query's result once it has series, or the last (empty or failed) one at the deadline. */
  async pollForData(expr: string, deadlineMs: number): Promise<QueryResult> {
    let last: QueryResult = { status: 'none', data: [] };
    await this.poll(deadlineMs, undefined, async () => {
      last = await this.query(expr);
      return last.status !== 'success' || last.data.length > 0;
    });
    return last;
  }

  async labelValues(label: string, match: string): Promise<string[]> {
    await this.pollForData(match, 30_000);
    const body = (await this.get(`/api/v1/label/${label}/values?match[]=${encodeURIComponent(match)}`)) as {
      data: string[];
    };
    return body.data;
  }

  /** The label names on the series of a metric (empty when it has none). */
  async seriesLabels(name: string): Promise<Set<string>> {
    const result = await this.pollForData(name, 30_000);
    return new Set(result.data.flatMap((series) => Object.keys(series.metric)));
  }

  /** Every rule of every group, once each has been evaluated at least once. */
  async pollRulesEvaluated(deadlineMs: number): Promise<RuleState[]> {
    let rules: RuleState[] = [];
    await this.poll(deadlineMs, 'every rule to be evaluated', async () => {
      const body = (await this.get('/api/v1/rules')) as { data: { groups: { rules: RuleState[] }[] } };
      rules = body.data.groups.flatMap((group) => group.rules);
      return rules.length > 0 && rules.every((rule) => !rule.lastEvaluation.startsWith('0001-'));
    });
    return rules;
  }

  private async get(path: string): Promise<unknown> {
    const response = await fetch(`${this.url}${path}`);
    return response.json();
  }

  /** Polls `done` until true; at the deadline throws when `what` names something required, else returns. */
  private async poll(deadlineMs: number, what: string | undefined, done: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + deadlineMs;
    while (Date.now() < deadline) {
      if (await done()) return;
      await delay(POLL_MS);
    }
    if (what) throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}`);
  }
}
