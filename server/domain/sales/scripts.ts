import type { Redis } from "@upstash/redis";

import { withRawReplies } from "~/server/redis.ts";

/**
 * Lua scripts for the flash sale. Each runs atomically inside Redis, so no interleaving of buyers can oversell.
 * KEYS (all in one hash slot, see keys.ts): 1 meta, 2 holds, 3 holders, 4 users, 5 idempotency, 6 settled, 7 rate window,
 * 8 the current minute's timeline (attempts/wins per second, for the live monitor and the post-sale report),
 * 9 admitted (waiting room passes).
 *
 * Invariant: available = quantity - sold - (active holds); a hold is active while deadline + grace > now.
 * `available` is derived, never stored, so it cannot drift from the holds it is made of.
 */

/** Removes holds whose deadline (+grace) has passed and gives their units back to their users' limits. */
const EXPIRE_OVERDUE_HOLDS = `
local function expire_overdue(now, grace, max)
  local overdue = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now - grace, 'LIMIT', 0, max)
  for _, order_id in ipairs(overdue) do
    redis.call('ZREM', KEYS[2], order_id)
    local user_id = redis.call('HGET', KEYS[3], order_id)
    if user_id then
      redis.call('HDEL', KEYS[3], order_id)
      if redis.call('HINCRBY', KEYS[4], user_id, -1) <= 0 then redis.call('HDEL', KEYS[4], user_id) end
    end
  end
end
`;

/**
 * The whole purchase decision in one round trip.
 * ARGV: 1 now(ms) 2 userId 3 orderId 4 idempotency field 5 ip 6 user attempts/window 7 ip attempts/window
 *       8 window(ms) 9 grace(ms) 10 max overdue holds to clean per call 11 admission pass expiry (ms, 0 = none)
 *       12 buyer's session id ('' or absent = none)
 * Returns {outcome, a, b}: WON orderId deadline | DUPLICATE orderId deadline | SOLD_OUT | LIMIT_REACHED |
 * NOT_OPEN opensAt | PAUSED | CLOSED | NOT_ADMITTED | RATE_LIMITED retryAfterMs | MISSING (keys gone: rebuild).
 * With the waiting room on, only a holder of an unexpired, unused admission pass may reserve; a win uses it up.
 * A win also records `h:<userId>:<sessionId>` → "orderId:deadline" in the idempotency hash: when the same session
 * asks again with another key (a double press, a second tab) and is refused for the limit or a used-up pass while
 * that hold is unpaid and before its deadline, it gets that hold back (DUPLICATE) instead of the refusal. Only those
 * refusals read it, so losing attempts cost what they did.
 */
