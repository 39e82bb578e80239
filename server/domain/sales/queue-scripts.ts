/**
 * Waiting-room scripts. KEYS (one hash slot): 1 meta, 2 holds, 3 queue, 4 queue meta, 5 admitted, 6 timeline minute.
 * Queue scores: people who join before the open time get their arrival number (1, 2, 3 …); later arrivals get
 * LATE_OFFSET + arrival number, so a shuffle/raffle draw at open can renumber the early ones 1..n without touching
 * anyone who came later. Position = rank in the sorted set, so positions are unique and gap-free by construction.
 */
export const LATE_ARRIVAL_OFFSET = 1e12;

/**
 * ARGV: 1 now 2 userId 3 rejoin ('1' = an admitted person whose pass lapsed goes to the back)
 * Returns {state, rank}: JOINED | ALREADY | NOT_YET queueOpensAt | CLOSED | SOLD_OUT | RAFFLE_CLOSED | OFF | MISSING
 */
export const JOIN_QUEUE_LUA = `
local meta = redis.call('HMGET', KEYS[1], 'quantity', 'sold', 'opensAt', 'closesAt', 'closed', 'waitingRoom', 'fairness', 'queueOpensAt')
if not meta[1] then return {'MISSING'} end
if meta[6] ~= '1' then return {'OFF'} end
local now = tonumber(ARGV[1])
local existing = redis.call('ZRANK', KEYS[3], ARGV[2])
if existing and ARGV[3] ~= '1' then return {'ALREADY', tostring(existing)} end
if meta[5] == '1' or (tonumber(meta[4]) > 0 and now >= tonumber(meta[4])) then return {'CLOSED'} end
if now < tonumber(meta[8]) then return {'NOT_YET', meta[8]} end
if tonumber(meta[1]) - tonumber(meta[2]) <= 0 then return {'SOLD_OUT'} end
local opens_at = tonumber(meta[3])
if meta[7] == 'RAFFLE' and now >= opens_at then return {'RAFFLE_CLOSED'} end
local seq = redis.call('HINCRBY', KEYS[4], 'seq', 1)
local score = seq
if now >= opens_at then score = ${LATE_ARRIVAL_OFFSET} + seq end
redis.call('ZADD', KEYS[3], score, ARGV[2])
return {'JOINED', tostring(redis.call('ZRANK', KEYS[3], ARGV[2]))}
`;

/**
 * Advances admission, then reports one person's place. ARGV: 1 now 2 userId ('' = no person) 3 pass ttl (ms)
 * 4 hold grace (ms).
 * Admission: RATE admits ratePerMinute people per minute since the open time; AUTO keeps the people admitted but
 * not yet holding a unit within (units still buyable × overbooking%) − held. Nobody is admitted before the open time
 * or before a shuffle/raffle draw has run. Once no unit can come back (all sold, none held) the line closes.
 * Returns {state, rank, threshold, queueLength, available, held, passExpiresAt, admittedTotal}
 * state: WAITING | ADMITTED | PASS_LAPSED | NOT_IN_QUEUE | SOLD_OUT | NEEDS_DRAW | OFF | MISSING
 */
export const QUEUE_STATUS_LUA = `
local meta = redis.call('HMGET', KEYS[1], 'quantity', 'sold', 'opensAt', 'waitingRoom', 'fairness', 'admissionMode', 'admissionRatePerMinute', 'overbookingPercent')
if not meta[1] then return {'MISSING'} end
if meta[4] ~= '1' then return {'OFF'} end
local now = tonumber(ARGV[1])
local grace = tonumber(ARGV[4])
local quantity = tonumber(meta[1])
local sold = tonumber(meta[2])
local opens_at = tonumber(meta[3])

redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', now)
local held = redis.call('ZCOUNT', KEYS[2], '(' .. (now - grace), '+inf')
local queue_length = redis.call('ZCARD', KEYS[3])
local threshold = tonumber(redis.call('HGET', KEYS[4], 'threshold') or '0')
local buyable = quantity - sold
local available = buyable - held
if available < 0 then available = 0 end
local drawn = redis.call('HGET', KEYS[4], 'drawn') == '1'

if now >= opens_at and meta[5] ~= 'FIFO' and not drawn then
  return {'NEEDS_DRAW', '0', tostring(threshold), tostring(queue_length), tostring(available), tostring(held), '0', '0'}
end

if now >= opens_at and buyable > 0 and threshold < queue_length then
  local target = threshold
  if meta[6] == 'RATE' then
    target = math.floor((now - opens_at) * tonumber(meta[7]) / 60000) + 1
  else
    local pending = redis.call('ZCARD', KEYS[5])
    local budget = math.floor(buyable * tonumber(meta[8]) / 100) - held - pending
    if budget > 0 then target = threshold + budget end
  end
  if target > queue_length then target = queue_length end
  if target > threshold then
    local newcomers = redis.call('ZRANGE', KEYS[3], threshold, target - 1)
    local expires_at = now + tonumber(ARGV[3])
    for _, member in ipairs(newcomers) do redis.call('ZADD', KEYS[5], expires_at, member) end
    redis.call('HSET', KEYS[4], 'threshold', target)
    redis.call('HINCRBY', KEYS[4], 'admitted', #newcomers)
    local second = tostring(math.floor(now / 1000) % 60)
    if redis.call('HINCRBY', KEYS[6], 'd' .. second, #newcomers) == #newcomers then redis.call('PEXPIRE', KEYS[6], 7200000) end
    threshold = target
  end
end

local admitted_total = redis.call('HGET', KEYS[4], 'admitted') or '0'
local function reply(state, rank, pass_expires)
  return {state, tostring(rank), tostring(threshold), tostring(queue_length), tostring(available), tostring(held), tostring(pass_expires), admitted_total}
end
if buyable <= 0 then return reply('SOLD_OUT', -1, 0) end
if ARGV[2] == '' then return reply('WAITING', -1, 0) end
local rank = redis.call('ZRANK', KEYS[3], ARGV[2])
if not rank then return reply('NOT_IN_QUEUE', -1, 0) end
if rank < threshold then
  local pass_expires = redis.call('ZSCORE', KEYS[5], ARGV[2])
  if pass_expires then return reply('ADMITTED', rank, pass_expires) end
  return reply('PASS_LAPSED', rank, 0)
end
return reply('WAITING', rank, 0)
`;
