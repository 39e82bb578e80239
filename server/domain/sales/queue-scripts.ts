import { defineSaleScript } from "~/server/domain/sales/sale-script.ts";

/**
 * Waiting-room scripts (named KEYS/ARGV, see sale-script.ts; keys from saleKeys, one hash slot).
 * Queue scores: people who join before the open time get their arrival number (1, 2, 3 …); later arrivals get
 * LATE_OFFSET + arrival number, so a shuffle/raffle draw at open can renumber the early ones 1..n without touching
 * anyone who came later. Position = rank in the sorted set, so positions are unique and gap-free by construction.
 */
export const LATE_ARRIVAL_OFFSET = 1e12;

export type JoinQueueReply =
  | { state: "JOINED"; rank: number; seq: number; score: number; isRejoin: boolean }
  | { state: "ALREADY"; rank: number }
  | { state: "NOT_YET"; queueOpensAtMs: number }
  | { state: "RATE_LIMITED"; retryAfterMs: number }
  | { state: "CLOSED" | "SOLD_OUT" | "RAFFLE_CLOSED" | "OFF" | "MISSING" };

function joinQueueReply(raw: unknown): JoinQueueReply {
  const reply = raw as unknown[];
  const state = String(reply[0]);
  switch (state) {
    case "JOINED":
      return { state, rank: Number(reply[1]), seq: Number(reply[2]), score: Number(reply[3]), isRejoin: reply[4] === "1" };
    case "ALREADY":
      return { state, rank: Number(reply[1]) };
    case "NOT_YET":
      return { state, queueOpensAtMs: Number(reply[1]) };
    case "RATE_LIMITED":
      return { state, retryAfterMs: Number(reply[1]) };
    case "CLOSED":
    case "SOLD_OUT":
    case "RAFFLE_CLOSED":
    case "OFF":
    case "MISSING":
      return { state };
    default:
      throw new Error(`Unexpected join reply ${state}`);
  }
}

/**
 * Takes (or returns) a person's place, rate limit included, in one round trip: every attempt on a loaded sale counts
 * against `userLimit` per window (the rate-limit table's queueJoinUser) in the window's hash (`rateWindow`), as the
 * reservation script counts its own. `rejoin` '1' sends an admitted person whose pass lapsed to the back.
 * JOINED also carries the arrival number and score it gave (and whether it moved an existing place), which
 * joinQueue logs in MySQL before it answers (queue-log.ts).
 * Replies JOINED rank seq score rejoined | ALREADY rank | NOT_YET queueOpensAt | CLOSED | SOLD_OUT | RAFFLE_CLOSED | OFF |
 * RATE_LIMITED retryAfterMs | MISSING
 */
export const joinQueueScript = defineSaleScript({
  name: "join-queue",
  keys: ["meta", "queue", "queueMeta", "rateWindow"],
  args: ["nowMs", "userId", "rejoin", "userLimit", "windowMs"],
  reply: joinQueueReply,
  lua: `
local meta = redis.call('HMGET', KEY_meta, 'quantity', 'sold', 'opensAt', 'closesAt', 'closed', 'waitingRoom', 'fairness', 'queueOpensAt')
if not meta[1] then return {'MISSING'} end
local now = tonumber(ARG_nowMs)
local window = tonumber(ARG_windowMs)
if redis.call('HINCRBY', KEY_rateWindow, 'j:' .. ARG_userId, 1) > tonumber(ARG_userLimit) then return {'RATE_LIMITED', tostring(window - (now % window))} end
redis.call('PEXPIRE', KEY_rateWindow, window * 2)
if meta[6] ~= '1' then return {'OFF'} end
local existing = redis.call('ZRANK', KEY_queue, ARG_userId)
if existing and ARG_rejoin ~= '1' then return {'ALREADY', tostring(existing)} end
if meta[5] == '1' or (tonumber(meta[4]) > 0 and now >= tonumber(meta[4])) then return {'CLOSED'} end
if now < tonumber(meta[8]) then return {'NOT_YET', meta[8]} end
if tonumber(meta[1]) - tonumber(meta[2]) <= 0 then return {'SOLD_OUT'} end
local opens_at = tonumber(meta[3])
if meta[7] == 'RAFFLE' and now >= opens_at then return {'RAFFLE_CLOSED'} end
local seq = redis.call('HINCRBY', KEY_queueMeta, 'seq', 1)
local score = seq
if now >= opens_at then score = ${LATE_ARRIVAL_OFFSET} + seq end
redis.call('ZADD', KEY_queue, score, ARG_userId)
local rejoined = '0'
if existing then rejoined = '1' end
return {'JOINED', tostring(redis.call('ZRANK', KEY_queue, ARG_userId)), tostring(seq), tostring(score), rejoined}
`,
});

