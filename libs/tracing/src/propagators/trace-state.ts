import type { TraceState } from '@opentelemetry/api';

// The list-member grammar of W3C Trace Context Level 2 (https://www.w3.org/TR/trace-context-2/#key and #value).
// Level 2 made `@` an ordinary key character and dropped Level 1's tenant@vendor lengths: a key is at most 256
// characters in all. A value is up to 256 printable ASCII characters except `,` and `=`, not ending in a space.
const KEY = /^[a-z0-9][a-z0-9_\-*/@]{0,255}$/;
const VALUE = /^[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/;
/** "There can be a maximum of 32 list-members in a list." */
export const MAX_TRACE_STATE_MEMBERS = 32;

const isValidMember = (key: string, value: string) => KEY.test(key) && VALUE.test(value);

/**
 * A tracestate that holds only what Level 2 allows, in header order. Immutable, like the SDK's: `set` and `unset`
 * return a new state, and a set key moves to the front, as the spec's mutation rules require.
 */
export class Level2TraceState implements TraceState {
  private constructor(private readonly members: ReadonlyMap<string, string>) {}

  static empty(): Level2TraceState {
    return new Level2TraceState(new Map());
  }

  /**
   * The state a `tracestate` header (or several, combined in order) describes, or undefined when it holds no
   * member or is invalid: an invalid key or value, a repeated key or more than 32 members discards the whole
   * header, which W3C allows and its test suite requires at strict level 2. Empty list members are allowed.
   */
  static parse(header: string | string[] | undefined): Level2TraceState | undefined {
    const combined = Array.isArray(header) ? header.join(',') : header;
    if (!combined) return undefined;
    const members = new Map<string, string>();
    for (const rawMember of combined.split(',')) {
      const member = rawMember.replace(/^[ \t]+|[ \t]+$/g, '');
      if (member === '') continue;
      const split = member.indexOf('=');
      const [key, value] = split === -1 ? [member, ''] : [member.slice(0, split), member.slice(split + 1)];
      if (!isValidMember(key, value) || members.has(key)) return undefined;
      members.set(key, value);
      if (members.size > MAX_TRACE_STATE_MEMBERS) return undefined;
    }
    return members.size > 0 ? new Level2TraceState(members) : undefined;
  }

  get(key: string): string | undefined {
    return this.members.get(key);
  }

  /** Adds or updates `key` at the front; an invalid member is ignored, and the oldest member makes room at 32. */
  set(key: string, value: string): Level2TraceState {
    if (!isValidMember(key, value)) return this;
    const rest = [...this.members].filter(([existing]) => existing !== key);
    return new Level2TraceState(new Map([[key, value], ...rest.slice(0, MAX_TRACE_STATE_MEMBERS - 1)]));
  }

  unset(key: string): Level2TraceState {
    if (!this.members.has(key)) return this;
    return new Level2TraceState(new Map([...this.members].filter(([existing]) => existing !== key)));
  }

  serialize(): string {
    return [...this.members].map(([key, value]) => `${key}=${value}`).join(',');
  }
}