export const RESERVE_UNIT_LUA = `${EXPIRE_OVERDUE_HOLDS}
local now = tonumber(ARGV[1])
local meta = redis.call('HMGET', KEYS[1], 'quantity', 'sold', 'opensAt', 'closesAt', 'perUserLimit', 'holdMs', 'paused', 'closed', 'waitingRoom')
if not meta[1] then return {'MISSING'} end

local second = tostring(math.floor(now / 1000) % 60)
if redis.call('HINCRBY', KEYS[8], 'a' .. second, 1) == 1 then redis.call('PEXPIRE', KEYS[8], 7200000) end

local session = ARGV[12] or ''
-- The live unpaid hold this buyer's session won earlier, as a DUPLICATE reply, or nil.
local function own_live_hold()
  if session == '' then return nil end
  local mine = redis.call('HGET', KEYS[5], 'h:' .. ARGV[2] .. ':' .. session)
  if not mine then return nil end
  local sep = string.find(mine, ':', 1, true)
  local order_id = string.sub(mine, 1, sep - 1)
  local deadline = redis.call('ZSCORE', KEYS[2], order_id)
  if not deadline or tonumber(deadline) <= now then return nil end
  return {'DUPLICATE', order_id, string.sub(mine, sep + 1)}
end

local previous = redis.call('HGET', KEYS[5], ARGV[4])
if previous then
  local sep = string.find(previous, ':', 1, true)
  return {'DUPLICATE', string.sub(previous, 1, sep - 1), string.sub(previous, sep + 1)}
end

-- Rate limits count every attempt, in a fixed window shared by all app instances.
local window = tonumber(ARGV[8])
local retry_after = window - (now % window)
if redis.call('HINCRBY', KEYS[7], 'u:' .. ARGV[2], 1) > tonumber(ARGV[6]) then return {'RATE_LIMITED', tostring(retry_after)} end
if redis.call('HINCRBY', KEYS[7], 'i:' .. ARGV[5], 1) > tonumber(ARGV[7]) then return {'RATE_LIMITED', tostring(retry_after)} end
redis.call('PEXPIRE', KEYS[7], window * 2)

if meta[8] == '1' then return {'CLOSED'} end
if meta[7] == '1' then return {'PAUSED'} end
if now < tonumber(meta[3]) then return {'NOT_OPEN', meta[3]} end
local closes_at = tonumber(meta[4])
if closes_at > 0 and now >= closes_at then return {'CLOSED'} end

local grace = tonumber(ARGV[9])
expire_overdue(now, grace, tonumber(ARGV[10]))

if meta[9] == '1' then
  local pass_expiry = tonumber(redis.call('ZSCORE', KEYS[9], ARGV[2]) or '0')
  if tonumber(ARGV[11]) <= now or pass_expiry <= now then return own_live_hold() or {'NOT_ADMITTED'} end
end

local held_by_user = tonumber(redis.call('HGET', KEYS[4], ARGV[2]) or '0')
if held_by_user >= tonumber(meta[5]) then return own_live_hold() or {'LIMIT_REACHED'} end

local active_holds = redis.call('ZCOUNT', KEYS[2], '(' .. (now - grace), '+inf')
if tonumber(meta[1]) - tonumber(meta[2]) - active_holds <= 0 then return {'SOLD_OUT'} end

local deadline = now + tonumber(meta[6])
redis.call('ZADD', KEYS[2], deadline, ARGV[3])
redis.call('HSET', KEYS[3], ARGV[3], ARGV[2])
redis.call('HINCRBY', KEYS[4], ARGV[2], 1)
redis.call('HSET', KEYS[5], ARGV[4], ARGV[3] .. ':' .. deadline)
if session ~= '' then redis.call('HSET', KEYS[5], 'h:' .. ARGV[2] .. ':' .. session, ARGV[3] .. ':' .. deadline) end
redis.call('HINCRBY', KEYS[8], 'w' .. second, 1)
if meta[9] == '1' then redis.call('ZREM', KEYS[9], ARGV[2]) end
return {'WON', ARGV[3], tostring(deadline)}
`;

/**
 * An unpaid hold ends (compensation after a failed MySQL write, expiry, cancel): its unit and the user's slot come
 * back. ZREM makes it idempotent. ARGV: 1 orderId 2 idempotency field ('' = keep)
 */
export const RELEASE_HOLD_LUA = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if ARGV[2] ~= '' then redis.call('HDEL', KEYS[5], ARGV[2]) end
if redis.call('ZREM', KEYS[2], ARGV[1]) == 0 then return 0 end
local user_id = redis.call('HGET', KEYS[3], ARGV[1])
if user_id then
  redis.call('HDEL', KEYS[3], ARGV[1])
  if redis.call('HINCRBY', KEYS[4], user_id, -1) <= 0 then redis.call('HDEL', KEYS[4], user_id) end
end
return 1
`;

/**
 * A hold was paid (MySQL already committed it): the unit moves from held to sold, once per order. If the hold had
 * already been cleaned up as overdue, the unit and the user's slot are taken again so Redis matches MySQL.
 * ARGV: 1 orderId 2 userId
 */
export const MARK_HOLD_PAID_LUA = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if redis.call('SADD', KEYS[6], ARGV[1]) == 0 then return 0 end
redis.call('HINCRBY', KEYS[1], 'sold', 1)
if redis.call('ZREM', KEYS[2], ARGV[1]) == 1 then
  redis.call('HDEL', KEYS[3], ARGV[1])
else
  redis.call('HINCRBY', KEYS[4], ARGV[2], 1)
end
return 1
`;

/**
 * A sale order ended without keeping its unit (expired, cancelled, returned). If it had been paid, the sold unit
 * comes back once (guarded by `r:<id>` in settled); otherwise its hold is released (guarded by ZREM).
 * ARGV: 1 orderId 2 userId
 */
export const RELEASE_SALE_ORDER_LUA = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if redis.call('SISMEMBER', KEYS[6], ARGV[1]) == 1 then
  if redis.call('SADD', KEYS[6], 'r:' .. ARGV[1]) == 0 then return 0 end
  redis.call('HINCRBY', KEYS[1], 'sold', -1)
  if redis.call('HINCRBY', KEYS[4], ARGV[2], -1) <= 0 then redis.call('HDEL', KEYS[4], ARGV[2]) end
  return 2
