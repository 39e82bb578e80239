import {
  PaymentProtocolError,
  PaymentUnavailableError,
  type ProviderPaymentState,
  type CancelPaymentRequest,
  type CancelPaymentResult,
  type ConfirmPaymentRequest,
  type ConfirmPaymentResult,
} from "~/server/payments/types.ts";

/** One raw provider call; the resilient gateway adds timeout, retry and the circuit breaker around it. */
export type PaymentProviderClient = {
  confirm(request: ConfirmPaymentRequest, signal: AbortSignal): Promise<ConfirmPaymentResult>;
  cancel(request: CancelPaymentRequest, signal: AbortSignal): Promise<CancelPaymentResult>;
  lookUp(paymentKey: string, signal: AbortSignal): Promise<ProviderPaymentState>;
};

type ProviderPayment = { paymentKey: string; orderId: string; status: string; totalAmount: number; approvedAt: string };
type ProviderError = { code?: string; message?: string };

/**
 * HTTP client for a Toss Payments-style API (the local sandbox by default): Basic auth with the secret key, JSON
 * bodies, an Idempotency-Key header on every state-changing call, errors as `{ code, message }`.
 * 5xx answers and dropped connections become PaymentUnavailableError (transient); declines are results.
 */
export function createTossStyleClient(options: { baseUrl: string; secretKey: string }): PaymentProviderClient {
  const baseUrl = options.baseUrl.replace(/\/$/, "");
  const authorization = `Basic ${Buffer.from(`${options.secretKey}:`).toString("base64")}`;

  async function call(method: "GET" | "POST", path: string, init: { body?: unknown; idempotencyKey?: string; signal: AbortSignal }) {
    let response: Response;
    try {
      response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: {
          authorization,
          "content-type": "application/json",
          ...(init.idempotencyKey ? { "idempotency-key": init.idempotencyKey } : {}),
        },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: init.signal,
      });
    } catch (error) {
      if (init.signal.aborted) throw error;
      throw new PaymentUnavailableError("network", "결제 서버에 연결하지 못했습니다.", { cause: error });
    }
    if (response.status >= 500) {
      await response.body?.cancel();
      throw new PaymentUnavailableError("provider-error", `결제 서버 오류 (HTTP ${response.status})`);
    }
    const json = (await response.json().catch(() => null)) as unknown;
    return { status: response.status, json };
  }

  function providerError(json: unknown): Required<ProviderError> {
    const error = (json ?? {}) as ProviderError;
    return { code: error.code ?? "UNKNOWN", message: error.message ?? "결제에 실패했습니다." };
  }

  async function lookUp(paymentKey: string, signal: AbortSignal): Promise<ProviderPaymentState> {
    const { status, json } = await call("GET", `/v1/payments/${encodeURIComponent(paymentKey)}`, { signal });
    if (status === 404) return null;
    if (status !== 200) {
      const error = providerError(json);
      throw new PaymentProtocolError(error.code, error.message);
    }
    const payment = json as ProviderPayment;
    return { status: payment.status === "DONE" ? "DONE" : "CANCELED", orderId: payment.orderId, amount: payment.totalAmount, approvedAt: new Date(payment.approvedAt) };
  }

  /** An approval, unless the provider's record says that charge was cancelled since (a replayed answer). */
  function approvalOf(payment: ProviderPayment): ConfirmPaymentResult {
    if (payment.status !== "DONE") return { outcome: "CANCELLED" };
    return { outcome: "APPROVED", approvedAt: new Date(payment.approvedAt), amount: payment.totalAmount };
  }

  return {
    async confirm(request, signal) {
      const { status, json } = await call("POST", "/v1/payments/confirm", {
        body: { paymentKey: request.paymentKey, orderId: request.orderId, amount: request.amount },
        // The paymentKey identifies one attempt, so it is the natural idempotency key for its confirm.
        idempotencyKey: `confirm-${request.paymentKey}`,
        signal,
      });
      if (status === 200) return approvalOf(json as ProviderPayment);
      const error = providerError(json);
      if (error.code === "ALREADY_PROCESSED_PAYMENT") {
        // Confirmed earlier (e.g. the provider forgot the idempotency key): its current record is the answer.
        const payment = await lookUp(request.paymentKey, signal);
        if (payment?.orderId === request.orderId) {
          return payment.status === "DONE" ? { outcome: "APPROVED", approvedAt: payment.approvedAt, amount: payment.amount } : { outcome: "CANCELLED" };
        }
      }
      if (status === 401 || error.code === "INVALID_REQUEST") throw new PaymentProtocolError(error.code, error.message);
      return { outcome: "DECLINED", code: error.code, message: error.message };
    },

    lookUp,

    async cancel(request, signal) {
      const { status, json } = await call("POST", `/v1/payments/${encodeURIComponent(request.paymentKey)}/cancel`, {
        body: { cancelReason: request.reason },
        idempotencyKey: request.idempotencyKey,
        signal,
      });
      if (status === 200) return { outcome: "CANCELLED" };
      const error = providerError(json);
      if (error.code === "ALREADY_CANCELED_PAYMENT") return { outcome: "CANCELLED" };
      if (error.code === "NOT_FOUND_PAYMENT") return { outcome: "NOT_FOUND" };
      throw new PaymentProtocolError(error.code, error.message);
    },
  };
}
