import { defineSaleScript } from "~/server/domain/sales/sale-script.ts";

/**
 * Lua scripts for the flash sale. Each runs atomically inside Redis, so no interleaving of buyers can oversell.
 * Every script names its KEYS and ARGV (sale-script.ts): the body reads `KEY_<name>` / `ARG_<name>`, and the caller
 * passes `{ keys, args }` objects; all keys come from saleKeys (one hash slot, see keys.ts).
 *
 * Invariant: available = quantity - sold - (active holds); a hold is active while deadline + grace > now.
 * `available` is derived, never stored, so it cannot drift from the holds it is made of.
 */

/** The keys every hold-keeping script touches (keys.ts documents each). */
const HOLD_KEYS = ["meta", "holds", "holders", "users"] as const;

const integerReply = (raw: unknown) => Number(raw);

/** Takes a hold off its owner, if it has one, and gives the unit back to that user's limit. */
const FORGET_HOLDER = `
local function forget_holder(order_id)
  local user_id = redis.call('HGET', KEY_holders, order_id)
  if user_id then
    redis.call('HDEL', KEY_holders, order_id)
    if redis.call('HINCRBY', KEY_users, user_id, -1) <= 0 then redis.call('HDEL', KEY_users, user_id) end
  end
end
`;

/** Removes holds whose deadline (+grace) has passed and gives their units back to their users' limits. */
const EXPIRE_OVERDUE_HOLDS = `${FORGET_HOLDER}
local function expire_overdue(now, grace, max)
  local overdue = redis.call('ZRANGEBYSCORE', KEY_holds, '-inf', now - grace, 'LIMIT', 0, max)
  for _, order_id in ipairs(overdue) do
    redis.call('ZREM', KEY_holds, order_id)
    forget_holder(order_id)
  end
end
`;

export type ReserveReply =
  | { outcome: "WON"; orderId: string; deadlineMs: number; winSeq: number }
  | { outcome: "DUPLICATE"; orderId: string; deadlineMs: number }
  | { outcome: "NOT_OPEN"; opensAtMs: number }
  | { outcome: "RATE_LIMITED"; retryAfterMs: number }
  | { outcome: "SOLD_OUT" | "LIMIT_REACHED" | "PAUSED" | "CLOSED" | "NOT_ADMITTED" | "MISSING" };

function reserveReply(raw: unknown): ReserveReply {
  const reply = raw as unknown[];
  const outcome = String(reply[0]);
  switch (outcome) {
    case "WON":
      return { outcome, orderId: String(reply[1]), deadlineMs: Number(reply[2]), winSeq: Number(reply[3]) };
    case "DUPLICATE":
      return { outcome, orderId: String(reply[1]), deadlineMs: Number(reply[2]) };
    case "NOT_OPEN":
      return { outcome, opensAtMs: Number(reply[1]) };
    case "RATE_LIMITED":
      return { outcome, retryAfterMs: Number(reply[1]) };
    case "SOLD_OUT":
    case "LIMIT_REACHED":
    case "PAUSED":
    case "CLOSED":
    case "NOT_ADMITTED":
    case "MISSING":
      return { outcome };
    default:
      throw new Error(`Unexpected reserve reply ${outcome}`);
  }
}

/**
 * The whole purchase decision in one round trip. The rate limits (saleReserveUser / saleReserveIp of the rate-limit
 * table, one shared window) count every attempt in the window's hash (`rateWindow`). `maxCleanup` bounds the overdue
 * holds cleaned per call; `passExpiresAtMs` is the admission pass's expiry (0 = none); `sessionId` is the buyer's
 * session ('' = none). `timeline` is the current minute's attempts/wins per second (live monitor, post-sale report).
 * Replies WON orderId deadline winSeq | DUPLICATE orderId deadline | SOLD_OUT | LIMIT_REACHED | NOT_OPEN opensAt | PAUSED |
 * CLOSED | NOT_ADMITTED | RATE_LIMITED retryAfterMs | MISSING (keys gone: rebuild).
 * With the waiting room on, only a holder of an unexpired, unused admission pass may reserve; a win uses it up.
 * A win also records `h:<userId>:<sessionId>` → "orderId:deadline" in the idempotency hash: when the same session
 * asks again with another key (a double press, a second tab) and is refused for the limit or a used-up pass while
 * that hold is unpaid and before its deadline, it gets that hold back (DUPLICATE) instead of the refusal. Only those
 * refusals read it, so losing attempts cost what they did.
 */
