/**
 * The identifiers in an outbox payload (`orderId`, `paymentId`, `saleId`, …), for logs and the admin's dead-letter
 * list. An allow-list by key shape rather than a deny-list of personal fields: a payload that later grows an email
 * or an address must not start showing it anywhere.
 */
export function payloadIds(payload: unknown): Record<string, string | number> {
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) return {};
  const ids: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(payload)) {
    if (!/^(?:id|[a-z][A-Za-z]{0,40}Id)$/.test(key)) continue;
    if (typeof value === "number" && Number.isSafeInteger(value)) ids[key] = value;
    // Our ids are cuids and numbers; anything else under an id-shaped key is not shown.
    else if (typeof value === "string" && /^[A-Za-z0-9_-]{1,64}$/.test(value)) ids[key] = value;
  }
  return ids;
}
