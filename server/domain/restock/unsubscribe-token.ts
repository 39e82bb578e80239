import { createHmac, timingSafeEqual } from "node:crypto";

import { derivedKey } from "~/server/crypto/derived-key.ts";

/** Long enough for a mail read weeks later; the signed-in "취소" button works whenever it is older. */
export const RESTOCK_UNSUBSCRIBE_TOKEN_TTL_MS = 60 * 24 * 60 * 60 * 1000;

function sign(secret: string, payload: string) {
  // A key derived for this purpose only, so this signature can never be replayed as any other token of the app.
  return createHmac("sha256", derivedKey(secret, "flashmart restock unsubscribe v1")).update(payload).digest("base64url");
}

/** The token of a mail's one-click unsubscribe link: a subscription id and an expiry, signed; no login needed. */
export function issueRestockUnsubscribeToken(secret: string, subscriptionId: number, nowMs: number) {
  const payload = `r1.${subscriptionId}.${nowMs + RESTOCK_UNSUBSCRIBE_TOKEN_TTL_MS}`;
  return `${payload}.${sign(secret, payload)}`;
}

/** Where mail clients send RFC 8058 one-click unsubscribes (app/api/restock/unsubscribe/route.ts). */
export const ONE_CLICK_UNSUBSCRIBE_PATH = "/api/restock/unsubscribe";

/**
 * A restock mail's ways out, both carrying the same token: the page behind the mail's "알림 해지" link, and the
 * List-Unsubscribe headers with which mail clients offer their own unsubscribe button and act on it at once.
 */
export function restockUnsubscribeLinks(appUrl: string, token: string) {
  const query = `?token=${encodeURIComponent(token)}`;
  return {
    pageUrl: `${appUrl}/restock/unsubscribe${query}`,
    headers: { "List-Unsubscribe": `<${appUrl}${ONE_CLICK_UNSUBSCRIBE_PATH}${query}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
  };
}

export type RestockUnsubscribeTokenCheck = { ok: true; subscriptionId: number } | { ok: false; reason: "MALFORMED" | "BAD_SIGNATURE" | "EXPIRED" };

export function verifyRestockUnsubscribeToken(secret: string, token: string, nowMs: number): RestockUnsubscribeTokenCheck {
  const parts = token.split(".");
  if (parts.length !== 4 || parts[0] !== "r1" || !/^\d{1,10}$/.test(parts[1]!) || !/^\d{1,15}$/.test(parts[2]!)) return { ok: false, reason: "MALFORMED" };
  const expected = Buffer.from(sign(secret, parts.slice(0, 3).join(".")));
  const given = Buffer.from(parts[3]!);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: "BAD_SIGNATURE" };
  if (!(Number(parts[2]) > nowMs)) return { ok: false, reason: "EXPIRED" };
  return { ok: true, subscriptionId: Number(parts[1]) };
}
