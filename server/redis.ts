import { createHash } from "node:crypto";

import { Redis, type Requester, type UpstashRequest, type UpstashResponse } from "@upstash/redis";
import { Command, Redis as IORedis, ReplyError, type RedisOptions } from "ioredis";

import { env } from "~/server/env.js";
import { logger } from "~/server/logger.ts";

// Domain `keys.ts` files import these from ~/server/redis-keys.ts, which does not pull in a driver.
export { hashTagged, keyPrefix, redisKey } from "~/server/redis-keys.ts";

/**
 * Redis could not be reached (refused, timed out, connection lost mid-command, client closed). Command errors that
 * Redis itself answered (WRONGTYPE, NOSCRIPT, a Lua `error_reply`) are not this: they surface as `UpstashError`.
 * Callers that can degrade (say, skip a rate limit) catch exactly this class.
 */
export class RedisUnavailableError extends Error {
  override name = "RedisUnavailableError";
}

export type TcpRequesterOptions = {
  /** How long one connection attempt may take before it counts as failed. */
  connectTimeoutMs?: number;
  /**
   * A connection that owes replies but has received nothing for this long is destroyed, so a frozen Redis (or a
   * dropped route that sends no RST) fails pending commands instead of hanging them until TCP keep-alive gives up.
   * Armed once per read, not per command. No blocking commands (BLPOP …) go through this client. 0 disables it.
   */
  socketTimeoutMs?: number;
  /** Called once per outage with the first connection error; defaults to one warn line in the log. */
  onConnectionLost?: (error: Error) => void;
};

export type TcpRequester = Requester & {
  /** The underlying ioredis connection, for tests and scripts; the app talks to it only through `request`. */
  readonly connection: IORedis;
  close(): Promise<void>;
};

type Response = UpstashResponse<unknown>;
type ResultTuple = [error: Error | null, result: unknown];

// Replies are decoded to strings like Upstash's REST API returns them; ioredis then stringifies nested bulk strings too.
const UTF8 = { replyEncoding: "utf8" } as const;

const SHEBANG = "#!";

/**
 * An @upstash/redis `Requester` over one pipelined ioredis TCP connection, so the app uses the same `Redis` class
 * whether it talks to Upstash over REST or to a plain Redis. Contract (what `Redis`/`Pipeline` expect of a requester):
 * - single command: `req.body` is `[name, ...args]`, answered `{ result }` (never `undefined`) or `{ error }` for a
 *   Redis error reply;
 * - `req.path[0]` `"pipeline"` / `"multi-exec"`: `req.body` is a list of commands, answered with a bare array of
 *   `{ result } | { error }`, one per command;
 * - transport failures reject with `RedisUnavailableError` instead of being dressed up as a Redis reply.
 *
 * Failure behaviour: the connection is opened lazily by the first command (nothing connects at import or during
 * `next build`). While Redis is away commands fail within about `connectTimeoutMs` instead of queueing, and the
 * connection keeps retrying every ≤ 1 s, so the first command after Redis returns succeeds again.
 */
