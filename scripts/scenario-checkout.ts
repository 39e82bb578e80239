/**
 * The seed's checkout scenario, reproducible: `npm run scenario:checkout [-- --buyers 200 --stock 50 --abandon 0.2
 * --decline 0.2 --rounds 3 --seed 42]`.
 *
 * N buyers race over HTTP (the app's own tRPC handler, in process) for one product with limited stock. Of those who
 * get an order, a share abandons at the payment screen and the payment sandbox (its declineRate switch) declines a
 * share of the payments; declined buyers give up. Then the clock (injected, never slept) moves past the payment
 * deadlines and the real `expire-unpaid-orders` due operation runs. Buyers who lost the race try again for the
 * released units in the next round. After every round it asserts:
 *   paid orders + remaining stock = initial stock, no hold is left pending, every abandoned or declined hold was
 *   released exactly at its deadline, and the provider captured exactly the paid amount (nothing charged twice).
 * Runs in its own throwaway database and sandbox; exits non-zero if any check fails.
 */
import "~/server/load-env.ts";

import { seededRandom } from "~/server/testing/scenario-tools.ts";

process.env.REDIS_KEY_PREFIX = `fmscenario:${process.pid}:`;

const { parseArgs } = await import("node:util");
const { randomUUID } = await import("node:crypto");

const { values: args } = parseArgs({
  options: {
    buyers: { type: "string", default: "200" },
    stock: { type: "string", default: "50" },
    abandon: { type: "string", default: "0.2" },
    decline: { type: "string", default: "0.2" },
    rounds: { type: "string", default: "3" },
    seed: { type: "string", default: "42" },
    price: { type: "string", default: "39000" },
    keep: { type: "boolean", default: false },
  },
});
const config = {
  buyers: Number(args.buyers),
  stock: Number(args.stock),
  abandonRate: Number(args.abandon),
  declineRate: Number(args.decline),
  rounds: Number(args.rounds),
  seed: Number(args.seed),
  price: Number(args.price),
};

const { env } = await import("~/server/env.js");
const { createApp } = await import("~/server/app.ts");
const { fixedClock } = await import("~/server/clock.ts");
const { createPrismaClient } = await import("~/server/db.ts");
const { redis } = await import("~/server/redis.ts");
const { dueOperations } = await import("~/server/domain/due-work/due-operations.ts");
const { createPaymentSandbox } = await import("~/server/payment-sandbox/server.ts");
const { createPaymentGateway } = await import("~/server/payments/gateway.ts");
const { createMigratedDatabase, createTestRunId, dropDatabase } = await import("~/server/testing/db-url.ts");
const { createDefaultAddresses, createProduct, createUsers } = await import("~/server/testing/factories.ts");
const { createTestClient, sessionCookieFor, startTestServer } = await import("~/server/testing/http.ts");

const failures: string[] = [];
function check(condition: boolean, message: string) {
  if (!condition) failures.push(message);
  console.log(`  ${condition ? "✓" : "✗"} ${message}`);
}

const startedAt = performance.now();
const databaseUrl = await createMigratedDatabase(env.DATABASE_URL, `flashmart_scenario_${createTestRunId()}`);
const db = createPrismaClient(databaseUrl, 20);
const random = seededRandom(config.seed);
const sandbox = createPaymentSandbox({ random: seededRandom(config.seed + 1) });
const sandboxUrl = await sandbox.listen(0);
const clock = fixedClock(new Date());
const payments = createPaymentGateway({ baseUrl: sandboxUrl });
const server = await startTestServer({ deps: { db, redis, clock, payments } });

