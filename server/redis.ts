import { createHash } from "node:crypto";

import { Redis, type Requester, type UpstashRequest, type UpstashResponse } from "@upstash/redis";
import { Cluster, Command, Redis as IORedis, ReplyError, type ClusterOptions, type RedisOptions } from "ioredis";

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

export type TcpRequester<Connection extends IORedis | Cluster = IORedis> = Requester & {
  /** The underlying ioredis connection, for tests and scripts; the app talks to it only through `request`. */
  readonly connection: Connection;
  close(): Promise<void>;
};

/**
 * A command or transaction that Redis Cluster cannot run as asked: its keys span hash slots, so no single node holds
 * them all. A programming error (give the keys one hash tag, see `hashTagged`), not an outage.
 */
export class CrossSlotError extends Error {
  override name = "CrossSlotError";
}

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
  const socketTimeoutMs = options.socketTimeoutMs ?? 5_000;
  const io = new IORedis(redisUrl, {
    ...connectionOptions(options),
    lazyConnect: true,
    socketTimeout: socketTimeoutMs > 0 ? socketTimeoutMs : undefined,
    // The offline queue only bridges the lazy first connect and each reconnect attempt (bounded by connectTimeout);
    // between attempts `request` rejects at once, see below.
    enableOfflineQueue: true,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
  } satisfies RedisOptions);
  return createIoredisRequester(io, describeEndpoint(redisUrl), options, () => [io]);
}

/**
 * The same requester over a Redis Cluster (`nodes`: `host:port` seeds; ioredis discovers the rest). ioredis follows
 * MOVED/ASK redirects, refreshes the slot map after a failover and reconnects; every command still goes out at most
 * once (a command that may have run on a node that went away fails with `RedisUnavailableError`, it is not re-sent).
 *
 * Cluster rules on top of the single-node contract: a script or multi-key command must keep its keys in one hash slot
 * (Redis answers CROSSSLOT otherwise), and so must a `multi-exec` transaction (rejected with `CrossSlotError` before
 * anything is sent). A `pipeline` has no atomicity to keep: when its keys span slots its commands are sent one by one
 * (still in one write per node) and answered in order, as Upstash's REST pipeline does.
 */
export function createClusterRequester(nodes: readonly string[], options: TcpRequesterOptions = {}): TcpRequester<Cluster> {
  if (nodes.length === 0) throw new Error("a Redis Cluster needs at least one node address");
  const socketTimeoutMs = options.socketTimeoutMs ?? 5_000;
  const cluster = new Cluster(
    nodes.map((node) => parseNodeAddress(node)),
    {
      lazyConnect: true,
      // A cluster that cannot connect keeps its offline queue until it can, and would then run commands whose callers
      // were long told they failed: `request` sends nothing before the cluster is ready (a bounded wait, see
      // waitUntilReady). The queue stays on because with it off ioredis also refuses commands for a node whose
      // connection is still opening, which every node's first burst of commands is.
      enableOfflineQueue: true,
      clusterRetryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
      // > 0 would re-send a command whose node connection closed after it was written: it may have run already.
      retryDelayOnFailover: 0,
      // CLUSTERDOWN and TRYAGAIN mean the command did not run, so retrying them (up to maxRedirections) is safe.
      retryDelayOnClusterDown: 100,
      retryDelayOnTryAgain: 100,
      slotsRefreshTimeout: options.connectTimeoutMs ?? 2_000,
      redisOptions: { ...connectionOptions(options), socketTimeout: socketTimeoutMs > 0 ? socketTimeoutMs : undefined },
    } satisfies ClusterOptions,
  );
  // Corking every primary for one turn is cheap (a handful of sockets) and keeps the one-write-per-turn batching.
  return createIoredisRequester(cluster, `cluster ${nodes.join(",")}`, options, () => cluster.nodes("master"));
}

function connectionOptions(options: TcpRequesterOptions) {
  return {
    connectTimeout: options.connectTimeoutMs ?? 2_000,
    // RESP2: the reply shapes Upstash's REST API has (RESP3 would also cost a HELLO round trip per connect).
    protocol: 2,
    // A command already written when the connection dropped may have run (a stock decrement, say). Fail it rather
    // than silently re-send it after reconnecting: at-most-once, and the caller hears about it. With 0 retries ioredis
    // also rejects everything pending on every failed attempt instead of holding it for the next one.
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    connectionName: "flashmart",
  } satisfies RedisOptions;
}

/** `host:port` (the REDIS_CLUSTER_NODES form) or `redis://host:port`. */
function parseNodeAddress(node: string): { host: string; port: number } {
  const url = new URL(node.includes("://") ? node : `redis://${node}`);
  return { host: url.hostname, port: Number(url.port || 6379) };
}

