import {
  bulkhead,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  TimeoutStrategy,
  circuitBreaker,
  handleWhen,
  isBrokenCircuitError,
  isTaskCancelledError,
  retry,
  timeout,
  wrap,
} from "cockatiel";

import { logger } from "~/server/logger.ts";
import type { PaymentProviderClient } from "~/server/payments/toss-style-client.ts";
import type { SharedBreaker } from "~/server/payments/shared-breaker.ts";
import { PaymentUnavailableError, type CircuitStatus, type PaymentGateway } from "~/server/payments/types.ts";

export type ResilienceOptions = {
  /** Per attempt. */
  timeoutMs: number;
  /** Retries after the first attempt; only transient failures, and every call carries an idempotency key. */
  retry: { maxAttempts: number; initialDelayMs: number; maxDelayMs: number };
  /** Opens after this many consecutive transient failures; lets one trial call through after halfOpenAfterMs. */
  breaker: { consecutiveFailures: number; halfOpenAfterMs: number };
};

export const DEFAULT_BREAKER = { consecutiveFailures: 5, halfOpenAfterMs: 10_000 } as const;
/**
 * Provider calls in flight at once per process; the rest wait their turn before their timeout starts. When every
 * winner of a sale pays in the same second, a timeout measured from the request's arrival would count our own
 * queueing against the provider, time out healthy calls and open the breaker for everyone.
 */
export const MAX_CONCURRENT_PROVIDER_CALLS = 32;
export const DEFAULT_RETRY = { maxAttempts: 2, initialDelayMs: 200, maxDelayMs: 1_000 } as const;

/** Failures worth retrying and counting against the provider: no definite answer came back. Declines are answers. */
function isTransient(error: unknown) {
  return error instanceof PaymentUnavailableError || isTaskCancelledError(error);
}

/**
 * Wraps a provider client in cockatiel policies: retry(breaker(timeout(call))). Each attempt passes the breaker, so
 * an outage opens it after `consecutiveFailures` failed attempts and later calls fail at once, without touching the
 * network, until a trial call succeeds. One breaker per provider, shared by confirm and cancel.
 */
export function createResilientGateway(
  options: { name: string; client: PaymentProviderClient; shared?: SharedBreaker | undefined } & ResilienceOptions,
): PaymentGateway {
  const { shared } = options;
  const breaker = circuitBreaker(handleWhen(isTransient), {
    halfOpenAfter: options.breaker.halfOpenAfterMs,
    breaker: new ConsecutiveBreaker(options.breaker.consecutiveFailures),
  });
  let openedAt = 0;
  breaker.onBreak(() => {
    openedAt = Date.now();
    logger.warn({ provider: options.name, halfOpenAfterMs: options.breaker.halfOpenAfterMs }, "payment circuit opened: failing fast");
    // Other instances would otherwise each spend `consecutiveFailures` slow calls learning the same thing.
    void shared?.publishOpen(openedAt + options.breaker.halfOpenAfterMs);
  });
  breaker.onReset(() => logger.info({ provider: options.name }, "payment circuit closed"));

  const policy = wrap(
    retry(handleWhen(isTransient), {
      maxAttempts: options.retry.maxAttempts,
      backoff: new ExponentialBackoff({ initialDelay: options.retry.initialDelayMs, maxDelay: options.retry.maxDelayMs }),
    }),
    breaker,
    timeout(options.timeoutMs, TimeoutStrategy.Aggressive),
  );

  const inFlight = bulkhead(MAX_CONCURRENT_PROVIDER_CALLS, Number.MAX_SAFE_INTEGER);

  const circuitOpen = (retryAfterMs: number, cause?: unknown) =>
    new PaymentUnavailableError("circuit-open", "결제 서비스 연결이 잠시 차단되었습니다.", { retryAfterS: Math.max(1, Math.ceil(retryAfterMs / 1000)), cause });

  /** Another instance's open circuit is this one's too; half-open, only the holder of the probe lease calls. */
  async function execute<T>(call: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (!shared) return executeHere(call);

    const circuit = await shared.check();
    if (circuit.state === "closed") return executeHere(call);
    if (circuit.state === "open") throw circuitOpen(circuit.retryAfterMs);
    // One second: about when the trial call has answered and the circuit is closed or open again.
    if (!(await shared.tryAcquireProbe())) throw circuitOpen(1_000);

    try {
      const result = await executeHere(call);
      await shared.probeSucceeded();
      return result;
    } catch (error) {
      if (error instanceof PaymentUnavailableError) {
        await (error.reason === "circuit-open" ? shared.releaseProbe() : shared.probeFailed());
      } else {
        // A decline or protocol error is still an answer: the provider is back.
        await shared.probeSucceeded();
      }
      throw error;
    }
  }

  async function executeHere<T>(call: (signal: AbortSignal) => Promise<T>): Promise<T> {
    try {
      // A signal of our own per call: without one cockatiel hangs every concurrent call's listener on one shared signal.
      return await inFlight.execute(() => policy.execute(({ signal }) => call(signal), new AbortController().signal));
    } catch (error) {
      if (isBrokenCircuitError(error)) throw circuitOpen(openedAt + options.breaker.halfOpenAfterMs - Date.now(), error);
      if (isTaskCancelledError(error)) throw new PaymentUnavailableError("timeout", "결제 서버 응답이 늦습니다.", { cause: error });
      throw error;
    }
  }

  return {
    name: options.name,
    confirm: (request) => execute((signal) => options.client.confirm(request, signal)),
    cancel: (request) => execute((signal) => options.client.cancel(request, signal)),
    lookUp: (paymentKey) => execute((signal) => options.client.lookUp(paymentKey, signal)),
    circuitStatus(): CircuitStatus {
      if (breaker.state === CircuitState.HalfOpen) return "half-open";
      if (breaker.state !== CircuitState.Closed) return "open";
      // This instance's breaker is closed, but it obeys the shared circuit (as last read).
      return shared?.peek().state ?? "closed";
    },
  };
}
