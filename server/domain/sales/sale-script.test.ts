import { describe, expect, it } from "vitest";

import { redisKey } from "~/server/redis-keys.ts";
import { redis } from "~/server/redis.ts";
import { buildScriptCall, createSaleScriptRunner, defineSaleScript } from "~/server/domain/sales/sale-script.ts";
import { joinQueueScript } from "~/server/domain/sales/queue-scripts.ts";
import { reserveUnitScript } from "~/server/domain/sales/scripts.ts";

/** Echoes what each name is bound to, so the test sees the positions the registry chose. */
const echoScript = defineSaleScript({
  name: "test-echo",
  keys: ["first", "second"],
  args: ["count", "label"],
  reply: (raw) => (raw as unknown[]).map(String),
  lua: `return {KEY_first, KEY_second, ARG_count, ARG_label, tostring(#KEYS), tostring(#ARGV)}`,
});

describe("typed sale scripts", () => {
  it("run with named keys and arguments, laid out in the declared order whatever the call's order", async () => {
    const run = createSaleScriptRunner(redis);
    const tag = `{test-script:${crypto.randomUUID()}}`;
    const first = redisKey(tag, "first");
    const second = redisKey(tag, "second");

    const reply = await run(echoScript, { args: { label: "hello", count: 3 }, keys: { second, first } });

    expect(reply).toEqual([first, second, "3", "hello", "2", "2"]);
  });

  it("refuse a missing or unknown name at compile time, and a missing one at run time", () => {
    const keys = { first: "k1", second: "k2" };
    // @ts-expect-error `label` is missing.
    expect(() => buildScriptCall(echoScript, { keys, args: { count: 1 } })).toThrow(/argument label missing/);
    // @ts-expect-error `third` is not a key of this script.
    expect(buildScriptCall(echoScript, { keys: { ...keys, third: "k3" }, args: { count: 1, label: "x" } })).toEqual({ keys: ["k1", "k2"], args: ["1", "x"] });
  });

  it("bind every declared name once, in order, before the body", () => {
    expect(echoScript.source).toContain("local KEY_first, KEY_second = KEYS[1], KEYS[2]\nlocal ARG_count, ARG_label = ARGV[1], ARGV[2]\n");
    expect(reserveUnitScript.keys).toEqual(["meta", "holds", "holders", "users", "idempotency", "rateWindow", "timeline", "admitted"]);
    // The sale's scripts read no position directly: every KEYS[i]/ARGV[i] is the generated prelude's.
    for (const script of [reserveUnitScript, joinQueueScript]) {
      const body = script.source.split("\n").slice(3).join("\n");
      expect(body).not.toMatch(/KEYS\[|ARGV\[/);
    }
  });

  it("refuse a name Lua cannot bind or a name declared twice", () => {
    const base = { name: "bad", args: [], reply: () => null, lua: "return 1" };
    expect(() => defineSaleScript({ ...base, keys: ["with-dash"] })).toThrow(/not a plain Lua name/);
    expect(() => defineSaleScript({ ...base, keys: ["meta", "meta"] })).toThrow(/declared twice/);
  });
});
