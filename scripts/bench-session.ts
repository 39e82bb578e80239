/**
 * What resolving the caller's session costs a request, per step, in-process (CPU µs per call at a concurrency like a
 * busy server's): no cookie, the cached cookie decode, the full resolveSession (cached decode + the revocation check's
 * one Redis pipeline), and a cold JWE decrypt. It is why fast-path procedures that never read the session declare
 * `ignoresSession` (server/api/trpc.ts). Needs Redis (REDIS_URL); writes one session-version key under a throwaway
 * prefix and deletes it. Prints a table and, last, one JSON line.
 *   npx tsx scripts/bench-session.ts [--calls 20000] [--concurrency 64]
 */
import "~/server/load-env.ts";

import { parseArgs } from "node:util";

const { values } = parseArgs({ options: { calls: { type: "string", default: "20000" }, concurrency: { type: "string", default: "64" } } });
const calls = Number(values.calls);
const concurrency = Number(values.concurrency);

process.env.REDIS_KEY_PREFIX = `bench-session-${process.pid}:`;
const { appDeps } = await import("~/server/app.ts");
const { publishSessionVersion, sessionVersionKey } = await import("~/server/domain/accounts/session-state.ts");
const { resolveSession, sessionFromCookieHeader } = await import("~/server/session.ts");
const { sessionCookieFor } = await import("~/server/testing/http.ts");

const deps = appDeps();
// A user the state check finds in Redis (as after any earlier request of theirs), so no MySQL read is measured.
const user = { id: `bench-${crypto.randomUUID()}`, role: "USER" as const };
await publishSessionVersion(deps, user.id, 0);
const cookie = await sessionCookieFor(user);

async function measure(name: string, count: number, call: (index: number) => Promise<unknown>) {
  for (let index = 0; index < Math.min(200, count); index += 1) await call(index);
  const cpuBefore = process.cpuUsage();
  const startedAt = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await call(next++);
    }),
  );
  const cpu = process.cpuUsage(cpuBefore);
  const round = (value: number) => Math.round(value * 10) / 10;
  return { name, calls: count, cpuUsPerCall: round((cpu.user + cpu.system) / count), wallUsPerCall: round(((performance.now() - startedAt) * 1000) / count) };
}

try {
  const fresh = await Promise.all(Array.from({ length: Math.min(2_000, calls) }, () => sessionCookieFor(user)));
  const rows = [
    await measure("no cookie", calls, () => resolveSession(deps, undefined)),
    await measure("cached cookie decode", calls, () => sessionFromCookieHeader(cookie)),
    await measure("resolveSession (decode + revocation check)", calls, () => resolveSession(deps, cookie)),
    await measure("cold JWE decrypt", fresh.length, (index) => sessionFromCookieHeader(fresh[index]!)),
  ];
  console.table(rows);
  console.log(JSON.stringify({ concurrency, results: Object.fromEntries(rows.map((row) => [row.name, row.cpuUsPerCall])) }));
} finally {
  await deps.redis.del(sessionVersionKey(user.id));
}
process.exit(0);
