/**
 * Checkout throughput: `npm run bench:checkout [-- --orders 2000 --concurrency 32]`.
 *
 * Places "buy now" orders over HTTP through the app's own tRPC Node handler (in this process, like the test server)
 * against real MariaDB and Redis, in a throwaway database. Each order is the full production path: session check,
 * zod, one interactive transaction with the address read, conditional stock decrement, order + line insert and the
 * outbox event. Two shapes: every order for one hot product (row-lock contention on its stock), and orders spread
 * over 50 products. Prints orders/s and latency percentiles. Load generator and server share this machine's cores.
 */
import "~/server/load-env.ts";

process.env.REDIS_KEY_PREFIX = `fmbench:${process.pid}:`;

const { parseArgs } = await import("node:util");
const { randomUUID } = await import("node:crypto");

const { values: args } = parseArgs({
  options: {
    orders: { type: "string", default: "2000" },
    concurrency: { type: "string", default: "32" },
    users: { type: "string", default: "400" },
  },
});
const ORDERS = Number(args.orders);
const CONCURRENCY = Number(args.concurrency);
const USERS = Number(args.users);

const { env } = await import("~/server/env.js");
const { systemClock } = await import("~/server/clock.ts");
const { createPrismaClient } = await import("~/server/db.ts");
const { redis } = await import("~/server/redis.ts");
const { createMigratedDatabase, createTestRunId, dropDatabase } = await import("~/server/testing/db-url.ts");
const { createCategory, createDefaultAddresses, createProduct, createUsers } = await import("~/server/testing/factories.ts");
const { sessionCookieFor, startTestServer } = await import("~/server/testing/http.ts");

type Buyer = { cookie: string; addressId: number };

function percentile(sorted: number[], p: number) {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function run(url: string, buyers: Buyer[], productIds: number[], count: number) {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const startedAt = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let index = next++; index < count; index = next++) {
        const buyer = buyers[index % buyers.length]!;
        const body = JSON.stringify({
          json: { source: { type: "product", productId: productIds[index % productIds.length], quantity: 1 }, addressId: buyer.addressId, idempotencyKey: randomUUID() },
        });
        const sentAt = performance.now();
        const response = await fetch(`${url}/api/trpc/order.create`, { method: "POST", headers: { "content-type": "application/json", cookie: buyer.cookie }, body });
        await response.arrayBuffer();
        latencies.push(performance.now() - sentAt);
        if (!response.ok) errors += 1;
      }
    }),
  );
  const seconds = (performance.now() - startedAt) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    orders: count,
    errors,
    "orders/s": Math.round(count / seconds),
    "p50 ms": +percentile(latencies, 50).toFixed(1),
    "p95 ms": +percentile(latencies, 95).toFixed(1),
    "p99 ms": +percentile(latencies, 99).toFixed(1),
    "max ms": +latencies.at(-1)!.toFixed(1),
  };
}

const databaseUrl = await createMigratedDatabase(env.DATABASE_URL, `flashmart_bench_${createTestRunId()}`);
const db = createPrismaClient(databaseUrl, env.DATABASE_POOL_SIZE);
const server = await startTestServer({ deps: { db, redis, clock: systemClock } });

try {
  const users = await createUsers(db, USERS);
  const addressByUser = await createDefaultAddresses(db, users.map((user) => user.id));
  const buyers = await Promise.all(users.map(async (user) => ({ cookie: await sessionCookieFor(user, { maxAgeS: 3600 }), addressId: addressByUser.get(user.id)! })));

  const categoryId = (await createCategory(db)).id;
  const hot = await createProduct(db, { categoryId, name: "벤치 인기 상품", price: 10_000, stock: 10 * ORDERS });
  const spread = await Promise.all(Array.from({ length: 50 }, (_, index) => createProduct(db, { categoryId, name: `벤치 상품 ${index}`, price: 10_000, stock: 10 * ORDERS })));

  console.log(`Checkout benchmark: ${ORDERS} orders per shape, ${CONCURRENCY} concurrent clients, ${USERS} buyers, pool ${env.DATABASE_POOL_SIZE}`);
  await run(server.url, buyers, [hot.id], Math.min(200, ORDERS)); // warm-up: JIT, pool, session cache
  const results = {
    "one hot product": await run(server.url, buyers, [hot.id], ORDERS),
    "50 products": await run(server.url, buyers, spread.map((product) => product.id), ORDERS),
  };
  console.table(results);

  const hotAfter = await db.product.findUniqueOrThrow({ where: { id: hot.id }, select: { stock: true } });
  const hotOrders = await db.orderItem.aggregate({ where: { productId: hot.id }, _sum: { quantity: true } });
  const isConsistent = hotAfter.stock + (hotOrders._sum.quantity ?? 0) === 10 * ORDERS;
  console.log(`stock check (hot product): ${isConsistent ? "consistent" : "INCONSISTENT"}`);
  if (!isConsistent) process.exitCode = 1;
} finally {
  await server.close();
  await db.$disconnect();
  await dropDatabase(databaseUrl);
}
process.exit();
