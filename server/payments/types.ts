/**
 * What the order domain needs from a card payment provider. Shaped after Toss Payments' confirm flow: the buyer's
 * browser authorises a payment and gets a paymentKey; the server confirms (paymentKey, orderId, amount) with the
 * provider, and refunds by cancelling the paymentKey.
 */
export type ConfirmPaymentRequest = { paymentKey: string; orderId: string; amount: number };

export type ConfirmPaymentResult =
  | { outcome: "APPROVED"; approvedAt: Date; amount: number }
  | { outcome: "DECLINED"; code: string; message: string }
  /** The provider replayed an approval whose charge has since been cancelled: no money is held for it. */
  | { outcome: "CANCELLED" };

export type CancelPaymentRequest = { paymentKey: string; reason: string; idempotencyKey: string };

/** CANCELLED also covers "already cancelled", NOT_FOUND means the provider never captured this paymentKey. */
export type CancelPaymentResult = { outcome: "CANCELLED" } | { outcome: "NOT_FOUND" };

/** The provider's current record of a paymentKey; null when it never captured one. */
export type ProviderPaymentState = { status: "DONE" | "CANCELED"; orderId: string; amount: number; approvedAt: Date } | null;

export type CircuitStatus = "closed" | "open" | "half-open";

export interface PaymentGateway {
  /** Stored in Payment.provider. */
  readonly name: string;
  /** The paymentKey doubles as the idempotency key: retrying the same attempt never charges twice. */
  confirm(request: ConfirmPaymentRequest): Promise<ConfirmPaymentResult>;
  cancel(request: CancelPaymentRequest): Promise<CancelPaymentResult>;
  /** GET /v1/payments/{paymentKey}: what the provider holds now, the truth when an earlier answer was lost. */
  lookUp(paymentKey: string): Promise<ProviderPaymentState>;
  circuitStatus(): CircuitStatus;
}

export type PaymentUnavailableReason = "circuit-open" | "timeout" | "network" | "provider-error";

/**
 * The provider could not give a definite answer (down, slow, or our breaker is open). For a confirm, the outcome is
 * unknown unless reason is "circuit-open" (no request was sent); retrying with the same paymentKey is safe.
 */
export class PaymentUnavailableError extends Error {
  readonly reason: PaymentUnavailableReason;
  readonly retryAfterS?: number;

  constructor(reason: PaymentUnavailableReason, message: string, options: { retryAfterS?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "PaymentUnavailableError";
    this.reason = reason;
    this.retryAfterS = options.retryAfterS;
  }
}

/** The provider answered, but not in a way the protocol allows (bad credentials, malformed request). Not retried. */
export class PaymentProtocolError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = "PaymentProtocolError";
    this.code = code;
  }
}
