/** Message patterns served by the order service. */
export const ORDER_PATTERNS = {
  create: 'order.create',
  get: 'order.get',
  listByUser: 'order.list_by_user',
  /** Readiness probe: answered without a span. */
  ping: 'order.ping',
} as const;

/** Events the order service publishes; any service may consume them. */
export const ORDER_EVENTS = {
  created: 'order.created',
} as const;
