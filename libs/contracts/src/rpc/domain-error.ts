import { ErrorCode, RpcErrorPayload, isErrorCode } from './error-codes';

/** A failure the caller is meant to see: it carries a stable code and a message safe to show. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** `cause`: the transport failure behind it, for the span and the logs; never sent to a caller. */
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'DomainError';
  }

  toPayload(): RpcErrorPayload {
    return { code: this.code, message: this.message };
  }

  /** Rebuilds a DomainError from what a remote service sent, or undefined if it is not one. */
  static fromPayload(value: unknown): DomainError | undefined {
    if (typeof value !== 'object' || value === null) return undefined;
    const { code, message } = value as Partial<RpcErrorPayload>;
    if (!isErrorCode(code) || typeof message !== 'string') return undefined;
    return new DomainError(code, message);
  }
}
