/** Message patterns served by the user service. The gateway and the order service import these, never literals. */
export const USER_PATTERNS = {
  create: 'user.create',
  get: 'user.get',
  exists: 'user.exists',
  /** Readiness probe: answered without a span. */
  ping: 'user.ping',
} as const;