export const reserveUnitScript = defineSaleScript({
  name: "reserve-unit",
  keys: [...HOLD_KEYS, "idempotency", "rateWindow", "timeline", "admitted"],
  args: ["nowMs", "userId", "orderId", "idempotencyField", "ip", "userLimit", "ipLimit", "windowMs", "graceMs", "maxCleanup", "passExpiresAtMs", "sessionId"],
  reply: reserveReply,
  lua: `${EXPIRE_OVERDUE_HOLDS}
local now = tonumber(ARG_nowMs)
local meta = redis.call('HMGET', KEY_meta, 'quantity', 'sold', 'opensAt', 'closesAt', 'perUserLimit', 'holdMs', 'paused', 'closed', 'waitingRoom')
if not meta[1] then return {'MISSING'} end

local second = tostring(math.floor(now / 1000) % 60)
if redis.call('HINCRBY', KEY_timeline, 'a' .. second, 1) == 1 then redis.call('PEXPIRE', KEY_timeline, 7200000) end

local session = ARG_sessionId
-- The live unpaid hold this buyer's session won earlier, as a DUPLICATE reply, or nil.
local function own_live_hold()
  if session == '' then return nil end
  local mine = redis.call('HGET', KEY_idempotency, 'h:' .. ARG_userId .. ':' .. session)
  if not mine then return nil end
  local sep = string.find(mine, ':', 1, true)
  local order_id = string.sub(mine, 1, sep - 1)
  local deadline = redis.call('ZSCORE', KEY_holds, order_id)
  if not deadline or tonumber(deadline) <= now then return nil end
  return {'DUPLICATE', order_id, string.sub(mine, sep + 1)}
end

local previous = redis.call('HGET', KEY_idempotency, ARG_idempotencyField)
if previous then
  local sep = string.find(previous, ':', 1, true)
  return {'DUPLICATE', string.sub(previous, 1, sep - 1), string.sub(previous, sep + 1)}
end

-- Rate limits count every attempt, in a fixed window shared by all app instances.
local window = tonumber(ARG_windowMs)
local retry_after = window - (now % window)
if redis.call('HINCRBY', KEY_rateWindow, 'u:' .. ARG_userId, 1) > tonumber(ARG_userLimit) then return {'RATE_LIMITED', tostring(retry_after)} end
if redis.call('HINCRBY', KEY_rateWindow, 'i:' .. ARG_ip, 1) > tonumber(ARG_ipLimit) then return {'RATE_LIMITED', tostring(retry_after)} end
redis.call('PEXPIRE', KEY_rateWindow, window * 2)

if meta[8] == '1' then return {'CLOSED'} end
if meta[7] == '1' then return {'PAUSED'} end
if now < tonumber(meta[3]) then return {'NOT_OPEN', meta[3]} end
local closes_at = tonumber(meta[4])
if closes_at > 0 and now >= closes_at then return {'CLOSED'} end

local grace = tonumber(ARG_graceMs)
expire_overdue(now, grace, tonumber(ARG_maxCleanup))

if meta[9] == '1' then
  local pass_expiry = tonumber(redis.call('ZSCORE', KEY_admitted, ARG_userId) or '0')
  if tonumber(ARG_passExpiresAtMs) <= now or pass_expiry <= now then return own_live_hold() or {'NOT_ADMITTED'} end
end

local held_by_user = tonumber(redis.call('HGET', KEY_users, ARG_userId) or '0')
if held_by_user >= tonumber(meta[5]) then return own_live_hold() or {'LIMIT_REACHED'} end

local active_holds = redis.call('ZCOUNT', KEY_holds, '(' .. (now - grace), '+inf')
if tonumber(meta[1]) - tonumber(meta[2]) - active_holds <= 0 then return {'SOLD_OUT'} end

local deadline = now + tonumber(meta[6])
redis.call('ZADD', KEY_holds, deadline, ARG_orderId)
redis.call('HSET', KEY_holders, ARG_orderId, ARG_userId)
redis.call('HINCRBY', KEY_users, ARG_userId, 1)
redis.call('HSET', KEY_idempotency, ARG_idempotencyField, ARG_orderId .. ':' .. deadline)
if session ~= '' then redis.call('HSET', KEY_idempotency, 'h:' .. ARG_userId .. ':' .. session, ARG_orderId .. ':' .. deadline) end
redis.call('HINCRBY', KEY_timeline, 'w' .. second, 1)
if meta[9] == '1' then redis.call('ZREM', KEY_admitted, ARG_userId) end
-- The bucket's win number, stored with the order under a unique key: a replica that lost wins re-issues numbers
-- MySQL already holds, and that order write is refused instead of granting a unit twice.
local win_seq = redis.call('HINCRBY', KEY_meta, 'wins', 1)
return {'WON', ARG_orderId, tostring(deadline), tostring(win_seq)}
`,
});

