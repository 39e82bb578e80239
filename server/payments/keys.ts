import { hashTagged, redisKey } from "~/server/redis-keys.ts";

/**
 * The payment provider's circuit state shared by every app instance. Both keys carry the provider's hash tag, so the
 * pipelines that update them together stay in one Redis Cluster slot.
 */
export function paymentBreakerKeys(provider: string) {
  const tag = hashTagged("payment-breaker", provider);
  return {
    /** string: epoch ms until which every instance fails fast (half-open after it); expires a cool-down later */
    open: redisKey(tag, "open"),
    /** string: id of the one instance allowed to send the half-open trial call; expires with its lease */
    probe: redisKey(tag, "probe"),
  };
}