export function createTcpRequester(redisUrl: string, options: TcpRequesterOptions = {}): TcpRequester {
  const endpoint = describeEndpoint(redisUrl);
  const onConnectionLost =
    options.onConnectionLost ?? ((error: Error) => logger.warn({ err: error, endpoint }, "redis unavailable"));

  const socketTimeoutMs = options.socketTimeoutMs ?? 5_000;
  const io = new IORedis(redisUrl, {
    lazyConnect: true,
    connectTimeout: options.connectTimeoutMs ?? 2_000,
    socketTimeout: socketTimeoutMs > 0 ? socketTimeoutMs : undefined,
    // RESP2: the reply shapes Upstash's REST API has (RESP3 would also cost a HELLO round trip per connect).
    protocol: 2,
    // A command already written when the connection dropped may have run (a stock decrement, say). Fail it rather
    // than silently re-send it after reconnecting: at-most-once, and the caller hears about it. With 0 retries ioredis
    // also rejects everything pending on every failed attempt instead of holding it for the next one.
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    // The offline queue only bridges the lazy first connect and each reconnect attempt (bounded by connectTimeout);
    // between attempts `request` rejects at once, see below.
    enableOfflineQueue: true,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
    connectionName: "flashmart",
  } satisfies RedisOptions);

  // Without an "error" listener ioredis prints every failed reconnect attempt. Remember the cause for error messages
  // and report each outage once.
  let lastConnectionError: Error | undefined;
  let isOutageReported = false;
  io.on("error", (error: Error) => {
    lastConnectionError = error;
    if (isOutageReported) return;
    isOutageReported = true;
    onConnectionLost(error);
  });
  io.on("ready", () => {
    lastConnectionError = undefined;
    isOutageReported = false;
  });

  const unavailable = (cause: unknown) => {
    const reason = lastConnectionError?.message ?? (cause instanceof Error ? cause.message : String(cause));
    return new RedisUnavailableError(`Redis unavailable at ${endpoint}: ${reason}`, { cause });
  };
  const toErrorResponse = (error: unknown): Response => {
    if (error instanceof ReplyError) return { error: (error as Error).message };
    throw unavailable(error);
  };

  // Scripts with a `#!lua flags=…` line (@upstash/ratelimit ≥ 2.1 sends `flags=allow-key-locking`) are refused by
  // Redis OSS ("Unexpected flag"). They are sent without that line, and EVALSHA of the original text's sha is mapped
  // to the sha of what Redis really stored, so callers' NOSCRIPT → EVAL → EVALSHA cycle works unchanged.
  const shaOfSentScript = new Map<string, string>();

  /** Rewrites script commands in place; returns the sha SCRIPT LOAD should report, if it differs from Redis's. */
  function rewriteScriptArgs(name: string, args: unknown[]): string | undefined {
    switch (name.toLowerCase()) {
      case "eval":
      case "eval_ro":
        args[0] = stripShebang(args[0]);
        return undefined;
      case "evalsha":
      case "evalsha_ro":
        args[0] = shaOfSentScript.get(args[0] as string) ?? args[0];
        return undefined;
      case "script": {
        if (typeof args[0] !== "string" || args[0].toLowerCase() !== "load") return undefined;
        const original = args[1];
        args[1] = stripShebang(original);
        return args[1] === original ? undefined : sha1(original as string);
      }
      default:
        return undefined;
    }
  }

  function stripShebang(script: unknown): unknown {
    if (typeof script !== "string" || !script.startsWith(SHEBANG)) return script;

    // Keep the newline so Lua error line numbers still match the source.
    const lineEnd = script.indexOf("\n");
    const sent = lineEnd === -1 ? "" : script.slice(lineEnd);
    shaOfSentScript.set(sha1(script), sha1(sent));
    return sent;
  }

  // Only EVAL… and SCRIPT can need a rewrite: one char test keeps every other command off the lowercasing path.
  function prepareArgs(name: string, args: unknown[]): string | undefined {
    const first = name.charCodeAt(0) | 0x20;
    return first === 101 /* e */ || first === 115 /* s */ ? rewriteScriptArgs(name, args) : undefined;
  }

  // Every command ioredis sends is its own write(2). Under load many requests reach Redis within one turn of the
  // event loop (a flash sale's reservations: one script call each), so the socket is corked at the first of them and
  // uncorked once that turn's I/O callbacks have run: they leave as one writev. Replies still resolve one by one.
  // Measured on the reservation path: about a fifth more reservations per second, no added latency.
  let corkedStream: typeof io.stream | null = null;
  function corkForThisTurn() {
    if (corkedStream || io.status !== "ready" || !io.stream.writable) return;
    const stream = io.stream;
    stream.cork();
    corkedStream = stream;
    setImmediate(() => {
      corkedStream = null;
      stream.uncork();
    });
  }

  function sendOne(body: readonly unknown[]): Promise<Response> {
    const name = String(body[0]);
    const args = body.slice(1);
    const reportedSha = prepareArgs(name, args);
    const command = new Command(name, args as string[], UTF8);
    corkForThisTurn();
    io.sendCommand(command);
    if (reportedSha !== undefined) return command.promise.then(() => ({ result: reportedSha }), toErrorResponse);
    return command.promise.then(toResultResponse, toErrorResponse);
  }

  async function sendBatch(commands: readonly (readonly unknown[])[], isTransaction: boolean): Promise<Response[]> {
    const batch = isTransaction ? io.multi() : io.pipeline();
    let reportedShas: (string | undefined)[] | undefined;
    for (let i = 0; i < commands.length; i++) {
      const body = commands[i]!;
      const name = String(body[0]);
      const args = body.slice(1);
      const reportedSha = prepareArgs(name, args);
      if (reportedSha !== undefined) (reportedShas ??= [])[i] = reportedSha;
      const command = new Command(name, args as string[], UTF8);
      (batch as unknown as { sendCommand(command: Command): unknown }).sendCommand(command);
    }

    let results: ResultTuple[] | null;
    try {
      results = (await batch.exec()) as ResultTuple[] | null;
    } catch (error) {
      if (!(error instanceof ReplyError)) throw unavailable(error);
      // EXECABORT: Redis refused to queue a command (unknown, wrong arity), so none ran. Every command reports it,
      // like Upstash's REST API failing the whole transaction.
      const causes = ((error as { previousErrors?: Error[] }).previousErrors ?? []).map((e) => e.message);
      const message = causes.length > 0 ? `${(error as Error).message} (${causes.join("; ")})` : (error as Error).message;
      return commands.map(() => ({ error: message }));
    }
    if (results === null) throw unavailable(new Error("transaction returned no results"));

    const responses = new Array<Response>(results.length);
    for (let i = 0; i < results.length; i++) {
      const [error, result] = results[i]!;
      if (error === null) {
        responses[i] = { result: reportedShas?.[i] ?? normalizeReply(result) ?? null };
      } else if (error instanceof ReplyError) {
        responses[i] = { error: error.message };
      } else {
        throw unavailable(error);
      }
    }
    return responses;
  }

  return {
    connection: io,

    request<TResult>(req: UpstashRequest): Promise<UpstashResponse<TResult>> {
      // Between reconnect attempts, fail now rather than queue work behind a connection that is known to be down.
      if (io.status === "reconnecting") return Promise.reject(unavailable(new Error("reconnecting")));

      const mode = req.path?.[0];
      if (mode === "pipeline" || mode === "multi-exec") {
        return sendBatch(req.body as unknown[][], mode === "multi-exec") as unknown as Promise<UpstashResponse<TResult>>;
      }
      return sendOne(req.body as unknown[]) as Promise<UpstashResponse<TResult>>;
    },

    async close() {
      // QUIT lets in-flight replies arrive; a connection that never opened (or is retrying) just stops.
      if (io.status === "ready") {
        await io.quit().catch(() => io.disconnect());
        return;
      }
      io.disconnect();
    },
  };
}

