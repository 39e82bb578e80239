/** The domain's own failure vocabulary; server/api/errors.ts is the one place that maps it to tRPC codes. */
export type DomainErrorCode =
  | "UNAUTHENTICATED"
  | "NOT_FOUND"
  /** Well-formed input the domain rejects (a wrong verification code, a wrong current password). */
  | "INVALID_INPUT"
  | "FORBIDDEN"
  | "CONFLICT"
  | "SOLD_OUT"
  | "INVALID_STATE"
  | "RATE_LIMITED"
  | "UNAVAILABLE"
  | "PAYMENT_DECLINED";

export class DomainError extends Error {
  readonly code: DomainErrorCode;
  /** Seconds until a retry may succeed (rate limits, outages). */
  readonly retryAfterS?: number;
  readonly details?: Record<string, unknown>;

  constructor(code: DomainErrorCode, message: string, options: { retryAfterS?: number; details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "DomainError";
    this.code = code;
    this.retryAfterS = options.retryAfterS;
    this.details = options.details;
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
