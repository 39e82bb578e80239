/**
 * The old service's flash-sale test scenario, at scale and reproducible: `npm run scenario:sale [-- --users 10000
 * --stock 100 --abandon 0.2 --decline 0.2 --concurrency 200 --seed 42]`.
 *
 * Every buyer tries to reserve a unit; winners abandon at the payment screen with probability --abandon, the rest pay
 * through the real payment path (the sandbox provider declines --decline of payments). Time then moves past the hold
 * deadline (an injected clock, no waiting), the real due-work operation expires the unpaid holds, their units return,
 * and everyone still empty-handed tries again, until the stock is paid for or nobody can buy. It ends with the
 * balance: paid + remaining = quantity, and proves every abandoned or declined hold was released by its deadline.
 * Runs in-process against real MariaDB and Redis, in a scratch database it drops afterwards. Exits non-zero on any
 * imbalance.
 */
import "~/server/load-env.ts";


import { parseArgs } from "node:util";
import { inPool, seededRandom } from "~/server/testing/scenario-tools.ts";

const { values: flags } = parseArgs({
  options: {
    users: { type: "string", default: "10000" },
    stock: { type: "string", default: "100" },
    abandon: { type: "string", default: "0.2" },
    decline: { type: "string", default: "0.2" },
    concurrency: { type: "string", default: "200" },
    seed: { type: "string", default: "42" },
  },
});
const userCount = Number(flags.users);
const stock = Number(flags.stock);
const abandonRate = Number(flags.abandon);
const declineRate = Number(flags.decline);
const concurrency = Number(flags.concurrency);

