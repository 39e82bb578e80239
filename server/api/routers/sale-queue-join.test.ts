/**
 * sale.queueJoin over HTTP: served by the fast path like sale.reserve, the person named by the purchase token, and
 * the join limit decided in the join script itself (one Redis round trip) with the app's one 429 answer.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { appRouter } from "~/server/api/root.ts";
import { createApp } from "~/server/app.ts";
import { fixedClock, systemClock } from "~/server/clock.ts";
import { db } from "~/server/db.ts";
import { revokeSession } from "~/server/domain/accounts/session-state.ts";
import { saleKeys } from "~/server/domain/sales/keys.ts";
import { PURCHASE_SESSION_RECHECK_MS } from "~/server/domain/sales/purchase-session.ts";
import { issuePurchaseToken } from "~/server/domain/sales/purchase-token.ts";
import { fastPathProcedures } from "~/server/http/trpc-fast-path.ts";
import { RATE_LIMITED_MESSAGE, rateLimitsOf } from "~/server/rate-limit.ts";
import { redis } from "~/server/redis.ts";
import { createFlashSale, createUsers } from "~/server/testing/factories.ts";
import { startTestServer } from "~/server/testing/http.ts";
import { deleteSaleCompletely, freshPurchaseSession } from "~/server/testing/sales.ts";

const OPENS_AT = new Date("2033-03-03T03:00:00.000Z");
// On a window boundary of the join limit, so the first window is a whole one.
const QUEUE_OPEN = new Date(OPENS_AT.getTime() - 60_000);
const clock = fixedClock(QUEUE_OPEN);
const deps = createApp({ db, redis, clock });
const joinLimit = rateLimitsOf(deps.config).queueJoinUser;

let server: Awaited<ReturnType<typeof startTestServer>>;
let saleId: number;

beforeAll(async () => {
  server = await startTestServer({ deps });
  saleId = (await createFlashSale(db, { opensAt: OPENS_AT, quantity: 5, waitingRoomEnabled: true, queueOpensMinutesBefore: 30 })).id;
});

afterAll(async () => {
  await server.close();
  const keys = saleKeys(saleId);
  await redis.del(keys.queue, keys.queueMeta, keys.admitted);
  await deleteSaleCompletely(deps, saleId);
});

type Answer = {
  status: number;
  vary: string | null;
  retryAfter: string | null;
  body: { result?: { data: { json: { state: string; position?: number } } }; error?: { json: { message: string; data: { code: string; retryAfterS: number | null } } } };
};

async function join(purchaseToken: string, rejoin?: boolean): Promise<Answer> {
  const response = await fetch(`${server.url}/api/trpc/sale.queueJoin`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ json: { saleId, purchaseToken, rejoin } }),
  });
  return { status: response.status, vary: response.headers.get("vary"), retryAfter: response.headers.get("retry-after"), body: (await response.json()) as Answer["body"] };
}

function tokenFor(userId: string, session = freshPurchaseSession()) {
  return issuePurchaseToken(deps, { userId, saleId, session }, clock.now().getTime()).token;
}

describe("sale.queueJoin", () => {
  it("is a fast-path procedure that needs no session cookie: the purchase token names the person", async () => {
    expect(fastPathProcedures(appRouter).get("sale.queueJoin")).toEqual({ type: "mutation", ignoresSession: true });
    const [first, second] = await createUsers(db, 2);

    const joined = await join(tokenFor(first!.id));
    // tRPC's HTTP layer always answers with a Vary header; the fast path writes its own headers and none.
    expect(joined).toMatchObject({ status: 200, vary: null, body: { result: { data: { json: { state: "JOINED", position: 1 } } } } });
    expect((await join(tokenFor(second!.id))).body.result?.data.json).toEqual({ state: "JOINED", position: 2 });
    // A refresh (a new token for the same person) keeps the place.
    expect((await join(tokenFor(first!.id))).body.result?.data.json).toEqual({ state: "ALREADY", position: 1 });
  });

  it("refuses a forged token and a token whose session has ended", async () => {
    const [person] = await createUsers(db, 1);
    const session = freshPurchaseSession();
    const token = tokenFor(person!.id, session);

    expect((await join(token.replace(person!.id, "someone-else"))).status).toBe(401);
    expect((await join(token)).status).toBe(200);
    await revokeSession({ ...deps, clock: systemClock }, { userId: person!.id, ...session });
    // The instance re-checks a session it has just confirmed at most once per PURCHASE_SESSION_RECHECK_MS.
    clock.advance(PURCHASE_SESSION_RECHECK_MS);
    try {
      const refused = await join(token);
      expect(refused.status).toBe(401);
      expect(refused.body.error?.json.data.code).toBe("UNAUTHORIZED");
    } finally {
      clock.set(QUEUE_OPEN);
    }
  });

  it("limits joins per person in the join script: past the limit a 429 with the app's one message and Retry-After", async () => {
    const [person, other] = await createUsers(db, 2);
    const token = tokenFor(person!.id);

    const allowed = [];
    for (let attempt = 0; attempt < joinLimit.limit; attempt += 1) allowed.push((await join(token)).status);
    expect(allowed).toEqual(Array.from({ length: joinLimit.limit }, () => 200));

    const limited = await join(token);
    expect(limited.status).toBe(429);
    expect(limited.vary).toBeNull();
    expect(limited.body.error?.json).toMatchObject({ message: RATE_LIMITED_MESSAGE, data: { code: "TOO_MANY_REQUESTS", retryAfterS: joinLimit.windowMs / 1000 } });
    expect(limited.retryAfter).toBe(String(joinLimit.windowMs / 1000));
    // Per person: someone else is not held back.
    expect((await join(tokenFor(other!.id))).status).toBe(200);

    // The next window lets the person in again.
    clock.advance(joinLimit.windowMs);
    try {
      expect((await join(token)).body.result?.data.json).toMatchObject({ state: "ALREADY" });
    } finally {
      clock.set(QUEUE_OPEN);
    }
  });
});
