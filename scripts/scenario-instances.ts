/**
 * A sale across several app instances behind nginx: `npm run scenario:instances [-- --instances 3 --users 200
 * --stock 360 --limit-per-user 2 --attempts-per-user 4 --late-users 80 --concurrency 48 --pay-share 0.6 --build]`.
 *
 * Starts the topology (scripts/topology/topology.ts) on free ports with a database of its own (flashmart_instances,
 * reset first), Redis prefix `fminst:`, the test clock and a 1 s due-work tick, then:
 *   1. race   every user sends --attempts-per-user reservations (more than the per-user limit) through nginx, shuffled,
 *             so one user's attempts land on different instances;
 *   2. pay    a share of the winners pay through nginx (order.pay, shared payment sandbox);
 *   3. expire every instance's test clock moves past the hold window; the instances' due-work runners (one Redis lease
 *             per operation) expire the unpaid holds and give their units back;
 *   4. sell out late buyers take the returned units and pay; every instance is polled directly until it reports the
 *             sale sold out (the notice a waiting page polls for);
 *   5. settle  the outbox drains.
 * Then it checks and prints: no user above the per-user limit, 0 oversold, Redis↔MySQL drift 0, every outbox event
 * delivered once (one attempt each, one order mail per order event), due-work runs per tick across instances (from
 * the lease holders sampled in Redis), requests per instance (x-instance), throughput and latency. Exit code 1 when
 * an invariant fails. The last line is JSON.
 */
import "~/server/load-env.ts";

import { createServer } from "node:net";
import { parseArgs } from "node:util";

import { startTopology } from "~/scripts/topology/topology.ts";
import { inPool } from "~/server/testing/scenario-tools.ts";