function toResultResponse(result: unknown): Response {
  return { result: normalizeReply(result) ?? null };
}

/**
 * Brings ioredis replies to the REST API's shapes: HGETALL arrives as an object (flattened back to
 * `[field, value, …]`) and Buffers become strings. Returns the input itself when nothing changes, which is always
 * the case for scalars and string arrays, so the hot path allocates nothing here.
 */
function normalizeReply(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;

  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const normalized = normalizeReply(item);
      if (normalized !== item && copy === undefined) copy = value.slice(0, i);
      copy?.push(normalized);
    }
    return copy ?? value;
  }

  if (Buffer.isBuffer(value)) return value.toString("utf8");

  const flat: unknown[] = [];
  for (const [field, fieldValue] of Object.entries(value)) flat.push(field, normalizeReply(fieldValue));
  return flat;
}

function sha1(text: string): string {
  return createHash("sha1").update(text, "utf8").digest("hex");
}

/** host:port for messages; the URL may carry a password, which must not reach logs. */
function describeEndpoint(redisUrl: string): string {
  try {
    const url = new URL(redisUrl);
    return `${url.hostname}:${url.port || 6379}`;
  } catch {
    return "(unparseable REDIS_URL)";
  }
}

/**
 * Client configuration: REST (Upstash) when both REST settings are present, otherwise TCP to `url`. Either way the app
 * gets the same `Redis` class and code path.
 *
 * Automatic deserialization stays ON (the library default): objects and arrays are written JSON-encoded and every
 * reply that parses as JSON comes back parsed, so `set(k, { a: 1 })` reads back an object and `"123"` the number 123
 * (numbers that would not print back identically, like `"007"`, `"1e3"` or ids above 2^53, stay strings). A stored
 * string `"true"` or `"null"` comes back as `true` / `null`, so keys holding free text should use
 * `automaticDeserialization: false`.
 */