/**
 * An unpaid hold ends (compensation after a failed MySQL write, expiry, cancel): its unit and the user's slot come
 * back. ZREM makes it idempotent. `idempotencyField` '' keeps the idempotency answer. Replies -1 (no sale keys), 0, 1.
 */
export const releaseHoldScript = defineSaleScript({
  name: "release-hold",
  keys: [...HOLD_KEYS, "idempotency"],
  args: ["orderId", "idempotencyField"],
  reply: integerReply,
  lua: `${FORGET_HOLDER}
if redis.call('EXISTS', KEY_meta) == 0 then return -1 end
if ARG_idempotencyField ~= '' then redis.call('HDEL', KEY_idempotency, ARG_idempotencyField) end
if redis.call('ZREM', KEY_holds, ARG_orderId) == 0 then return 0 end
forget_holder(ARG_orderId)
return 1
`,
});

/**
 * A hold was paid (MySQL already committed it): the unit moves from held to sold, once per order. If the hold had
 * already been cleaned up as overdue, the unit and the user's slot are taken again so Redis matches MySQL.
 */
export const markHoldPaidScript = defineSaleScript({
  name: "mark-hold-paid",
  keys: [...HOLD_KEYS, "settled"],
  args: ["orderId", "userId"],
  reply: integerReply,
  lua: `
if redis.call('EXISTS', KEY_meta) == 0 then return -1 end
if redis.call('SADD', KEY_settled, ARG_orderId) == 0 then return 0 end
redis.call('HINCRBY', KEY_meta, 'sold', 1)
if redis.call('ZREM', KEY_holds, ARG_orderId) == 1 then
  redis.call('HDEL', KEY_holders, ARG_orderId)
else
  redis.call('HINCRBY', KEY_users, ARG_userId, 1)
end
return 1
`,
});

/**
 * A sale order ended without keeping its unit (expired, cancelled, returned). If it had been paid, the sold unit
 * comes back once (guarded by `r:<id>` in settled); otherwise its hold is released (guarded by ZREM).
 */
export const releaseSaleOrderScript = defineSaleScript({
  name: "release-sale-order",
  keys: [...HOLD_KEYS, "settled"],
  args: ["orderId", "userId"],
  reply: integerReply,
  lua: `
if redis.call('EXISTS', KEY_meta) == 0 then return -1 end
if redis.call('SISMEMBER', KEY_settled, ARG_orderId) == 1 then
  if redis.call('SADD', KEY_settled, 'r:' .. ARG_orderId) == 0 then return 0 end
  redis.call('HINCRBY', KEY_meta, 'sold', -1)
  if redis.call('HINCRBY', KEY_users, ARG_userId, -1) <= 0 then redis.call('HDEL', KEY_users, ARG_userId) end
  return 2
end
if redis.call('ZREM', KEY_holds, ARG_orderId) == 0 then return 0 end
redis.call('HDEL', KEY_holders, ARG_orderId)
if redis.call('HINCRBY', KEY_users, ARG_userId, -1) <= 0 then redis.call('HDEL', KEY_users, ARG_userId) end
return 1
`,
});

/**
 * Loads a sale's state computed from MySQL, but only if its keys are absent (another instance may have won the
 * race). Args are JSON: `meta` {field: value}, `holds` [[orderId, userId, deadline]…], `userCounts` {userId: n},
 * `settled` [member…]; `ttlS` in seconds.
 */
