// Dependency-free, so the SDK start (instrumentations.ts) and the logger (libs/logging) share it without loading Nest.

/** Paths that probes hit every few seconds: not traced, not logged, not counted; tracing them would bury traffic. */
export const UNTRACED_PATHS = ['/health', '/metrics'] as const;

/** Whether a request URL (path and query) is one of UNTRACED_PATHS or below one. */
export function isUntracedPath(url: string | undefined): boolean {
  const path = (url ?? '').split('?')[0];
  return UNTRACED_PATHS.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}
