import { env } from "~/server/env.js";
import { DEFAULT_BREAKER, DEFAULT_RETRY, createResilientGateway, type ResilienceOptions } from "~/server/payments/resilient-gateway.ts";
import { createTossStyleClient } from "~/server/payments/toss-style-client.ts";
import type { PaymentGateway } from "~/server/payments/types.ts";

export const SANDBOX_PROVIDER_NAME = "sandbox";

/** A gateway to a Toss-style provider at `baseUrl`; tests pass short timings and their own sandbox URL. */
export function createPaymentGateway(options: { baseUrl: string; secretKey?: string } & Partial<ResilienceOptions>): PaymentGateway {
  return createResilientGateway({
    name: SANDBOX_PROVIDER_NAME,
    client: createTossStyleClient({ baseUrl: options.baseUrl, secretKey: options.secretKey ?? env.PAYMENT_SECRET_KEY }),
    timeoutMs: options.timeoutMs ?? env.PAYMENT_TIMEOUT_MS,
    retry: options.retry ?? DEFAULT_RETRY,
    breaker: options.breaker ?? DEFAULT_BREAKER,
  });
}