export const loadSaleStateScript = defineSaleScript({
  name: "load-sale-state",
  keys: [...HOLD_KEYS, "idempotency", "settled"],
  args: ["meta", "holds", "userCounts", "settled", "ttlS"],
  reply: integerReply,
  lua: `
if redis.call('EXISTS', KEY_meta) == 1 then return 0 end
redis.call('DEL', KEY_holds, KEY_holders, KEY_users, KEY_settled)
local meta = cjson.decode(ARG_meta)
for field, value in pairs(meta) do redis.call('HSET', KEY_meta, field, tostring(value)) end
for _, hold in ipairs(cjson.decode(ARG_holds)) do
  redis.call('ZADD', KEY_holds, hold[3], hold[1])
  redis.call('HSET', KEY_holders, hold[1], hold[2])
end
for user_id, count in pairs(cjson.decode(ARG_userCounts)) do redis.call('HSET', KEY_users, user_id, count) end
for _, member in ipairs(cjson.decode(ARG_settled)) do redis.call('SADD', KEY_settled, member) end
local ttl = tonumber(ARG_ttlS)
for _, key in ipairs({KEY_meta, KEY_holds, KEY_holders, KEY_users, KEY_idempotency, KEY_settled}) do
  if redis.call('EXISTS', key) == 1 then redis.call('EXPIRE', key, ttl) end
end
return 1
`,
});

export type SaleStatusReply =
  | { isMissing: true }
  | { isMissing: false; quantity: number; sold: number; held: number; isPaused: boolean; isClosed: boolean; earliestHoldDueAtMs: number };

/**
 * Read-only snapshot for the sale page and dashboard: quantity, sold, active holds, paused, closed, and the payment
 * deadline (ms) of the first active hold to run out, read only when every unit is sold or held (one O(log n)
 * ZRANGE … LIMIT 0 1 on the holds set, ordered by deadline), else 0: it tells a buyer when a unit may come back.
 */
export const readSaleStatusScript = defineSaleScript({
  name: "read-sale-status",
  keys: ["meta", "holds"],
  args: ["nowMs", "graceMs"],
  reply: (raw): SaleStatusReply => {
    const reply = raw as unknown[];
    if (String(reply[0]) === "MISSING") return { isMissing: true };
    return {
      isMissing: false,
      quantity: Number(reply[0]),
      sold: Number(reply[1]),
      held: Number(reply[2]),
      isPaused: String(reply[3]) === "1",
      isClosed: String(reply[4]) === "1",
      earliestHoldDueAtMs: Number(reply[5] ?? 0),
    };
  },
  lua: `
local meta = redis.call('HMGET', KEY_meta, 'quantity', 'sold', 'paused', 'closed')
if not meta[1] then return {'MISSING'} end
local min_score = '(' .. (tonumber(ARG_nowMs) - tonumber(ARG_graceMs))
local active = redis.call('ZCOUNT', KEY_holds, min_score, '+inf')
local earliest = '0'
if active > 0 and tonumber(meta[1]) - tonumber(meta[2]) - active <= 0 then
  local first = redis.call('ZRANGE', KEY_holds, min_score, '+inf', 'BYSCORE', 'LIMIT', 0, 1, 'WITHSCORES')
  if first[2] then earliest = first[2] end
end
return {meta[1], meta[2], tostring(active), meta[3] or '0', meta[4] or '0', earliest}
`,
});

/**
 * Applies reconciliation fixes computed from MySQL, atomically. `holdsToAdd` is JSON [[orderId, userId, deadline]…],
 * `holdsToRemove` JSON [orderId…], `userCounts` JSON {userId: n}.
 */
export const applySaleFixesScript = defineSaleScript({
  name: "apply-sale-fixes",
  keys: HOLD_KEYS,
  args: ["soldDelta", "holdsToAdd", "holdsToRemove", "userCounts"],
  reply: integerReply,
  lua: `
if redis.call('EXISTS', KEY_meta) == 0 then return -1 end
local delta = tonumber(ARG_soldDelta)
if delta ~= 0 then redis.call('HINCRBY', KEY_meta, 'sold', delta) end
for _, hold in ipairs(cjson.decode(ARG_holdsToAdd)) do
  redis.call('ZADD', KEY_holds, hold[3], hold[1])
  redis.call('HSET', KEY_holders, hold[1], hold[2])
end
for _, order_id in ipairs(cjson.decode(ARG_holdsToRemove)) do
  redis.call('ZREM', KEY_holds, order_id)
  redis.call('HDEL', KEY_holders, order_id)
end
for user_id, count in pairs(cjson.decode(ARG_userCounts)) do
  if tonumber(count) <= 0 then redis.call('HDEL', KEY_users, user_id) else redis.call('HSET', KEY_users, user_id, count) end
end
return 1
`,
});

