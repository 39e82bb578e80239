/**
 * The physical limit of this design on this machine: a bare node:http server (no framework, no Next, no tRPC) that
 * verifies the purchase token and runs the same reservation script through ioredis once per request. Losing
 * attempts never touch MySQL in the real path either, so this is what the real path would cost if the framework
 * were free. Started by scripts/bench-sale.ts.
 */
import "~/server/load-env.ts";

import { createServer } from "node:http";

import { Redis as IORedis } from "ioredis";

import { saleKeys, saleScriptKeys } from "~/server/domain/sales/keys.ts";
import { verifyPurchaseToken } from "~/server/domain/sales/purchase-token.ts";
import { HOLD_GRACE_MS, MAX_OVERDUE_CLEANUP_PER_CALL } from "~/server/domain/sales/sale-config.ts";
import { RESERVE_UNIT_LUA } from "~/server/domain/sales/scripts.ts";
import { env } from "~/server/env.js";

const io = new IORedis(env.REDIS_URL, { enableAutoPipelining: false });
io.defineCommand("reserveUnit", { numberOfKeys: saleScriptKeys(saleKeys(0)).length, lua: RESERVE_UNIT_LUA });
const reserve = (io as unknown as { reserveUnit(...args: string[]): Promise<string[]> }).reserveUnit.bind(io);
const windowMs = 10_000;

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
      const { json } = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { json: { saleId: number; idempotencyKey: string; purchaseToken: string } };
      const now = Date.now();
      const check = verifyPurchaseToken(json.purchaseToken, json.saleId, now);
      if (!check.ok) {
        res.writeHead(401).end();
        return;
      }
      const keys = saleScriptKeys(saleKeys(json.saleId), now, windowMs);
      const reply = await reserve(...keys, String(now), check.claims.userId, crypto.randomUUID(), `${check.claims.userId}:${json.idempotencyKey}`, "127.0.0.1", "1000000", "1000000000", String(windowMs), String(HOLD_GRACE_MS), String(MAX_OVERDUE_CLEANUP_PER_CALL), "0");
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ result: { data: { json: { outcome: reply[0] === "DUPLICATE" ? "WON" : reply[0] } } } }));
    })().catch(() => {
      res.writeHead(500).end();
    });
  });
});

const portIndex = process.argv.indexOf("--port");
server.listen(portIndex > 0 ? Number(process.argv[portIndex + 1]) : 3299, "127.0.0.1");
