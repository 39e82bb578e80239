import type { Redis } from "@upstash/redis";

import { withRawReplies } from "~/server/redis.ts";

/**
 * A flash-sale Lua script that names its KEYS and ARGV. The declaration order is the only place positions exist: the
 * Lua body reads `KEY_<name>` / `ARG_<name>` locals that a generated prelude binds to `KEYS[i]` / `ARGV[i]`, and the
 * caller passes `{ keys: { meta, holds, … }, args: { nowMs, userId, … } }`, laid out in that same order by
 * `buildScriptCall`. A missing or unknown name is a type error at the call site.
 */
export type SaleScript<Keys extends string, Args extends string, Reply> = {
  readonly name: string;
  readonly keys: readonly Keys[];
  readonly args: readonly Args[];
  /** The Lua as sent to Redis: the prelude, then the body. */
  readonly source: string;
  /** Turns Redis's raw reply (strings and integers, see withRawReplies) into the script's typed answer. */
  readonly reply: (raw: unknown) => Reply;
};

export type AnySaleScript = SaleScript<string, string, unknown>;
export type ScriptArgValue = string | number;

/** What a caller passes: every declared name, nothing else. NoInfer keeps the names the script's, not the call's. */
export type SaleScriptCall<Keys extends string, Args extends string> = {
  keys: { readonly [Name in NoInfer<Keys>]: string };
  args: { readonly [Name in NoInfer<Args>]: ScriptArgValue };
};

const LUA_NAME = /^[A-Za-z][A-Za-z0-9]*$/;

export function defineSaleScript<const Keys extends string, const Args extends string, Reply>(definition: {
  name: string;
  keys: readonly Keys[];
  args: readonly Args[];
  lua: string;
  reply: (raw: unknown) => Reply;
}): SaleScript<Keys, Args, Reply> {
  const { name, keys, args, lua, reply } = definition;
  for (const binding of [...keys, ...args]) {
    if (!LUA_NAME.test(binding)) throw new Error(`sale script ${name}: "${binding}" is not a plain Lua name`);
  }
  if (new Set(keys).size !== keys.length || new Set(args).size !== args.length) throw new Error(`sale script ${name}: a name is declared twice`);
  const bind = (prefix: string, names: readonly string[], array: string) =>
    names.length === 0 ? "" : `local ${names.map((binding) => `${prefix}_${binding}`).join(", ")} = ${names.map((_, index) => `${array}[${index + 1}]`).join(", ")}\n`;
  const source = `-- ${name}\n${bind("KEY", keys, "KEYS")}${bind("ARG", args, "ARGV")}${lua}`;
  return { name, keys, args, source, reply };
}

/**
 * KEYS and ARGV in declaration order. Called on the hot path: two arrays of known length and one String() per
 * argument, no spreading or reflection.
 */
export function buildScriptCall<Keys extends string, Args extends string>(script: SaleScript<Keys, Args, unknown>, call: SaleScriptCall<Keys, Args>) {
  const keys = new Array<string>(script.keys.length);
  for (let index = 0; index < script.keys.length; index += 1) {
    const key = call.keys[script.keys[index]!];
    if (key === undefined) throw new Error(`sale script ${script.name}: key ${script.keys[index]} missing`);
    keys[index] = key;
  }
  const args = new Array<string>(script.args.length);
  for (let index = 0; index < script.args.length; index += 1) {
    const value = call.args[script.args[index]!];
    if (value === undefined) throw new Error(`sale script ${script.name}: argument ${script.args[index]} missing`);
    args[index] = typeof value === "string" ? value : String(value);
  }
  return { keys, args };
}

type ScriptRunner = { exec(keys: string[], args: string[]): Promise<unknown> };

/**
 * Runs registered scripts on one client: EVALSHA with a one-time EVAL fallback (NOSCRIPT after a Redis restart), the
 * script object created once per script. Replies are strings and integers, read without JSON guessing
 * (withRawReplies), then shaped by the script's own `reply`.
 */
export function createSaleScriptRunner(client: Redis) {
  const redis = withRawReplies(client);
  const runners = new Map<AnySaleScript, ScriptRunner>();
  return async function run<Keys extends string, Args extends string, Reply>(script: SaleScript<Keys, Args, Reply>, call: SaleScriptCall<Keys, Args>): Promise<Reply> {
    let runner = runners.get(script as AnySaleScript);
    if (!runner) {
      runner = redis.createScript(script.source);
      runners.set(script as AnySaleScript, runner);
    }
    const { keys, args } = buildScriptCall(script, call);
    return script.reply(await runner.exec(keys, args));
  };
}