/*
 * Stock buckets (K > 1, sale-buckets.ts). Each bucket's meta `quantity` is its allotment; a unit moves between
 * buckets only through give-units (donor: allotment down, journaled in `xferOut`) then receive-units (receiver:
 * allotment up, once per transfer id thanks to `xferIn`). Between the two the units are in transit: never in two
 * buckets' allotments at once, so the buckets together can never offer more than the sale's quantity.
 */

/**
 * A bucket gives up to half its free units (free = allotment - sold - active holds, at least 1 when any is free) to
 * `toBucket`, journaled under `transferId` as "<toBucket>:<units>:<nowMs>" until the receiver has them. Replies the
 * units given; when it has none free, -2 if its journal still holds a transfer (units on their way to a bucket the
 * caller may already have asked), else 0; -1 when its keys are gone.
 */
export const giveUnitsScript = defineSaleScript({
  name: "give-units",
  keys: ["meta", "holds", "xferOut"],
  args: ["nowMs", "graceMs", "transferId", "toBucket"],
  reply: integerReply,
  lua: `
local meta = redis.call('HMGET', KEY_meta, 'quantity', 'sold')
if not meta[1] then return -1 end
local active = redis.call('ZCOUNT', KEY_holds, '(' .. (tonumber(ARG_nowMs) - tonumber(ARG_graceMs)), '+inf')
local free = tonumber(meta[1]) - tonumber(meta[2]) - active
if free <= 0 then
  if redis.call('HLEN', KEY_xferOut) > 0 then return -2 end
  return 0
end
local units = math.ceil(free / 2)
redis.call('HINCRBY', KEY_meta, 'quantity', -units)
redis.call('HSET', KEY_xferOut, ARG_transferId, ARG_toBucket .. ':' .. units .. ':' .. ARG_nowMs)
local ttl = redis.call('TTL', KEY_meta)
if ttl > 0 then redis.call('EXPIRE', KEY_xferOut, ttl) end
return units
`,
});

/** A bucket receives a journaled transfer, once: replies 1 (applied), 0 (already applied), -1 (keys gone). */
export const receiveUnitsScript = defineSaleScript({
  name: "receive-units",
  keys: ["meta", "xferIn"],
  args: ["transferId", "units"],
  reply: integerReply,
  lua: `
if redis.call('EXISTS', KEY_meta) == 0 then return -1 end
if redis.call('SADD', KEY_xferIn, ARG_transferId) == 0 then return 0 end
redis.call('HINCRBY', KEY_meta, 'quantity', tonumber(ARG_units))
local ttl = redis.call('TTL', KEY_meta)
if ttl > 0 then redis.call('EXPIRE', KEY_xferIn, ttl) end
return 1
`,
});

/**
 * Adds units to a bucket's allotment (reconcile's top-up of a deficit it measured under the rebuild lock). Replies
 * the new allotment, -1 when the keys are gone.
 */
export const topUpAllotmentScript = defineSaleScript({
  name: "top-up-allotment",
  keys: ["meta"],
  args: ["units"],
  reply: integerReply,
  lua: `
if redis.call('EXISTS', KEY_meta) == 0 then return -1 end
return redis.call('HINCRBY', KEY_meta, 'quantity', tonumber(ARG_units))
`,
});

export type BucketLedgerReply =
  | { isMissing: true }
  | {
      isMissing: false;
      quantity: number;
      sold: number;
      held: number;
      /** [transferId, toBucket, units, givenAtMs] */
      given: Array<[string, number, number, number]>;
      received: Set<string>;
    };

/**
 * One bucket's allotment, sold, active holds, transfer journal and received transfers, read atomically (a transfer
 * is either wholly before or wholly after this reading).
 */
export const readBucketLedgerScript = defineSaleScript({
  name: "read-bucket-ledger",
  keys: ["meta", "holds", "xferOut", "xferIn"],
  args: ["nowMs", "graceMs"],
  reply: (raw): BucketLedgerReply => {
    const reply = raw as unknown[];
    if (String(reply[0]) === "MISSING") return { isMissing: true };
    const journal = (reply[3] ?? []) as unknown[];
    const given: Array<[string, number, number, number]> = [];
    for (let index = 0; index + 1 < journal.length; index += 2) {
      const [toBucket, units, givenAtMs] = String(journal[index + 1]).split(":").map(Number);
      given.push([String(journal[index]), toBucket!, units!, givenAtMs!]);
    }
    return {
      isMissing: false,
      quantity: Number(reply[0]),
      sold: Number(reply[1]),
      held: Number(reply[2]),
      given,
      received: new Set(((reply[4] ?? []) as unknown[]).map(String)),
    };
  },
  lua: `
local meta = redis.call('HMGET', KEY_meta, 'quantity', 'sold')
if not meta[1] then return {'MISSING'} end
local active = redis.call('ZCOUNT', KEY_holds, '(' .. (tonumber(ARG_nowMs) - tonumber(ARG_graceMs)), '+inf')
return {meta[1], meta[2], active, redis.call('HGETALL', KEY_xferOut), redis.call('SMEMBERS', KEY_xferIn)}
`,
});