// Errors that a node answers but that mean "the cluster cannot serve this now" (a failover in progress, a node still
// loading its data): to the caller that is an outage, like a refused connection, not a wrong command.
const UNAVAILABLE_REPLY = /^(CLUSTERDOWN|MASTERDOWN|LOADING|TRYAGAIN)\b/;

function isCommandError(error: unknown): error is Error {
  return error instanceof ReplyError && !UNAVAILABLE_REPLY.test((error as Error).message);
}

function createIoredisRequester<Connection extends IORedis | Cluster>(
  io: Connection,
  endpoint: string,
  options: TcpRequesterOptions,
  connectionsToCork: () => readonly IORedis[],
): TcpRequester<Connection> {
  const onConnectionLost =
    options.onConnectionLost ?? ((error: Error) => logger.warn({ err: error, endpoint }, "redis unavailable"));
  const isCluster = io instanceof Cluster;
  let readiness: Promise<void> | null = null;

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
    if (isCommandError(error)) return { error: error.message };
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
  let corkedStreams: IORedis["stream"][] | null = null;
  function corkForThisTurn() {
    if (corkedStreams) return;
    const streams: IORedis["stream"][] = [];
    for (const connection of connectionsToCork()) {
      if (connection.status !== "ready" || !connection.stream.writable) continue;
      connection.stream.cork();
      streams.push(connection.stream);
    }
    if (streams.length === 0) return;
    corkedStreams = streams;
    setImmediate(() => {
      corkedStreams = null;
      for (const stream of streams) stream.uncork();
    });
  }

  function sendOne(body: readonly unknown[]): Promise<Response> {
    const name = String(body[0]);
    const args = body.slice(1);
    const reportedSha = prepareArgs(name, args);
    return dispatch(new Command(name, args as string[], UTF8), reportedSha);
  }

  /** Sends one command on its own (corked with the rest of this turn's) and maps its reply. */
  function dispatch(command: Command, reportedSha: string | undefined): Promise<Response> {
    corkForThisTurn();
    io.sendCommand(command);
    if (reportedSha !== undefined) return command.promise.then(() => ({ result: reportedSha }), toErrorResponse);
    return command.promise.then(toResultResponse, toErrorResponse);
  }

  async function sendBatch(commands: readonly (readonly unknown[])[], isTransaction: boolean): Promise<Response[]> {
    let reportedShas: (string | undefined)[] | undefined;
    const prepared = commands.map((body, i) => {
      const name = String(body[0]);
      const args = body.slice(1);
      const reportedSha = prepareArgs(name, args);
      if (reportedSha !== undefined) (reportedShas ??= [])[i] = reportedSha;
      return new Command(name, args as string[], UTF8);
    });

    if (isCluster && spansSlots(prepared)) {
      if (isTransaction) {
        const keys = prepared.flatMap((command) => command.getKeys().map(String));
        throw new CrossSlotError(`MULTI on Redis Cluster needs every key in one hash slot; these span several: ${keys.join(", ")}`);
      }
      return Promise.all(prepared.map((command, i) => dispatch(command, reportedShas?.[i])));
    }

    const batch = isTransaction ? io.multi() : io.pipeline();
    for (const command of prepared) (batch as unknown as { sendCommand(command: Command): unknown }).sendCommand(command);

    let results: ResultTuple[] | null;
    try {
      results = (await batch.exec()) as ResultTuple[] | null;
    } catch (error) {
      if (!isCommandError(error)) throw unavailable(error);
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
      } else if (isCommandError(error)) {
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
      // A closed cluster ("end") rejects at once in sendCommand, like a closed single connection.
      if (isCluster && io.status !== "ready" && io.status !== "end") return waitUntilReady().then(() => send<TResult>(req));
      return send(req);
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

  function send<TResult>(req: UpstashRequest): Promise<UpstashResponse<TResult>> {
    const mode = req.path?.[0];
    if (mode === "pipeline" || mode === "multi-exec") {
      return sendBatch(req.body as unknown[][], mode === "multi-exec") as unknown as Promise<UpstashResponse<TResult>>;
    }
    return sendOne(req.body as unknown[]) as Promise<UpstashResponse<TResult>>;
  }

  /**
   * The cluster's first connect (and each reconnect attempt) as a bounded wait: resolves when the cluster is ready,
   * rejects with RedisUnavailableError when the attempt fails or takes longer than a connect may.
   */
  function waitUntilReady(): Promise<void> {
    readiness ??= waitForReadyEvent().finally(() => {
      readiness = null;
    });
    return readiness;
  }

  function waitForReadyEvent(): Promise<void> {
    if (io.status === "wait") io.connect().catch(() => {}); // a failure arrives as the "close" below
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => settle(new Error("connecting timed out")), (options.connectTimeoutMs ?? 2_000) * 2);
      const onReady = () => settle();
      const onDown = () => settle(lastConnectionError ?? new Error("connection closed"));
      function settle(error?: Error) {
        clearTimeout(timer);
        io.off("ready", onReady).off("close", onDown).off("end", onDown);
        if (error) reject(unavailable(error));
        else resolve();
      }
      io.once("ready", onReady).once("close", onDown).once("end", onDown);
    });
  }
}