export type QueueStatusReply = {
  state: "WAITING" | "ADMITTED" | "PASS_LAPSED" | "NOT_IN_QUEUE" | "SOLD_OUT" | "NEEDS_DRAW" | "OFF" | "MISSING";
  rank: number;
  threshold: number;
  queueLength: number;
  available: number;
  held: number;
  passExpiresAtMs: number;
  admittedTotal: number;
  /** The people this call admitted (empty unless it advanced the threshold) and their passes' expiry, to be logged. */
  admittedNow: { userIds: string[]; passExpiresAtMs: number };
};

/**
 * Advances admission, then reports one person's place (`userId` '' = no person; `passTtlMs` is how long an admission
 * pass lasts; `timeline` is the current minute's hash, where admissions per second are counted).
 * Admission: RATE admits ratePerMinute people per minute since the open time; AUTO keeps the people admitted but
 * not yet holding a unit within (units still buyable × overbooking%) − held. Nobody is admitted before the open time
 * or before a shuffle/raffle draw has run. Once no unit can come back (all sold, none held) the line closes.
 * Returns {state, rank, threshold, queueLength, available, held, passExpiresAt, admittedTotal, newcomersPassExpiresAt,
 * …newcomers}: the people admitted by this very call, so the caller can log the admission in MySQL (queue-log.ts).
 * state: WAITING | ADMITTED | PASS_LAPSED | NOT_IN_QUEUE | SOLD_OUT | NEEDS_DRAW | OFF | MISSING
 */
export const queueStatusScript = defineSaleScript({
  name: "queue-status",
  keys: ["meta", "holds", "queue", "queueMeta", "admitted", "timeline"],
  args: ["nowMs", "userId", "passTtlMs", "graceMs"],
  // OFF and MISSING carry no figures (NaN here); getQueueStatus reads none of them for those states.
  reply: (raw): QueueStatusReply => {
    const reply = raw as unknown[];
    return {
      state: String(reply[0]) as QueueStatusReply["state"],
      rank: Number(reply[1]),
      threshold: Number(reply[2]),
      queueLength: Number(reply[3]),
      available: Number(reply[4]),
      held: Number(reply[5]),
      passExpiresAtMs: Number(reply[6]),
      admittedTotal: Number(reply[7]),
      admittedNow: { passExpiresAtMs: Number(reply[8] ?? 0), userIds: reply.slice(9).map(String) },
    };
  },
  lua: `
local meta = redis.call('HMGET', KEY_meta, 'quantity', 'sold', 'opensAt', 'waitingRoom', 'fairness', 'admissionMode', 'admissionRatePerMinute', 'overbookingPercent')
if not meta[1] then return {'MISSING'} end
if meta[4] ~= '1' then return {'OFF'} end
local now = tonumber(ARG_nowMs)
local grace = tonumber(ARG_graceMs)
local quantity = tonumber(meta[1])
local sold = tonumber(meta[2])
local opens_at = tonumber(meta[3])

redis.call('ZREMRANGEBYSCORE', KEY_admitted, '-inf', now)
local held = redis.call('ZCOUNT', KEY_holds, '(' .. (now - grace), '+inf')
local queue_length = redis.call('ZCARD', KEY_queue)
local threshold = tonumber(redis.call('HGET', KEY_queueMeta, 'threshold') or '0')
local buyable = quantity - sold
local available = buyable - held
if available < 0 then available = 0 end
local drawn = redis.call('HGET', KEY_queueMeta, 'drawn') == '1'
local newcomers = {}
local newcomers_expire_at = 0

if now >= opens_at and meta[5] ~= 'FIFO' and not drawn then
  return {'NEEDS_DRAW', '0', tostring(threshold), tostring(queue_length), tostring(available), tostring(held), '0', '0'}
end

if now >= opens_at and buyable > 0 and threshold < queue_length then
  local target = threshold
  if meta[6] == 'RATE' then
    target = math.floor((now - opens_at) * tonumber(meta[7]) / 60000) + 1
  else
    local pending = redis.call('ZCARD', KEY_admitted)
    local budget = math.floor(buyable * tonumber(meta[8]) / 100) - held - pending
    if budget > 0 then target = threshold + budget end
  end
  if target > queue_length then target = queue_length end
  if target > threshold then
    newcomers = redis.call('ZRANGE', KEY_queue, threshold, target - 1)
    local expires_at = now + tonumber(ARG_passTtlMs)
    newcomers_expire_at = expires_at
    for _, member in ipairs(newcomers) do redis.call('ZADD', KEY_admitted, expires_at, member) end
    redis.call('HSET', KEY_queueMeta, 'threshold', target)
    redis.call('HINCRBY', KEY_queueMeta, 'admitted', #newcomers)
    local second = tostring(math.floor(now / 1000) % 60)
    if redis.call('HINCRBY', KEY_timeline, 'd' .. second, #newcomers) == #newcomers then redis.call('PEXPIRE', KEY_timeline, 7200000) end
    threshold = target
  end
end

local admitted_total = redis.call('HGET', KEY_queueMeta, 'admitted') or '0'
local function reply(state, rank, pass_expires)
  local answer = {state, tostring(rank), tostring(threshold), tostring(queue_length), tostring(available), tostring(held), tostring(pass_expires), admitted_total, tostring(newcomers_expire_at)}
  for _, member in ipairs(newcomers) do answer[#answer + 1] = member end
  return answer
end
if buyable <= 0 then return reply('SOLD_OUT', -1, 0) end
if ARG_userId == '' then return reply('WAITING', -1, 0) end
local rank = redis.call('ZRANK', KEY_queue, ARG_userId)
if not rank then return reply('NOT_IN_QUEUE', -1, 0) end
if rank < threshold then
  local pass_expires = redis.call('ZSCORE', KEY_admitted, ARG_userId)
  if pass_expires then return reply('ADMITTED', rank, pass_expires) end
  return reply('PASS_LAPSED', rank, 0)
end
return reply('WAITING', rank, 0)
`,
});