end
if redis.call('ZREM', KEYS[2], ARGV[1]) == 0 then return 0 end
redis.call('HDEL', KEYS[3], ARGV[1])
if redis.call('HINCRBY', KEYS[4], ARGV[2], -1) <= 0 then redis.call('HDEL', KEYS[4], ARGV[2]) end
return 1
`;

/**
 * Loads a sale's state computed from MySQL, but only if its keys are absent (another instance may have won the
 * race). ARGV: 1 meta JSON, 2 holds JSON [[orderId, userId, deadline]…], 3 user counts JSON {userId: n},
 * 4 settled JSON [member…], 5 ttl seconds
 */
export const LOAD_SALE_STATE_LUA = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('DEL', KEYS[2], KEYS[3], KEYS[4], KEYS[6])
local meta = cjson.decode(ARGV[1])
for field, value in pairs(meta) do redis.call('HSET', KEYS[1], field, tostring(value)) end
for _, hold in ipairs(cjson.decode(ARGV[2])) do
  redis.call('ZADD', KEYS[2], hold[3], hold[1])
  redis.call('HSET', KEYS[3], hold[1], hold[2])
end
for user_id, count in pairs(cjson.decode(ARGV[3])) do redis.call('HSET', KEYS[4], user_id, count) end
for _, member in ipairs(cjson.decode(ARGV[4])) do redis.call('SADD', KEYS[6], member) end
local ttl = tonumber(ARGV[5])
for i = 1, 6 do if redis.call('EXISTS', KEYS[i]) == 1 then redis.call('EXPIRE', KEYS[i], ttl) end end
return 1
`;

/**
 * Read-only snapshot for the sale page and dashboard. ARGV: 1 now 2 grace.
 * Returns {quantity, sold, activeHolds, paused, closed, earliestHoldDeadline}. The last is the payment deadline (ms) of
 * the first active hold to run out, read only when every unit is sold or held (one O(log n) ZRANGE … LIMIT 0 1 on the
 * holds set, ordered by deadline), else '0': it tells a buyer when a unit may come back.
 */
export const READ_SALE_STATUS_LUA = `
local meta = redis.call('HMGET', KEYS[1], 'quantity', 'sold', 'paused', 'closed')
if not meta[1] then return {'MISSING'} end
local min_score = '(' .. (tonumber(ARGV[1]) - tonumber(ARGV[2]))
local active = redis.call('ZCOUNT', KEYS[2], min_score, '+inf')
local earliest = '0'
if active > 0 and tonumber(meta[1]) - tonumber(meta[2]) - active <= 0 then
  local first = redis.call('ZRANGE', KEYS[2], min_score, '+inf', 'BYSCORE', 'LIMIT', 0, 1, 'WITHSCORES')
  if first[2] then earliest = first[2] end
end
return {meta[1], meta[2], tostring(active), meta[3] or '0', meta[4] or '0', earliest}
`;

type ScriptRunner = { exec(keys: string[], args: string[]): Promise<unknown> };
const scriptCache = new WeakMap<object, Map<string, ScriptRunner>>();

/**
 * EVALSHA with a one-time EVAL fallback (NOSCRIPT after a Redis restart), the script object cached per client.
 * Replies are strings and integers, read without JSON guessing (withRawReplies); callers coerce with String/Number.
 */
export function runSaleScript(client: Redis, source: string, keys: string[], args: string[]) {
  const redis = withRawReplies(client);
  let scripts = scriptCache.get(redis);
  if (!scripts) {
    scripts = new Map();
    scriptCache.set(redis, scripts);
  }
  let script = scripts.get(source);
  if (!script) {
    script = redis.createScript(source);
    scripts.set(source, script);
  }
  return script.exec(keys, args) as Promise<unknown[] | number>;
}

/**
 * Applies reconciliation fixes computed from MySQL, atomically. ARGV: 1 sold delta, 2 holds to add JSON
 * [[orderId, userId, deadline]…], 3 hold order ids to remove JSON, 4 user counts to set JSON {userId: n}.
 */
export const APPLY_SALE_FIXES_LUA = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local delta = tonumber(ARGV[1])
if delta ~= 0 then redis.call('HINCRBY', KEYS[1], 'sold', delta) end
for _, hold in ipairs(cjson.decode(ARGV[2])) do
  redis.call('ZADD', KEYS[2], hold[3], hold[1])
  redis.call('HSET', KEYS[3], hold[1], hold[2])
end
for _, order_id in ipairs(cjson.decode(ARGV[3])) do
  redis.call('ZREM', KEYS[2], order_id)
  redis.call('HDEL', KEYS[3], order_id)
end
for user_id, count in pairs(cjson.decode(ARGV[4])) do
  if tonumber(count) <= 0 then redis.call('HDEL', KEYS[4], user_id) else redis.call('HSET', KEYS[4], user_id, count) end
end
return 1
`;