/**
 * Whether the commands address more than one hash slot (keyless commands go with any). A command's slot is its first
 * key's, as ioredis routes it; a single command whose own keys span slots gets CROSSSLOT from Redis itself.
 */
function spansSlots(commands: readonly Command[]): boolean {
  let slot: number | null = null;
  for (const command of commands) {
    const commandSlot = command.getSlot() as number | null;
    if (commandSlot === null) continue;
    if (slot === null) slot = commandSlot;
    else if (commandSlot !== slot) return true;
  }
  return false;
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
 * Client configuration: REST (Upstash) when both REST settings are present, a Redis Cluster when `clusterNodes` is,
 * otherwise TCP to the single Redis at `url`. Either way the app gets the same `Redis` class and code path.
 *
 * Automatic deserialization stays ON (the library default): objects and arrays are written JSON-encoded and every
 * reply that parses as JSON comes back parsed, so `set(k, { a: 1 })` reads back an object and `"123"` the number 123
 * (numbers that would not print back identically, like `"007"`, `"1e3"` or ids above 2^53, stay strings). A stored
 * string `"true"` or `"null"` comes back as `true` / `null`, so keys holding free text should use
 * `automaticDeserialization: false`.
 */
export type RedisClientConfig = {
  url: string;
  /** `host:port` seeds of a Redis Cluster; when given, `url` is not used. */
  clusterNodes?: readonly string[] | undefined;
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

/** The TCP requester for a single Redis or a cluster, as `config` says (REST settings are not looked at). */
export function createRequester(config: Pick<RedisClientConfig, "url" | "clusterNodes" | "tcp">): TcpRequester<IORedis | Cluster> {
  return config.clusterNodes?.length ? createClusterRequester(config.clusterNodes, config.tcp) : createTcpRequester(config.url, config.tcp);
}

export function createRedisClient(config: RedisClientConfig): Redis {
  const { clusterNodes, restUrl, restToken, automaticDeserialization = true } = config;
  if (Boolean(restUrl) !== Boolean(restToken)) {
    throw new Error("UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN must be set together (or neither, for TCP)");
  }
  if (restUrl && clusterNodes?.length) {
    throw new Error("Set either UPSTASH_REDIS_REST_URL/TOKEN or REDIS_CLUSTER_NODES, not both");
  }
  if (restUrl && restToken) {
    const restClient = new Redis({ url: restUrl, token: restToken, automaticDeserialization });
    const rawRestClient = automaticDeserialization ? new Redis({ url: restUrl, token: restToken, automaticDeserialization: false }) : restClient;
    Object.defineProperty(restClient, RAW_REPLIES, { value: rawRestClient });
    return restClient;
  }

  const requester = createRequester(config);
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

/** The deployment's Redis as configured in the environment (tests and scripts build extra clients from it). */
export function redisClientConfigFromEnv(): RedisClientConfig {
  return {
    url: env.REDIS_URL,
    clusterNodes: parseClusterNodes(env.REDIS_CLUSTER_NODES),
    restUrl: env.UPSTASH_REDIS_REST_URL,
    restToken: env.UPSTASH_REDIS_REST_TOKEN,
  };
}

/** `"127.0.0.1:7001, 127.0.0.1:7002"` → `["127.0.0.1:7001", "127.0.0.1:7002"]`; unset → undefined (single Redis). */
export function parseClusterNodes(value: string | undefined): string[] | undefined {
  const nodes = value?.split(",").map((node) => node.trim()).filter(Boolean);
  return nodes?.length ? nodes : undefined;
}

export const redis: Redis = globalForRedis.flashmartRedis ?? createRedisClient(redisClientConfigFromEnv());
globalForRedis.flashmartRedis = redis;

/**
 * Closes a client's TCP connection (graceful shutdown, end of tests); REST clients hold none, so this is a no-op for
 * them. A closed client rejects every later command with `RedisUnavailableError`.
 */
export async function closeRedis(client: Redis = redis): Promise<void> {
  if (client === globalForRedis.flashmartRedis) delete globalForRedis.flashmartRedis;
  await (client as Closable)[CLOSE]?.();
}
