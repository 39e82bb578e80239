import type { Redis } from "@upstash/redis";

import { env } from "~/server/env.js";
import { DEFAULT_BREAKER, DEFAULT_RETRY, createResilientGateway, type ResilienceOptions } from "~/server/payments/resilient-gateway.ts";
import { createSharedBreaker } from "~/server/payments/shared-breaker.ts";
import { createTossStyleClient } from "~/server/payments/toss-style-client.ts";
import type { PaymentGateway } from "~/server/payments/types.ts";

export const SANDBOX_PROVIDER_NAME = "sandbox";

/**
 * A gateway to a Toss-style provider at `baseUrl`; tests pass short timings and their own sandbox URL. With
 * `shareCircuitVia`, the circuit breaker's state is shared through that Redis with every instance of the app.
 */
export function createPaymentGateway(
  options: { baseUrl: string; secretKey?: string; shareCircuitVia?: Redis; sharedCircuitCacheMs?: number } & Partial<ResilienceOptions>,
): PaymentGateway {
  const timeoutMs = options.timeoutMs ?? env.PAYMENT_TIMEOUT_MS;
  const retry = options.retry ?? DEFAULT_RETRY;
  const breaker = options.breaker ?? DEFAULT_BREAKER;
  const shared =
    options.shareCircuitVia &&
    createSharedBreaker({
      redis: options.shareCircuitVia,
      provider: SANDBOX_PROVIDER_NAME,
      halfOpenAfterMs: breaker.halfOpenAfterMs,
      // Long enough for the trial call with all its retries; a prober that dies is replaced after this.
      probeLeaseMs: (retry.maxAttempts + 1) * (timeoutMs + retry.maxDelayMs) + 1_000,
      cacheMs: options.sharedCircuitCacheMs,
    });
  return createResilientGateway({
    name: SANDBOX_PROVIDER_NAME,
    client: createTossStyleClient({ baseUrl: options.baseUrl, secretKey: options.secretKey ?? env.PAYMENT_SECRET_KEY }),
    timeoutMs,
    retry,
    breaker,
    shared: shared || undefined,
  });
}
