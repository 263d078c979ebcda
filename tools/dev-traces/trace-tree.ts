// Lays out one trace as the tree `npm run dev` prints: Jaeger's timeline order and nesting (children by start time),
// one line per span. Pure (no I/O), so unit specs cover it; no imports of sibling .ts files, because the root tsconfig
// that checks the specs cannot follow them.
import { styleText } from 'node:util';

/** One received span, reduced to what the tree shows. */
export interface DevSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  service: string;
  name: string;
  /** OTLP SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  startNs: bigint;
  endNs: bigint;
  /** OTLP's scalar values; arrays and maps are left out (none of the attributes shown is one). */
  attributes: Record<string, string | number | boolean | undefined>;
  /** Set when the span's status is ERROR: its exception event's message, else its status message, else ''. */
  error?: string;
}

export interface LayoutOptions {
  /** ANSI colours (for a terminal); plain text otherwise. */
  color?: boolean;
  /** Span lines shown before the cut. */
  maxSpans?: number;
  /** Spans of this trace the receiver could not keep. */
  droppedSpans?: number;
}

export const MAX_SPANS_SHOWN = 40;
const KINDS = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];
const QUERY_CHARS = 40;

export function formatTrace(spans: readonly DevSpan[], options: LayoutOptions = {}): string {
  const { color = false, maxSpans = MAX_SPANS_SHOWN, droppedSpans = 0 } = options;
  const paint = (format: Parameters<typeof styleText>[0], text: string) =>
    color ? styleText(format, text, { validateStream: false }) : text;
  // An exporter that retries a batch sends its spans twice; the first copy counts.
  const byId = new Map<string, DevSpan>();
  for (const span of spans) if (!byId.has(span.spanId)) byId.set(span.spanId, span);
  const sorted = [...byId.values()].sort(byStart);
  // Top spans have no parent in the trace. The root is the top with no parent id, else the earliest top (an entry span
  // whose parent is the caller's, such as curl's traceparent); any other top lost its parent. In a parent cycle
  // (malformed ids) no span is a top, and the earliest stands in as the root.
  const tops = sorted.filter((span) => !span.parentSpanId || !byId.has(span.parentSpanId));
  const root = tops.find((span) => !span.parentSpanId) ?? tops[0] ?? sorted[0];
  if (!root) return '';

  const lines: { text: string; failed: boolean }[] = [];
  const seen = new Set<string>();
  const walk = (span: DevSpan, prefix: string, connector: string): void => {
    seen.add(span.spanId);
    const text = prefix + connector + spanLine(span, span !== root && tops.includes(span), paint);
    lines.push({ text, failed: span.error !== undefined });
    const below = sorted.filter((child) => child.parentSpanId === span.spanId && !seen.has(child.spanId));
    const childPrefix = prefix + (connector === '├─ ' ? '│  ' : connector === '' ? '' : '   ');
    below.forEach((child, index) => walk(child, childPrefix, index === below.length - 1 ? '└─ ' : '├─ '));
  };
  // The root, the other top spans, then the spans of a parent cycle, which no top span reaches: they show at the root.
  for (const span of [root, ...tops, ...sorted]) if (!seen.has(span.spanId)) walk(span, '', '');

  const start = sorted.reduce((min, span) => (span.startNs < min ? span.startNs : min), root.startNs);
  const end = sorted.reduce((max, span) => (span.endNs > max ? span.endNs : max), root.endNs);
  const errors = sorted.filter((span) => span.error !== undefined).length;
  const counts = [`${byId.size} spans`, errors && `${errors} with errors`, droppedSpans && `${droppedSpans} dropped`];
  const status = root.error !== undefined ? paint('red', 'ERROR') : 'OK';
  const header = `trace ${root.traceId}  ${paint('bold', root.name)}  ${milliseconds(end - start)}  ${status}`;
  const shown = lines.slice(0, maxSpans).map((line) => line.text);
  const cutFailures = lines.slice(maxSpans).filter((line) => line.failed);
  if (lines.length > maxSpans) {
    // Failed spans stay visible after the cut: an error is what a reader looks for first.
    shown.push(`… ${lines.length - maxSpans} more spans not shown${cutFailures.length ? '; the failed ones:' : ''}`);
    shown.push(...cutFailures.map((line) => line.text));
  }
  return [`${header}  (${counts.filter(Boolean).join(', ')})`, ...shown].join('\n');
}

function spanLine(span: DevSpan, parentMissing: boolean, paint: (format: 'red' | 'yellow', text: string) => string) {
  const kind = KINDS[span.kind] ?? `kind ${span.kind}`;
  const duration = milliseconds(span.endNs - span.startNs);
  let line = [span.service, span.name, kind, duration, ...keyAttributes(span)].join('  ');
  if (span.error !== undefined) line = paint('red', `✗ ${line}  error: ${span.error || '(no message)'}`);
  if (parentMissing) line += paint('yellow', `  [parent ${span.parentSpanId} not received]`);
  return line;
}

/** The one or two attributes that say what a span did, unless its name already says it. */
function keyAttributes({ name, attributes }: DevSpan): string[] {
  const text = (key: string) => (typeof attributes[key] === 'string' ? attributes[key] : undefined);
  const route = text('http.route');
  const method = text('rpc.method');
  const destination = text('messaging.destination.name');
  const query = text('db.query.text')?.replace(/\s+/g, ' ').trim();
  const status = attributes['http.response.status_code'];
  return [
    route && !name.endsWith(route) && `route=${route}`,
    status !== undefined && `status=${String(status)}`,
    method && !name.includes(method) && `rpc=${method}`,
    destination && !name.includes(destination) && `dest=${destination}`,
    query && `db: ${query.length > QUERY_CHARS ? `${query.slice(0, QUERY_CHARS)}…` : query}`,
  ].filter((field): field is string => typeof field === 'string');
}

const byStart = (a: DevSpan, b: DevSpan): number => Number(a.startNs - b.startNs);

function milliseconds(nanoseconds: bigint): string {
  return `${(Number(nanoseconds) / 1e6).toFixed(1)} ms`;
}