try {
  // The switch a person would flip on the sandbox: decline this share of confirms.
  await fetch(`${sandboxUrl}/__admin/config`, { method: "POST", body: JSON.stringify({ declineRate: config.declineRate }) });

  const product = await createProduct(db, { name: "시나리오 한정 스니커즈", price: config.price, stock: config.stock });
  const users = await createUsers(db, config.buyers);
  const addressByUser = await createDefaultAddresses(db, users.map((user) => user.id));
  const buyers = await Promise.all(
    users.map(async (user) => ({ id: user.id, addressId: addressByUser.get(user.id)!, client: createTestClient(server.url, { cookie: await sessionCookieFor(user) }) })),
  );

  console.log(`Checkout scenario: ${config.buyers} buyers, ${config.stock} units at ${config.price.toLocaleString("ko-KR")}원, ${config.abandonRate * 100}% abandon, ${config.declineRate * 100}% declined (seed ${config.seed})`);
  const totals = { placed: 0, soldOut: 0, otherErrors: 0, abandoned: 0, declined: 0, paid: 0, expired: 0 };
  let waiting = buyers;

  for (let round = 1; round <= config.rounds && waiting.length > 0; round += 1) {
    const remaining = (await db.product.findUniqueOrThrow({ where: { id: product.id } })).stock;
    if (remaining === 0) break;
    console.log(`\nRound ${round}: ${waiting.length} buyers race for ${remaining} units`);

    const attempts = await Promise.all(
      waiting.map(async (buyer) => {
        try {
          const order = await buyer.client.order.create.mutate({ source: { type: "product", productId: product.id, quantity: 1 }, addressId: buyer.addressId, idempotencyKey: randomUUID() });
          return { buyer, order };
        } catch (error) {
          const code = (error as { data?: { code?: string } }).data?.code;
          if (code === "CONFLICT") totals.soldOut += 1;
          else totals.otherErrors += 1;
          return { buyer, order: null };
        }
      }),
    );
    const winners = attempts.filter((attempt) => attempt.order !== null);
    totals.placed += winners.length;

    const payers = winners.filter(() => random() >= config.abandonRate);
    const abandoned = winners.length - payers.length;
    const outcomes = await Promise.all(
      payers.map(async ({ buyer, order }) => {
        try {
          await buyer.client.order.pay.mutate({ orderId: order!.id, paymentKey: `tpk_${randomUUID().replaceAll("-", "")}`, amount: order!.totalAmount });
          return "PAID" as const;
        } catch (error) {
          return (error as { data?: { domainCode?: string } }).data?.domainCode === "PAYMENT_DECLINED" ? ("DECLINED" as const) : ("ERROR" as const);
        }
      }),
    );
    const paid = outcomes.filter((outcome) => outcome === "PAID").length;
    const declined = outcomes.filter((outcome) => outcome === "DECLINED").length;
    totals.abandoned += abandoned;
    totals.declined += declined;
    totals.paid += paid;
    totals.otherErrors += outcomes.filter((outcome) => outcome === "ERROR").length;

    // Time passes (injected clock): the latest deadline of this round, then the real expiry operation.
    const deadlines = winners.map((winner) => winner.order!.paymentDueAt.getTime());
    if (deadlines.length > 0) clock.set(Math.max(...deadlines));
    const expiry = await dueOperations["expire-unpaid-orders"]({ ...createApp({ db, redis, clock }), dispatch: async () => {} });
    totals.expired += expiry.processed;
    console.log(`  placed ${winners.length}, abandoned ${abandoned}, declined ${declined}, paid ${paid}, expired ${expiry.processed}`);

    const stockNow = (await db.product.findUniqueOrThrow({ where: { id: product.id } })).stock;
    const paidOrders = await db.order.count({ where: { status: "PAID" } });
    const pending = await db.order.count({ where: { status: "PENDING_PAYMENT" } });
    const expiredOrders = await db.order.findMany({ where: { status: "EXPIRED" }, select: { expiredAt: true, paymentDueAt: true, stockReleasedAt: true } });
    check(paidOrders + stockNow === config.stock, `paid orders (${paidOrders}) + remaining stock (${stockNow}) = initial stock (${config.stock})`);
    check(pending === 0, `no hold left pending after the deadline (${pending})`);
    check(expiredOrders.length === totals.abandoned + totals.declined, `every abandoned or declined hold expired (${expiredOrders.length} = ${totals.abandoned} + ${totals.declined})`);
    check(
      expiredOrders.every((order) => order.expiredAt?.getTime() === order.paymentDueAt.getTime() && order.stockReleasedAt !== null && order.stockReleasedAt <= clock.now()),
      "each was released at its own deadline, exactly once",
    );
    check(winners.length === Math.min(remaining, waiting.length), `orders placed (${winners.length}) = units available (${Math.min(remaining, waiting.length)}), no oversell`);

    // Whoever has not paid yet (lost the race, abandoned or was declined) comes back for the released units.
    const paidOwners = new Set((await db.order.findMany({ where: { status: "PAID" }, select: { userId: true } })).map((order) => order.userId));
    waiting = buyers.filter((buyer) => !paidOwners.has(buyer.id));
  }

  const stats = sandbox.stats();
  const finalStock = (await db.product.findUniqueOrThrow({ where: { id: product.id } })).stock;
  console.log("\nTotals");
  console.table({
    buyers: config.buyers,
    "initial stock": config.stock,
    "orders placed": totals.placed,
    "sold-out answers": totals.soldOut,
    abandoned: totals.abandoned,
    "payments declined": totals.declined,
    "orders paid": totals.paid,
    "holds expired": totals.expired,
    "remaining stock": finalStock,
    "provider captured (원)": stats.capturedAmount,
    "unexpected errors": totals.otherErrors,
  });
  check(totals.paid + finalStock === config.stock, `paid (${totals.paid}) + remaining (${finalStock}) = initial (${config.stock})`);
  check(stats.approved === totals.paid && stats.capturedAmount === totals.paid * config.price, `provider captured exactly the paid orders (${stats.approved} approvals, ${stats.capturedAmount}원)`);
  check(await db.payment.count({ where: { status: "DECLINED" } }) === totals.declined, "every declined payment is recorded as DECLINED");
  check(totals.otherErrors === 0, `no unexpected errors (${totals.otherErrors})`);
  console.log(`\n${failures.length === 0 ? "PASS" : `FAIL (${failures.length})`} in ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
} finally {
  await server.close();
  await sandbox.close();
  await db.$disconnect();
  if (!args.keep) await dropDatabase(databaseUrl);
  else console.log(`kept database ${databaseUrl}`);
}
process.exit(failures.length === 0 ? 0 : 1);
