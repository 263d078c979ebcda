import { SENSITIVE_QUERY_PARAMS } from './sensitive-names';

/** What a sensitive value becomes; the word @opentelemetry/instrumentation-http uses, and URL-safe. */
export const REDACTED = 'REDACTED';

const SENSITIVE = new Set(SENSITIVE_QUERY_PARAMS);

/**
 * Replaces the values of sensitive parameters in a query string (`a=1&access_token=x`, no leading `?`). Everything
 * else is kept byte for byte, so the result still reads like the request that came in.
 */
export function redactQuery(query: string): string {
  return query
    .split('&')
    .map((pair) => {
      const separator = pair.indexOf('=');
      const name = separator === -1 ? pair : pair.slice(0, separator);
      return separator !== -1 && isSensitiveParam(name) ? `${name}=${REDACTED}` : pair;
    })
    .join('&');
}

/** Redacts the query of a full URL (`http://h/p?q#f`) or of a path (`/p?q`); a URL without a query is returned as is. */
export function redactUrl(url: string): string {
  const start = url.indexOf('?');
  if (start === -1) return url;
  const hash = url.indexOf('#', start);
  const end = hash === -1 ? url.length : hash;
  return `${url.slice(0, start + 1)}${redactQuery(url.slice(start + 1, end))}${url.slice(end)}`;
}

/** The same for a parsed query (Express's `req.query`): sensitive keys get REDACTED, the rest is kept. */
export function redactQueryObject(query: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(query).map(([name, value]) => [name, isSensitiveParam(name) ? REDACTED : value]),
  );
}

function isSensitiveParam(rawName: string): boolean {
  return SENSITIVE.has(
    decodeName(rawName)
      .replace(/\[.*\]$/, '')
      .toLowerCase(),
  );
}

function decodeName(rawName: string): string {
  try {
    return decodeURIComponent(rawName.replace(/\+/g, ' '));
  } catch {
    // Broken percent-encoding: compare the name as it was sent.
    return rawName;
  }
}