/**
 * loadSaleStateScript for one stock bucket: the same conditional load, plus `received` (JSON [transferId…]), the
 * transfers into this bucket that its rebuilt allotment already counts, marked applied so that finishing them later
 * cannot add their units a second time.
 */
export const loadBucketStateScript = defineSaleScript({
  name: "load-bucket-state",
  keys: [...HOLD_KEYS, "idempotency", "settled", "xferIn"],
  args: ["meta", "holds", "userCounts", "settled", "received", "ttlS"],
  reply: integerReply,
  lua: `
if redis.call('EXISTS', KEY_meta) == 1 then return 0 end
redis.call('DEL', KEY_holds, KEY_holders, KEY_users, KEY_settled, KEY_xferIn)
local meta = cjson.decode(ARG_meta)
for field, value in pairs(meta) do redis.call('HSET', KEY_meta, field, tostring(value)) end
for _, hold in ipairs(cjson.decode(ARG_holds)) do
  redis.call('ZADD', KEY_holds, hold[3], hold[1])
  redis.call('HSET', KEY_holders, hold[1], hold[2])
end
for user_id, count in pairs(cjson.decode(ARG_userCounts)) do redis.call('HSET', KEY_users, user_id, count) end
for _, member in ipairs(cjson.decode(ARG_settled)) do redis.call('SADD', KEY_settled, member) end
for _, transfer_id in ipairs(cjson.decode(ARG_received)) do redis.call('SADD', KEY_xferIn, transfer_id) end
local ttl = tonumber(ARG_ttlS)
for _, key in ipairs({KEY_meta, KEY_holds, KEY_holders, KEY_users, KEY_idempotency, KEY_settled, KEY_xferIn}) do
  if redis.call('EXISTS', key) == 1 then redis.call('EXPIRE', key, ttl) end
end
return 1
`,
});

/**
 * Raises a bucket's win counter to `wins` (the highest win number MySQL holds for it), never lowers it: after a
 * promoted replica lost wins and a reconcile put their holds back, new wins must not re-issue those numbers.
 * Replies -1 (no keys), 0 (already there), 1 (raised).
 */
export const raiseWinCounterScript = defineSaleScript({
  name: "raise-win-counter",
  keys: ["meta"],
  args: ["wins"],
  reply: integerReply,
  lua: `
if redis.call('EXISTS', KEY_meta) == 0 then return -1 end
if tonumber(redis.call('HGET', KEY_meta, 'wins') or '0') >= tonumber(ARG_wins) then return 0 end
redis.call('HSET', KEY_meta, 'wins', ARG_wins)
return 1
`,
});

/**
 * A win MySQL refused because Redis had lost earlier wins (lost-wins.ts): the hold stays in the holds set as a
 * stand-in that occupies the unit of one lost win, but belongs to nobody. Its user's count, its idempotency answer
 * and the session's "my live hold" record are undone, so the buyer can try again at once instead of being told about
 * a hold that has no order. Reconcile removes the stand-in once it is older than an order write can take.
 * `sessionField` '' = none. Replies -1 (no keys), 1.
 */
export const keepHoldAsStandInScript = defineSaleScript({
  name: "keep-hold-as-stand-in",
  keys: ["meta", "holders", "users", "idempotency"],
  args: ["orderId", "idempotencyField", "sessionField"],
  reply: integerReply,
  lua: `${FORGET_HOLDER}
if redis.call('EXISTS', KEY_meta) == 0 then return -1 end
redis.call('HDEL', KEY_idempotency, ARG_idempotencyField)
if ARG_sessionField ~= '' then
  local mine = redis.call('HGET', KEY_idempotency, ARG_sessionField)
  if mine and string.sub(mine, 1, #ARG_orderId + 1) == ARG_orderId .. ':' then redis.call('HDEL', KEY_idempotency, ARG_sessionField) end
end
forget_holder(ARG_orderId)
return 1
`,
});
