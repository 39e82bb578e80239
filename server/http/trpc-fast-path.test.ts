import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { appRouter } from "~/server/api/root.ts";
import { fixedClock, systemClock } from "~/server/clock.ts";
import { configFromEnv } from "~/server/config.ts";
import { db } from "~/server/db.ts";
import { revokeSession } from "~/server/domain/accounts/session-state.ts";
import { fastPathProcedures } from "~/server/http/trpc-fast-path.ts";
import { redis } from "~/server/redis.ts";
import { createFlashSale, createOrder, createUser } from "~/server/testing/factories.ts";
import { sessionCookieFor, startTestServer } from "~/server/testing/http.ts";
import { deleteUsersWithOrders } from "~/server/testing/orders.ts";
import { deleteSaleCompletely } from "~/server/testing/sales.ts";

const NOW = new Date("2031-07-01T03:00:00.000Z");
const deps = { db, redis, clock: fixedClock(NOW) };

let server: Awaited<ReturnType<typeof startTestServer>>;
let saleId: number;
let holdOrderId: string;
let buyer: { id: string; role: "USER" | "ADMIN" };
let buyerCookie: string;

beforeAll(async () => {
  server = await startTestServer({ deps });
  buyer = await createUser(db);
  const sale = await createFlashSale(db, { opensAt: new Date(NOW.getTime() - 60_000) });
  saleId = sale.id;
  const hold = await createOrder(db, { userId: buyer.id, productId: sale.productId, saleId, paymentDueAt: new Date(NOW.getTime() + 5 * 60_000) });
  holdOrderId = hold.id;
  buyerCookie = await sessionCookieFor(buyer);
});

afterAll(async () => {
  await server.close();
  await deleteSaleCompletely(deps, saleId);
  await deleteUsersWithOrders(db, [buyer.id]);
});

type Answer = { status: number; vary: string | null; body: { result?: { data: { json: unknown } }; error?: { json: { data: { code: string } } } } };

async function query(path: string, input: unknown, cookie?: string): Promise<Answer> {
  const url = `${server.url}/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
  const response = await fetch(url, { headers: cookie ? { cookie } : {} });
  // tRPC's HTTP layer always answers with `vary: trpc-accept, accept`; the fast path writes its own headers and none.
  return { status: response.status, vary: response.headers.get("vary"), body: (await response.json()) as Answer["body"] };
}

describe("fast-path procedures", () => {
  it("are the procedures declared with .meta({ fastPath: true }), and only those", () => {
    const procedures = fastPathProcedures(appRouter);
    expect(procedures.get("sale.reserve")).toEqual({ type: "mutation", ignoresSession: true });
    expect(procedures.get("sale.status")).toEqual({ type: "query", ignoresSession: true });
    expect(procedures.get("sale.myState")).toEqual({ type: "query", ignoresSession: false });
    expect(procedures.has("sale.get")).toBe(false);
    expect(procedures.has("sale.purchaseToken")).toBe(false);
    for (const path of procedures.keys()) {
      const [router, name] = path.split(".") as [keyof typeof appRouter, string];
      expect((appRouter[router] as Record<string, { meta?: { fastPath?: boolean } }>)[name]?.meta?.fastPath).toBe(true);
    }
  });

  it("serve a declared procedure with the caller's real session", async () => {
    const signedIn = await query("sale.myState", { saleId }, buyerCookie);
    expect(signedIn.vary).toBeNull();
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.result?.data.json).toMatchObject({ activeHold: { orderId: holdOrderId } });

    const anonymous = await query("sale.myState", { saleId });
    expect(anonymous.vary).toBeNull();
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error?.json.data.code).toBe("UNAUTHORIZED");
  });

  it("refuse a revoked session exactly as the regular path does", async () => {
    const sessionId = crypto.randomUUID();
    const authAt = Math.floor(Date.now() / 1000);
    const cookie = await sessionCookieFor(buyer, { sessionId, authAt });
    expect((await query("sale.myState", { saleId }, cookie)).status).toBe(200);

    await revokeSession({ db, redis, clock: systemClock, config: configFromEnv() }, { userId: buyer.id, sessionId, authAt });
    const fast = await query("sale.myState", { saleId }, cookie);
    expect(fast.vary).toBeNull();
    expect(fast.status).toBe(401);
    // The same cookie on a protected procedure the adapter serves: the same answer.
    const regular = await query("account.me", undefined, cookie);
    expect(regular.vary).not.toBeNull();
    expect(regular.status).toBe(401);
  });

  it("leave a procedure without the meta to tRPC's HTTP adapter", async () => {
    const answer = await query("account.me", undefined, buyerCookie);
    expect(answer.status).toBe(200);
    expect(answer.body.result?.data.json).toMatchObject({ id: buyer.id });
    expect(answer.vary).toContain("trpc-accept");
  });
});
