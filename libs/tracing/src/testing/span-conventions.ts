import * as stable from '@opentelemetry/semantic-conventions';
import { APP_ATTRIBUTES } from '../app-attributes';
import { TRACER_NAME } from '../traced/span-scope';
import { APP_TRACER_NAME } from '../tracing.module';

// The registry is loaded here only, in tests: the runtime copies the few incubating keys it uses, as the package
// advises. tsconfig's node10 module resolution does not read the package's `exports`, hence require.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const incubating = require('@opentelemetry/semantic-conventions/incubating') as Record<string, unknown>;

/** What the checks need of a received span. */
export interface SpanAttributes {
  service: string;
  name: string;
  scope: string;
  attributes: Record<string, unknown>;
}

/**
 * Attribute keys of the semantic conventions, from @opentelemetry/semantic-conventions (stable and incubating
 * `ATTR_*` exports). Template keys such as `http.request.header.<key>` are functions there; they become prefixes.
 */
function semconvRegistry(): { keys: ReadonlySet<string>; prefixes: readonly string[] } {
  const exports = Object.entries({ ...(stable as Record<string, unknown>), ...incubating }).filter(([name]) =>
    name.startsWith('ATTR_'),
  );
  const keys = new Set(exports.flatMap(([, value]) => (typeof value === 'string' ? [value] : [])));
  const prefixes = exports.flatMap(([, value]) =>
    typeof value === 'function' ? [String((value as (key: string) => unknown)(''))] : [],
  );
  return { keys, prefixes };
}

// Built on first use: the incubating entry is large, and most specs that import the testing helpers never need it.
let registry: ReturnType<typeof semconvRegistry> | undefined;

export function isSemconvKey(key: string): boolean {
  registry ??= semconvRegistry();
  return registry.keys.has(key) || registry.prefixes.some((prefix) => key.startsWith(prefix) && key !== prefix);
}

/** A semantic-convention key, or one of the template's documented `app.*` keys (app-attributes.ts). */
export function isConventionalKey(key: string): boolean {
  return isSemconvKey(key) || APP_ATTRIBUTES.includes(key);
}

/** The template's own tracers: @Traced() and the RPC spans, the injectable TRACER, and apps' `@app/<app>` ones. */
export function isOwnScope(scope: string): boolean {
  return scope === TRACER_NAME || scope === APP_TRACER_NAME || scope.startsWith('@app/');
}

/**
 * Attribute keys that break the template's naming rule, one line per span and key, naming both. On spans of our own
 * tracers every key must be conventional. Other libraries' spans name their own attributes, but an `app.*` key on
 * them can only come from us (baggage copied onto entry spans), so it must be a documented one.
 */
export function unconventionalAttributes(spans: readonly SpanAttributes[]): string[] {
  return spans.flatMap((span) =>
    Object.keys(span.attributes)
      .filter((key) => (isOwnScope(span.scope) || key.startsWith('app.')) && !isConventionalKey(key))
      .map((key) => `${span.service}:${span.name} (scope ${span.scope}) sets "${key}"`),
  );
}
