/** Message patterns served by the __name__ service. Callers import these, never literals. */
export const __NAME___PATTERNS = {
  create: '__name__.create',
} as const;
