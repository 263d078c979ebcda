import { isSensitiveName } from './sensitive-names';

/** What a sensitive value becomes; the word @opentelemetry/instrumentation-http uses, and URL-safe. */
export const REDACTED = 'REDACTED';

/** `scheme://userinfo@`: the userinfo runs to the last `@` before the path, query or fragment. */
const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i;
const ABSOLUTE_URL = /^[a-z][a-z0-9+.-]*:\/\//i;

/** True for a string that starts with `scheme://`, the only kind of URL that can carry userinfo. */
export function isAbsoluteUrl(value: string): boolean {
  return ABSOLUTE_URL.test(value);
}

/**
 * Replaces the values of sensitive parameters in a query string (`a=1&access_token=x`, no leading `?`), and redacts
 * a parameter whose value is itself a URL (`next=https://user:pass@host/?token=x`, plain or percent-encoded).
 * Everything else is kept byte for byte, so the result still reads like the request that came in.
 */
export function redactQuery(query: string): string {
  return query
    .split('&')
    .map((pair) => {
      const separator = pair.indexOf('=');
      if (separator === -1) return pair;
      const name = pair.slice(0, separator);
      if (isSensitiveName(decode(name))) return `${name}=${REDACTED}`;
      const value = decode(pair.slice(separator + 1));
      if (!isAbsoluteUrl(value)) return pair;
      const redacted = redactUrl(value);
      return redacted === value ? pair : `${name}=${encodeURIComponent(redacted)}`;
    })
    .join('&');
}

/**
 * Redacts the userinfo (`https://user:pass@host`, as the OpenTelemetry semantic conventions ask for `url.full`) and
 * the query of a full URL (`http://h/p?q#f`) or of a path (`/p?q`). The fragment is left alone: clients never send it.
 */
export function redactUrl(url: string): string {
  const hash = url.indexOf('#');
  const end = hash === -1 ? url.length : hash;
  const start = url.indexOf('?');
  const withoutUserinfo = (part: string) => part.replace(USERINFO, `$1${REDACTED}:${REDACTED}@`);
  if (start === -1 || start > end) return `${withoutUserinfo(url.slice(0, end))}${url.slice(end)}`;
  return `${withoutUserinfo(url.slice(0, start))}?${redactQuery(url.slice(start + 1, end))}${url.slice(end)}`;
}

/** The same for a parsed query (Express's `req.query`): sensitive keys get REDACTED, the rest is kept. */
export function redactQueryObject(query: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(query).map(([name, value]) => [
      name,
      isSensitiveName(name) ? REDACTED : typeof value === 'string' && isAbsoluteUrl(value) ? redactUrl(value) : value,
    ]),
  );
}

function decode(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    // Broken percent-encoding: compare the text as it was sent.
    return raw;
  }
}