const { values: flags } = parseArgs({
  options: {
    instances: { type: "string", default: "3" },
    users: { type: "string", default: "200" },
    stock: { type: "string", default: "360" },
    "limit-per-user": { type: "string", default: "2" },
    "attempts-per-user": { type: "string", default: "4" },
    "late-users": { type: "string", default: "80" },
    concurrency: { type: "string", default: "48" },
    "pay-share": { type: "string", default: "0.6" },
    build: { type: "boolean", default: false },
  },
});
const instanceCount = Number(flags.instances);
const userCount = Number(flags.users);
const stock = Number(flags.stock);
const limitPerUser = Number(flags["limit-per-user"]);
const attemptsPerUser = Number(flags["attempts-per-user"]);
const lateUserCount = Number(flags["late-users"]);
const concurrency = Number(flags.concurrency);
const payShare = Number(flags["pay-share"]);
const HOLD_MINUTES = 10;
const DUE_WORK_INTERVAL_MS = 1_000;
const SALE_PRICE = 59_000;

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : 0);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function isPortFree(port: number) {
  return new Promise<boolean>((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}

/** `count` consecutive free ports (the topology's instances sit on consecutive ports). */
async function freePortRange(count: number) {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    const ports = Array.from({ length: count }, (_, index) => base + index);
    if ((await Promise.all(ports.map(isPortFree))).every(Boolean)) return base;
  }
  throw new Error("no free port range");
}

function shuffle<T>(items: T[]) {
  for (let index = items.length - 1; index > 0; index -= 1) {
    const other = Math.floor(Math.random() * (index + 1));
    [items[index], items[other]] = [items[other]!, items[index]!];
  }
  return items;
}

type Answer = { status: number; instance: string; ms: number; json: { result?: { data: { json: Record<string, unknown> } }; error?: { json?: { data?: { code?: string } } } } };
const servedBy = new Map<string, number>();

async function call(url: string, init: RequestInit): Promise<Answer> {
  const startedAt = performance.now();
  const response = await fetch(url, init);
  const json = (await response.json()) as Answer["json"];
  const instance = response.headers.get("x-instance") ?? "unknown";
  servedBy.set(instance, (servedBy.get(instance) ?? 0) + 1);
  return { status: response.status, instance, ms: performance.now() - startedAt, json };
}

async function main() {
  const basePort = await freePortRange(instanceCount + 2);
  const proxyPort = basePort + instanceCount;
  const sandboxPort = basePort + instanceCount + 1;
  const env = {
    DATABASE_URL: process.env.INSTANCES_DATABASE_URL ?? "mysql://root@127.0.0.1:3306/flashmart_instances",
    REDIS_KEY_PREFIX: "fminst:",
    NEXT_DIST_DIR: process.env.INSTANCES_DIST_DIR ?? ".next-instances",
    LOG_LEVEL: "error",
    ENABLE_TEST_CLOCK: "1",
    DUE_WORK_INTERVAL_MS: String(DUE_WORK_INTERVAL_MS),
    // Every simulated buyer comes through one nginx from 127.0.0.1; real traffic keeps the per-IP limit.
    SALE_RESERVE_IP_LIMIT: "1000000000",
    SALE_RESERVE_USER_LIMIT: "1000000",
    PURCHASE_TOKEN_TTL_S: "3600",
  };
  // Imported modules below (Prisma, Redis keys, token signing) read the same settings as the instances.
  Object.assign(process.env, { DATABASE_URL: env.DATABASE_URL, REDIS_KEY_PREFIX: env.REDIS_KEY_PREFIX, PURCHASE_TOKEN_TTL_S: env.PURCHASE_TOKEN_TTL_S });

  const topology = await startTopology({ instances: instanceCount, basePort, proxyPort, sandboxPort, env, resetDatabase: true, forceBuild: flags.build, stdio: "ignore" });
  process.on("SIGINT", () => {
    topology.stop();
    process.exit(130);
  });
  try {
    return await runScenario(topology);
  } finally {
    topology.stop();
  }
}

async function runScenario(topology: Awaited<ReturnType<typeof startTopology>>) {
  const { createPrismaClient } = await import("~/server/db.ts");
  const { createUsers, createFlashSale, createDefaultAddresses } = await import("~/server/testing/factories.ts");
  const { issuePurchaseToken } = await import("~/server/domain/sales/purchase-token.ts");
  const { freshPurchaseSession } = await import("~/server/testing/sales.ts");
  const { sessionCookieFor } = await import("~/server/testing/http.ts");
  const { reconcileSale } = await import("~/server/domain/sales/reconcile-sale.ts");
  const { isSessionActive } = await import("~/server/domain/accounts/session-state.ts");
  const { ORDER_EMAIL_EVENTS } = await import("~/server/domain/orders/order-events.ts");
  const { redis } = await import("~/server/redis.ts");
  const { redisKey } = await import("~/server/redis-keys.ts");
  const { systemClock, fixedClock } = await import("~/server/clock.ts");
  const { createApp } = await import("~/server/app.ts");
  const { configFromEnv } = await import("~/server/config.ts");
  const config = configFromEnv();
  const db = createPrismaClient(process.env.DATABASE_URL!, 8);
  const api = (path: string) => `${topology.proxyUrl}/api/trpc/${path}`;
  const post = (path: string, input: unknown, cookie?: string) => call(api(path), { method: "POST", headers: { "content-type": "application/json", ...(cookie ? { cookie } : {}) }, body: JSON.stringify({ json: input }) });
  const waitForOutboxDrained = async () => {
    const startedAt = performance.now();
    while ((await db.outboxEvent.count({ where: { id: { gt: firstOutboxId }, processedAt: null, deadAt: null } })) > 0) {
      if (performance.now() - startedAt > 60_000) return;
      await sleep(300);
    }
  };
  const appNowMs = async () => new Date(((await (await fetch(`${topology.instanceUrls[0]}/__test/clock`)).json()) as { now: string }).now).getTime();

  const scenarioStartedAt = new Date();
  const [firstOutboxId, firstEmailId] = await Promise.all([
    db.outboxEvent.aggregate({ _max: { id: true } }).then((row) => row._max.id ?? 0),
    db.emailMessage.aggregate({ _max: { id: true } }).then((row) => row._max.id ?? 0),
  ]);

  console.log(`→ ${userCount} buyers and ${lateUserCount} late buyers; a sale of ${stock} units, ${limitPerUser} per user`);
  const users = await createUsers(db, userCount + lateUserCount);
  const [early, late] = [users.slice(0, userCount), users.slice(userCount)];
  const addressByUser = await createDefaultAddresses(db, users.map((user) => user.id));
  const sale = await createFlashSale(db, { opensAt: new Date(Date.now() - 1_000), quantity: stock, perUserLimit: limitPerUser, holdMinutes: HOLD_MINUTES, salePrice: SALE_PRICE });
  // One session per attempt: a user's attempts come from different devices, so a repeated press of one session (which
  // answers with that session's live hold) never hides the per-user limit. Each page fetched its purchase token through
  // sale.purchaseToken, whose session check left the session's state in Redis; do the same here.
  const attemptSessions = users.map((user) => ({ user, sessions: Array.from({ length: attemptsPerUser }, () => freshPurchaseSession()) }));
  const userSessions = attemptSessions.flatMap(({ user, sessions }) => sessions.map((session) => ({ userId: user.id, ...session })));
  await inPool(userSessions, 32, (userSession) => isSessionActive({ db, redis, clock: systemClock, config }, userSession));
  const sessionsByUser = new Map(attemptSessions.map(({ user, sessions }) => [user.id, sessions]));
  const tokenFor = (userId: string, attempt: number, nowMs: number) => issuePurchaseToken({ config }, { userId, saleId: sale.id, session: sessionsByUser.get(userId)![attempt]! }, nowMs).token;
  const cookies = new Map(await Promise.all(users.map(async (user) => [user.id, await sessionCookieFor(user, { maxAgeS: 3600 * 4 })] as const)));

  // Due-work runs, observed from the leases: a new holder or a renewed TTL is a run.
  const observed = ["expire-unpaid-orders", "relay-outbox"] as const;
  const runs = new Map<string, Map<string, number>>(observed.map((name) => [name, new Map()]));
  let isObserving = true;
  const observeStartedAt = performance.now();
  const observer = (async () => {
    const last = new Map<string, { holder: string | null; pttl: number }>();
    while (isObserving) {
      await Promise.all(
        observed.map(async (name) => {
          const key = redisKey("due-work", "lease", name);
          const [holder, pttl] = await Promise.all([redis.get<string>(key), redis.pttl(key)]);
          const before = last.get(name);
          if (holder && pttl > 0 && (!before || before.holder !== holder || pttl > before.pttl)) {
            const instance = String(holder).replace(/-[0-9a-f-]{36}$/, "");
            runs.get(name)!.set(instance, (runs.get(name)!.get(instance) ?? 0) + 1);
          }
          last.set(name, { holder: holder ? String(holder) : null, pttl });
        }),
      );
      await sleep(50);
    }
  })();

  // 1. The race.
  const nowMs = await appNowMs();
  const attempts = shuffle(early.flatMap((user) => Array.from({ length: attemptsPerUser }, (_, attempt) => ({ user, attempt }))));
  console.log(`→ race: ${attempts.length} reservations through nginx at concurrency ${concurrency}`);
  const userInstances = new Map<string, Set<string>>();
  const raceStartedAt = performance.now();
  const raceAnswers = await inPool(attempts, concurrency, async ({ user, attempt }) => {
    const answer = await post("sale.reserve", { saleId: sale.id, idempotencyKey: `inst-${user.id}-${attempt}`, purchaseToken: tokenFor(user.id, attempt, nowMs) });
    if (!userInstances.has(user.id)) userInstances.set(user.id, new Set());
    userInstances.get(user.id)!.add(answer.instance);
    return { user, answer };
  });
  const raceSeconds = (performance.now() - raceStartedAt) / 1000;
  const outcomes: Record<string, number> = {};
  for (const { answer } of raceAnswers) {
    const result = answer.json.result?.data.json;
    const outcome = result ? `${String(result.outcome)}${result.isRepeat ? "_REPEAT" : ""}` : `HTTP_${answer.status}`;
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
  }
  const latencies = raceAnswers.map(({ answer }) => answer.ms).sort((a, b) => a - b);

  // 2. Some winners pay.
  const winners = raceAnswers.flatMap(({ user, answer }) => {
    const orderId = answer.json.result?.data.json.orderId;
    return answer.json.result?.data.json.outcome === "WON" && !answer.json.result.data.json.isRepeat && typeof orderId === "string" ? [{ user, orderId }] : [];
  });
  const payers = shuffle([...winners]).slice(0, Math.round(winners.length * payShare));
  console.log(`→ pay: ${payers.length} of ${winners.length} winners pay`);
  const payOne = (winner: { user: { id: string }; orderId: string }) => post("order.pay", { orderId: winner.orderId, paymentKey: `inst_${winner.orderId}`, amount: SALE_PRICE, addressId: addressByUser.get(winner.user.id) }, cookies.get(winner.user.id));
  const payAnswers = await inPool(payers, 16, payOne);
  const payFailures = payAnswers.filter((answer) => !answer.json.result).length;

  // 3. Every instance's clock passes the hold window; due work on whichever instance holds the lease expires the rest.
  // The relay's claim lease (60 s) is compared on each instance's own clock: moving the clocks one instance at a time
  // while a mail is being delivered would let another instance (already 11 minutes ahead) take the same event over.
  // Real clocks never jump like that, so the outbox drains first, as it would long before a real hold window ends.
  await waitForOutboxDrained();
  console.log(`→ expire: moving every instance's clock ${HOLD_MINUTES + 1} minutes on`);
  await Promise.all(topology.instanceUrls.map((url) => fetch(`${url}/__test/clock`, { method: "POST", body: JSON.stringify({ advanceMs: (HOLD_MINUTES + 1) * 60_000 }) })));
  const expireStartedAt = performance.now();
  while ((await db.order.count({ where: { saleId: sale.id, status: "PENDING_PAYMENT" } })) > 0) {
    if (performance.now() - expireStartedAt > 60_000) throw new Error("unpaid holds did not expire within 60 s");
    await sleep(200);
  }
  const expireSeconds = (performance.now() - expireStartedAt) / 1000;

  // 4. Late buyers take the returned units and pay; then every instance must say "sold out".
  const lateNowMs = await appNowMs();
  console.log(`→ sell out: ${late.length} late buyers`);
  // Each late buyer presses until they reach the limit or the sale is gone (one device per press).
  const lateAnswers = await inPool(late, concurrency, async (user) => {
    const won: Array<{ user: typeof user; orderId: string }> = [];
    for (let attempt = 0; attempt < Math.min(limitPerUser, attemptsPerUser); attempt += 1) {
      const answer = await post("sale.reserve", { saleId: sale.id, idempotencyKey: `inst-late-${user.id}-${attempt}`, purchaseToken: tokenFor(user.id, attempt, lateNowMs) });
      const orderId = answer.json.result?.data.json.orderId;
      if (answer.json.result?.data.json.outcome !== "WON" || typeof orderId !== "string") break;
      won.push({ user, orderId });
    }
    return won;
  });
  const lateWinners = lateAnswers.flat();
  const latePayAnswers = await inPool(lateWinners, 16, payOne);
  const lastPaidAt = performance.now();
  const paidUnits = await db.order.count({ where: { saleId: sale.id, status: "PAID" } });
  const soldOutNoticeMs: Record<string, number | null> = {};
  await Promise.all(
    topology.instanceUrls.map(async (url, index) => {
      const input = encodeURIComponent(JSON.stringify({ json: { id: sale.id } }));
      while (performance.now() - lastPaidAt < 10_000) {
        const response = await fetch(`${url}/api/trpc/sale.status?input=${input}`);
        const live = ((await response.json()) as { result?: { data: { json: { available: number; held: number } } } }).result?.data.json;
        if (live && live.available === 0 && live.held === 0) {
          soldOutNoticeMs[topology.instanceIds[index]!] = Math.round(performance.now() - lastPaidAt);
          return;
        }
        await sleep(50);
      }
      soldOutNoticeMs[topology.instanceIds[index]!] = null;
    }),
  );

  // 5. The outbox drains (order mails for every placed, paid and expired order).
  await waitForOutboxDrained();
  isObserving = false;
  await observer;
  const observedSeconds = (performance.now() - observeStartedAt) / 1000;

  // Checks.
  const ordersByUser = await db.order.groupBy({ by: ["userId"], where: { saleId: sale.id }, _count: { _all: true } });
  const liveOrders = await db.order.count({ where: { saleId: sale.id, status: { notIn: ["EXPIRED", "CANCELLED"] } } });
  const saleRow = await db.sale.findUniqueOrThrow({ where: { id: sale.id }, select: { soldCount: true } });
  const reconciliation = await reconcileSale(createApp({ db, redis, clock: fixedClock(new Date(await appNowMs())) }), sale.id, { repair: false });
  const events = await db.outboxEvent.findMany({ where: { id: { gt: firstOutboxId } }, select: { name: true, attempts: true, processedAt: true, deadAt: true } });
  // Order mails name their order in their link (…/orders/<id>…): one mail per order and kind, never two.
  const emails = await db.emailMessage.findMany({ where: { id: { gt: firstEmailId }, template: { startsWith: "order-" } }, select: { template: true, text: true } });
  const mailsPerOrderAndKind = new Map<string, number>();
  for (const email of emails) {
    const orderId = /\/orders\/([\w-]+)/.exec(email.text)?.[1] ?? "?";
    const key = `${email.template}:${orderId}`;
    mailsPerOrderAndKind.set(key, (mailsPerOrderAndKind.get(key) ?? 0) + 1);
  }
  // "Placed" is skipped for an order already paid or expired when its event is relayed; every other kind is always sent.
  const mailMismatches = Object.entries(ORDER_EMAIL_EVENTS).flatMap(([eventName, kind]) => {
    const delivered = events.filter((event) => event.name === eventName && event.processedAt).length;
    const sent = emails.filter((email) => email.template === `order-${kind}`).length;
    return sent === delivered || (kind === "placed" && sent <= delivered) ? [] : [{ event: eventName, delivered, sent }];
  });
  const runsPerTick = Object.fromEntries(
    observed.map((name) => {
      const total = [...runs.get(name)!.values()].reduce((sum, count) => sum + count, 0);
      return [name, round(total / (observedSeconds / (DUE_WORK_INTERVAL_MS / 1000)), 2)];
    }),
  );
  await db.$disconnect();

  const checks = {
    overLimitUsers: ordersByUser.filter((row) => row._count._all > limitPerUser).length,
    oversold: Math.max(0, liveOrders - stock, saleRow.soldCount - stock),
    redisDbDrift: reconciliation.drift,
    isInvariantHeld: reconciliation.isInvariantHeld,
    outboxEvents: events.length,
    outboxUndelivered: events.filter((event) => !event.processedAt).length,
    outboxDeliveredMoreThanOnce: events.filter((event) => event.attempts > 1).length,
    orderMails: emails.length,
    duplicateOrderMails: [...mailsPerOrderAndKind.values()].filter((count) => count > 1).length,
    orderMailMismatches: mailMismatches.length,
    soldOutNotSeenBy: Object.values(soldOutNoticeMs).filter((ms) => ms === null).length,
    unpaidLeftAfterSellOut: stock - paidUnits,
  };
  const usersSpreadAcrossInstances = [...userInstances.values()].filter((instances) => instances.size > 1).length;
  const usersAtLimit = ordersByUser.filter((row) => row._count._all === limitPerUser).length;

  console.table(Object.fromEntries([...servedBy.entries()].sort()));
  console.table(Object.fromEntries(observed.map((name) => [name, Object.fromEntries([...runs.get(name)!.entries()].sort())])));
  if (mailMismatches.length) console.table(mailMismatches);
  console.table(checks);

  const isPassing =
    checks.overLimitUsers === 0 &&
    checks.oversold === 0 &&
    checks.redisDbDrift === 0 &&
    checks.isInvariantHeld &&
    checks.outboxUndelivered === 0 &&
    checks.outboxDeliveredMoreThanOnce === 0 &&
    checks.orderMailMismatches === 0 &&
    checks.duplicateOrderMails === 0 &&
    checks.soldOutNotSeenBy === 0 &&
    checks.unpaidLeftAfterSellOut === 0 &&
    // One run per tick across all instances (a lease lasts the tick minus 100 ms): three without the lease.
    Object.values(runsPerTick).every((perTick) => perTick <= 1.2);

  const summary = {
    passed: isPassing,
    instances: instanceCount,
    users: userCount,
    lateUsers: lateUserCount,
    stock,
    limitPerUser,
    attempts: raceAnswers.length,
    concurrency,
    outcomes,
    raceRps: Math.round(raceAnswers.length / raceSeconds),
    p50Ms: round(percentile(latencies, 50), 2),
    p95Ms: round(percentile(latencies, 95), 2),
    p99Ms: round(percentile(latencies, 99), 2),
    requestsPerInstance: Object.fromEntries([...servedBy.entries()].sort()),
    usersSpreadAcrossInstances,
    usersAtLimit,
    paid: payers.length - payFailures + latePayAnswers.filter((answer) => answer.json.result).length,
    payFailures: payFailures + latePayAnswers.filter((answer) => !answer.json.result).length,
    expiredHolds: winners.length - payers.length,
    expireSeconds: round(expireSeconds, 1),
    lateWinners: lateWinners.length,
    soldOutNoticeMs,
    dueWorkRunsPerTick: runsPerTick,
    dueWorkRunsByInstance: Object.fromEntries(observed.map((name) => [name, Object.fromEntries([...runs.get(name)!.entries()].sort())])),
    ...checks,
    startedAt: scenarioStartedAt.toISOString(),
  };
  console.log(JSON.stringify(summary));
  return isPassing;
}

main()
  .then((isPassing) => process.exit(isPassing ? 0 : 1))
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