async function main() {
  const { createScratchDatabase } = await import("~/server/testing/db-url.ts");
  const shared = process.env.DATABASE_URL ?? "mysql://root@127.0.0.1:3306/flashmart";
  const scratch = await createScratchDatabase(shared, "scenario");
  process.env.DATABASE_URL = scratch.databaseUrl;
  process.env.REDIS_KEY_PREFIX = `fmscenario:${Date.now()}:`;
  // Every simulated buyer shares one IP here.
  process.env.SALE_RESERVE_IP_LIMIT = "1000000000";

  const { db } = await import("~/server/db.ts");
  const { redis } = await import("~/server/redis.ts");
  const { fixedClock } = await import("~/server/clock.ts");
  const { createPaymentSandbox } = await import("~/server/payment-sandbox/server.ts");
  const { createPaymentGateway } = await import("~/server/payments/gateway.ts");
  const { createDefaultAddresses, createFlashSale, createUsers } = await import("~/server/testing/factories.ts");
  const { createTestClient, sessionCookieFor, startTestServer } = await import("~/server/testing/http.ts");
  const { issuePurchaseToken } = await import("~/server/domain/sales/purchase-token.ts");
  const { freshPurchaseSession } = await import("~/server/testing/sales.ts");
  const { expireUnpaidOrders } = await import("~/server/domain/orders/expire-unpaid-orders.ts");
  const { readSaleStatus } = await import("~/server/domain/sales/sale-state.ts");
  const { reconcileSale } = await import("~/server/domain/sales/reconcile-sale.ts");
  const { createApp } = await import("~/server/app.ts");

  const random = seededRandom(Number(flags.seed));
  const sandbox = createPaymentSandbox({ random });
  const sandboxUrl = await sandbox.listen(0);
  await fetch(`${sandboxUrl}/__admin/config`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ declineRate }) });

  const clock = fixedClock(Date.now());
  const deps = createApp({ db, redis, clock, payments: createPaymentGateway({ baseUrl: sandboxUrl }) });
  const server = await startTestServer({ deps });
  const anonymous = createTestClient(server.url);

  try {
    console.log(`→ ${userCount} buyers, ${stock} units, ${abandonRate * 100}% abandon at payment, ${declineRate * 100}% of payments declined`);
    const buyers = await createUsers(db, userCount);
    // A sale order is paid together with a shipping address (the pay page preselects the buyer's default).
    const addressByUser = await createDefaultAddresses(db, buyers.map((buyer) => buyer.id));
    const sale = await createFlashSale(db, { opensAt: clock.now(), quantity: stock, holdMinutes: 10 });
    const holdMs = 10 * 60_000;

    const rounds: Array<Record<string, number>> = [];
    const unpaidOrderIds: string[] = [];
    let emptyHanded = buyers;
    for (let round = 1; emptyHanded.length > 0; round += 1) {
      const results = await inPool(emptyHanded, concurrency, async (buyer) => {
        const { token } = issuePurchaseToken(deps, { userId: buyer.id, saleId: sale.id, session: freshPurchaseSession() }, clock.now().getTime());
        return { buyer, result: await anonymous.sale.reserve.mutate({ saleId: sale.id, idempotencyKey: crypto.randomUUID(), purchaseToken: token }) };
      });
      const winners = results.filter((entry) => entry.result.outcome === "WON");
      if (winners.length === 0) break;

      let abandoned = 0;
      let declined = 0;
      let paid = 0;
      await inPool(winners, 20, async ({ buyer, result }) => {
        if (result.outcome !== "WON") return;
        if (random() < abandonRate) {
          abandoned += 1;
          unpaidOrderIds.push(result.orderId);
          return;
        }
        const client = createTestClient(server.url, { cookie: await sessionCookieFor(buyer) });
        const order = await client.order.get.query({ id: result.orderId });
        try {
          await client.order.pay.mutate({ orderId: result.orderId, paymentKey: `scn_${crypto.randomUUID()}`, amount: order.totalAmount, addressId: addressByUser.get(buyer.id) });
          paid += 1;
        } catch {
          declined += 1;
          unpaidOrderIds.push(result.orderId);
        }
      });
      const wonIds = new Set(winners.map((entry) => entry.buyer.id));
      emptyHanded = emptyHanded.filter((buyer) => !wonIds.has(buyer.id));

      // The deadline passes (no waiting: the clock is injected) and the real expiry operation runs.
      clock.advance(holdMs + 3_000);
      const expired = await expireUnpaidOrders(deps);
      rounds.push({ round, attempts: results.length, won: winners.length, paid, abandoned, declined, expired: expired.processed });
    }

    const orders = await db.order.findMany({ where: { saleId: sale.id }, select: { id: true, status: true, paymentDueAt: true, expiredAt: true } });
    const paidOrders = orders.filter((order) => order.status === "PAID").length;
    const live = await readSaleStatus(deps, sale.id);
    const soldCount = (await db.sale.findUniqueOrThrow({ where: { id: sale.id }, select: { soldCount: true } })).soldCount;
    const unpaid = orders.filter((order) => unpaidOrderIds.includes(order.id));
    const releasedOnTime = unpaid.filter((order) => order.status === "EXPIRED" && order.expiredAt !== null && order.expiredAt >= order.paymentDueAt).length;
    const reconciliation = await reconcileSale(deps, sale.id, { repair: false });

    console.table(rounds);
    const isBalanced = paidOrders + live.available === stock && soldCount === paidOrders && live.held === 0;
    const allReleased = releasedOnTime === unpaid.length;
    console.log(`paid ${paidOrders} + remaining ${live.available} = ${paidOrders + live.available} (quantity ${stock}) ${isBalanced ? "✓ balanced" : "✗ IMBALANCE"}`);
    console.log(`abandoned or declined holds: ${unpaid.length}, released by their deadline: ${releasedOnTime} ${allReleased ? "✓" : "✗"}`);
    console.log(`sale.soldCount ${soldCount}, Redis↔MySQL drift ${reconciliation.drift}, sandbox ${JSON.stringify(sandbox.stats())}`);
    console.log(JSON.stringify({ users: userCount, stock, paid: paidOrders, remaining: live.available, held: live.held, unpaidHolds: unpaid.length, releasedOnTime, drift: reconciliation.drift, rounds: rounds.length, isBalanced, allReleased }));
    if (!isBalanced || !allReleased || reconciliation.drift !== 0) process.exitCode = 1;
  } finally {
    await server.close();
    await sandbox.close();
    await db.$disconnect();
    await scratch.drop();
  }
}

main()
  .then(() => process.exit(process.exitCode ?? 0))
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
