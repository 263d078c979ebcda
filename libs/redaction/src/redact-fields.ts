import { REDACTED, isAbsoluteUrl, redactUrl } from './redact-url';
import { isSensitiveName } from './sensitive-names';

/**
 * How deep `redactFields` looks. pino prints nothing below its `depthLimit` (5 levels) anyway, and a bound keeps a
 * cyclic object from looping.
 */
export const MAX_REDACTION_DEPTH = 8;

/**
 * A header set with the values of credential-like headers replaced, and URL-valued headers (`referer`, `location`)
 * stripped of userinfo and query credentials. Works for Node's IncomingHttpHeaders and for plain records.
 */
export function redactHeaders<T extends Record<string, unknown>>(headers: T): T {
  return redactFields(headers);
}

/**
 * Copies `value` with every field whose name looks like a credential replaced by REDACTED, and every URL-valued
 * string redacted (userinfo, query credentials), through plain objects and arrays. Anything else (class instances,
 * errors, Node's request and response objects) is kept as it is: they have serializers of their own. Returns the
 * same reference when nothing needed redacting, so a clean log line costs no copy.
 */
export function redactFields<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return (isAbsoluteUrl(value) ? redactUrl(value) : value) as T;
  if (depth >= MAX_REDACTION_DEPTH || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item: unknown, index) => {
      const redacted = redactFields(item, depth + 1);
      if (redacted !== item) (copy ??= [...value])[index] = redacted;
    });
    return (copy ?? value) as T;
  }
  if (!isPlainObject(value)) return value;
  let copy: Record<string, unknown> | undefined;
  for (const [key, field] of Object.entries(value)) {
    const redacted = isSensitiveName(key) && field !== undefined ? REDACTED : redactFields(field, depth + 1);
    if (redacted !== field) (copy ??= { ...value })[key] = redacted;
  }
  return (copy ?? value) as T;
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
