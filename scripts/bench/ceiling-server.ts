/**
 * The benchmark's own server, started by scripts/bench-sale.ts; never part of the app.
 * - `POST /` (the ceiling): the physical limit of this design on this machine. A bare node:http server (no framework,
 *   no Next, no tRPC) that verifies the purchase token and runs the same reservation script through ioredis once per
 *   request. Losing attempts never touch MySQL in the real path either, so this is what the real path would cost if
 *   the framework were free.
 * - `POST /baseline`: the old service's approach (a MySQL transaction with SELECT … FOR UPDATE per attempt,
 *   reserve-unit-baseline.ts), for comparison. MySQL bounds it far below what the HTTP layer costs.
 */
import "~/server/load-env.ts";

import { createServer } from "node:http";

import { Redis as IORedis } from "ioredis";

import { reserveUnitBaseline } from "~/scripts/bench/reserve-unit-baseline.ts";
import { systemClock } from "~/server/clock.ts";
import { configFromEnv } from "~/server/config.ts";
import { createPrismaClient } from "~/server/db.ts";
import { saleKeys } from "~/server/domain/sales/keys.ts";
import { verifyPurchaseToken } from "~/server/domain/sales/purchase-token.ts";
import { reserveUnitKeys } from "~/server/domain/sales/reserve-unit.ts";
import { buildScriptCall } from "~/server/domain/sales/sale-script.ts";
import { HOLD_GRACE_MS, MAX_OVERDUE_CLEANUP_PER_CALL } from "~/server/domain/sales/sale-config.ts";
import { reserveUnitScript } from "~/server/domain/sales/scripts.ts";
import { env } from "~/server/env.js";

const io = new IORedis(env.REDIS_URL, { enableAutoPipelining: false });
io.defineCommand("reserveUnit", { numberOfKeys: reserveUnitScript.keys.length, lua: reserveUnitScript.source });
const reserve = (io as unknown as { reserveUnit(...args: string[]): Promise<string[]> }).reserveUnit.bind(io);
const windowMs = 10_000;
const baselineDeps = { db: createPrismaClient(env.DATABASE_URL, 8), clock: systemClock };
const tokenDeps = { config: configFromEnv() };

type ReserveBody = { json: { saleId: number; idempotencyKey: string; purchaseToken: string } };

async function answer(path: string, body: ReserveBody) {
  const { json } = body;
  const now = Date.now();
  const check = verifyPurchaseToken(tokenDeps, json.purchaseToken, json.saleId, now);
  if (!check.ok) return null;
  const userId = check.claims.userId;
  if (path === "/baseline") return (await reserveUnitBaseline(baselineDeps, { userId, saleId: json.saleId, idempotencyKey: json.idempotencyKey })).outcome;

  const call = buildScriptCall(reserveUnitScript, {
    keys: reserveUnitKeys(saleKeys(json.saleId), now, windowMs),
    args: {
      nowMs: now,
      userId,
      orderId: crypto.randomUUID(),
      idempotencyField: `${userId}:${json.idempotencyKey}`,
      ip: "127.0.0.1",
      userLimit: 1_000_000,
      ipLimit: 1_000_000_000,
      windowMs,
      graceMs: HOLD_GRACE_MS,
      maxCleanup: MAX_OVERDUE_CLEANUP_PER_CALL,
      passExpiresAtMs: 0,
      sessionId: "",
    },
  });
  const reply = await reserve(...call.keys, ...call.args);
  return reply[0] === "DUPLICATE" ? "WON" : reply[0];
}

const server = createServer((req, res) => {
  // wrk's filler requests after the last real attempt: answered, never counted.
  if (req.method === "GET") {
    res.writeHead(200, { "content-type": "application/json" }).end("{}");
    return;
  }
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    void (async () => {
      const outcome = await answer(new URL(req.url ?? "/", "http://local").pathname, JSON.parse(Buffer.concat(chunks).toString("utf8")) as ReserveBody);
      if (outcome === null) {
        res.writeHead(401).end();
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ result: { data: { json: { outcome } } } }));
    })().catch(() => {
      res.writeHead(500).end();
    });
  });
});

const portIndex = process.argv.indexOf("--port");
server.listen(portIndex > 0 ? Number(process.argv[portIndex + 1]) : 3299, "127.0.0.1");