/**
 * Takes back a place joinQueue could not log in MySQL, but only if it is still the one that join gave (same score):
 * a place nobody was told about must not survive, and a later, logged place of the same person must. Replies 1 | 0.
 */
export const forgetQueuePlaceScript = defineSaleScript({
  name: "forget-queue-place",
  keys: ["queue"],
  args: ["userId", "score"],
  reply: (raw) => Number(raw),
  lua: `
local score = redis.call('ZSCORE', KEY_queue, ARG_userId)
if score and tonumber(score) == tonumber(ARG_score) then return redis.call('ZREM', KEY_queue, ARG_userId) end
return 0
`,
});

/** Puts a person back at the place MySQL logged for them and replies with its rank (0-based). */
export const restoreQueuePlaceScript = defineSaleScript({
  name: "restore-queue-place",
  keys: ["queue"],
  args: ["userId", "score"],
  reply: (raw) => Number(raw),
  lua: `
redis.call('ZADD', KEY_queue, ARG_score, ARG_userId)
return redis.call('ZRANK', KEY_queue, ARG_userId)
`,
});

/**
 * One chunk of a rebuild from the MySQL log (queue-log.ts). `entries` [[userId, score], …] are added only where the
 * person has no place (NX), so a live place is never disturbed, unless `overwrite` is '1' (the draw's order, which is
 * recomputed from the sale's seed and so equals any live one). `passes` [[userId, expiresAtMs], …] go back into
 * `admitted` (NX). seq, threshold and admitted are only ever raised; `drawn` '1' marks the draw done.
 * Replies with the number of places added.
 */
export const restoreQueueScript = defineSaleScript({
  name: "restore-queue",
  keys: ["queue", "queueMeta", "admitted"],
  args: ["entries", "overwrite", "passes", "seq", "threshold", "admitted", "drawn"],
  reply: (raw) => Number(raw),
  lua: `
local added = 0
for _, entry in ipairs(cjson.decode(ARG_entries)) do
  if ARG_overwrite == '1' then
    added = added + redis.call('ZADD', KEY_queue, entry[2], entry[1])
  else
    added = added + redis.call('ZADD', KEY_queue, 'NX', entry[2], entry[1])
  end
end
for _, pass in ipairs(cjson.decode(ARG_passes)) do redis.call('ZADD', KEY_admitted, 'NX', pass[2], pass[1]) end
for field, value in pairs({seq = ARG_seq, threshold = ARG_threshold, admitted = ARG_admitted}) do
  if tonumber(redis.call('HGET', KEY_queueMeta, field) or '0') < tonumber(value) then redis.call('HSET', KEY_queueMeta, field, value) end
end
if ARG_drawn == '1' then redis.call('HSET', KEY_queueMeta, 'drawn', '1') end
return added
`,
});