export type RedisClientConfig = {
  url: string;
  restUrl?: string | undefined;
  restToken?: string | undefined;
  automaticDeserialization?: boolean;
  tcp?: TcpRequesterOptions;
};

// Symbol.for, not a module-local symbol: Next's bundles and the custom server may load separate copies of this module.
const CLOSE = Symbol.for("flashmart.redis.close");
type Closable = { [CLOSE]?: () => Promise<void> };

// `new Redis(requester)` takes no options; `opts` is what its commands read their deserialization setting from.
class RedisWithoutDeserialization extends Redis {
  constructor(requester: Requester) {
    super(requester);
    this.opts = { automaticDeserialization: false };
  }
}

const RAW_REPLIES = Symbol.for("flashmart.redis.raw-replies");
type WithRawReplies = { [RAW_REPLIES]?: Redis };

export function createRedisClient(config: RedisClientConfig): Redis {
  const { url, restUrl, restToken, automaticDeserialization = true } = config;
  if (Boolean(restUrl) !== Boolean(restToken)) {
    throw new Error("UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN must be set together (or neither, for TCP)");
  }
  if (restUrl && restToken) {
    const restClient = new Redis({ url: restUrl, token: restToken, automaticDeserialization });
    const rawRestClient = automaticDeserialization ? new Redis({ url: restUrl, token: restToken, automaticDeserialization: false }) : restClient;
    Object.defineProperty(restClient, RAW_REPLIES, { value: rawRestClient });
    return restClient;
  }

  const requester = createTcpRequester(url, config.tcp);
  const client = automaticDeserialization ? new Redis(requester) : new RedisWithoutDeserialization(requester);
  Object.defineProperty(client, CLOSE, { value: () => requester.close() });
  Object.defineProperty(client, RAW_REPLIES, { value: automaticDeserialization ? new RedisWithoutDeserialization(requester) : client });
  return client;
}

/**
 * The same connection with automatic deserialization off, for callers whose replies are plain strings and numbers
 * (the sale scripts). Guessing JSON throws and catches a SyntaxError for every non-JSON string in a reply, about 6 µs
 * per script call measured here: a visible share of a reservation. A client that createRedisClient did not make is
 * returned as it is, so callers must accept both shapes (they coerce with String/Number).
 */
export function withRawReplies(client: Redis): Redis {
  return (client as WithRawReplies)[RAW_REPLIES] ?? client;
}

// One client per process: the custom server and Next's bundles both import this module, and share it through globalThis.
// Creating it opens nothing; the first command connects.
const globalForRedis = globalThis as unknown as { flashmartRedis?: Redis };

export const redis: Redis =
  globalForRedis.flashmartRedis ??
  createRedisClient({
    url: env.REDIS_URL,
    restUrl: env.UPSTASH_REDIS_REST_URL,
    restToken: env.UPSTASH_REDIS_REST_TOKEN,
  });
globalForRedis.flashmartRedis = redis;

/**
 * Closes a client's TCP connection (graceful shutdown, end of tests); REST clients hold none, so this is a no-op for
 * them. A closed client rejects every later command with `RedisUnavailableError`.
 */
export async function closeRedis(client: Redis = redis): Promise<void> {
  if (client === globalForRedis.flashmartRedis) delete globalForRedis.flashmartRedis;
  await (client as Closable)[CLOSE]?.();
}
