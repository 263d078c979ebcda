import { ReceivedSpan, describeSpan } from './otlp-receiver';

/**
 * True when every span's parent has arrived, apart from `outsideParentId` (the caller's span, when the trace was
 * continued from a traceparent). Each app exports on its own schedule, so a trace can hold a child before the span
 * that links it to the root: wait for this before asserting ancestry, or a late span reads as a broken trace.
 */
export function isConnected(spans: ReceivedSpan[], outsideParentId?: string): boolean {
  const ids = new Set(spans.map((span) => span.spanId));
  return spans.every(
    (span) => span.parentSpanId === undefined || span.parentSpanId === outsideParentId || ids.has(span.parentSpanId),
  );
}

/** Lookups over one trace's spans that fail with the whole trace in the message. */
export class SpanTree {
  constructor(readonly spans: ReceivedSpan[]) {}

  /** The only span matching; fails if there is none or more than one. */
  one(service: string, name: string, kind?: number): ReceivedSpan {
    const found = this.all(service, name, kind);
    if (found.length !== 1) {
      throw new Error(`expected one ${service}:${name} (kind ${kind}), found ${found.length} in\n${this.describe()}`);
    }
    return found[0];
  }

  all(service: string, name: string | RegExp, kind?: number): ReceivedSpan[] {
    return this.spans.filter(
      (span) =>
        span.service === service &&
        (typeof name === 'string' ? span.name === name : name.test(span.name)) &&
        (kind === undefined || span.kind === kind),
    );
  }

  parentOf(span: ReceivedSpan): ReceivedSpan | undefined {
    return this.spans.find((candidate) => candidate.spanId === span.parentSpanId);
  }

  childrenOf(span: ReceivedSpan): ReceivedSpan[] {
    return this.spans.filter((candidate) => candidate.parentSpanId === span.spanId);
  }

  /** True when `ancestor` is on the path from `span` to the root. */
  isDescendant(span: ReceivedSpan, ancestor: ReceivedSpan): boolean {
    for (let parent = this.parentOf(span); parent; parent = this.parentOf(parent)) {
      if (parent.spanId === ancestor.spanId) return true;
    }
    return false;
  }

  describe(): string {
    const roots = this.spans.filter((span) => !this.parentOf(span));
    const lines: string[] = [];
    const walk = (span: ReceivedSpan, depth: number) => {
      lines.push(`${'  '.repeat(depth)}${describeSpan(span)}`);
      this.spans.filter((child) => child.parentSpanId === span.spanId).forEach((child) => walk(child, depth + 1));
    };
    roots.forEach((root) => walk(root, 0));
    return lines.join('\n');
  }
}
