-- wrk script for the sale benchmark: replays pre-minted requests (one per line in a file), stops after a quota of
-- responses, classifies every answer, and prints one JSON line from done().
-- args: <requests file> <quota> <path> [method] [count: "outcomes" (default) | "all"]
-- Each line is sent once: after the last one, connections send a cheap filler (system.time) until the quota of
-- counted answers arrives, so a repeated idempotency key can never be counted as a second win.
-- A line is a POST body, or for GET the query string; "cookie<TAB>rest" adds a Cookie header for that request.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_index", #threads)
end

function init(args)
  bodies = {}
  for line in io.lines(args[1]) do bodies[#bodies + 1] = line end
  quota = tonumber(args[2])
  path = args[3]
  method = args[4] or "POST"
  count_all = args[5] == "all"
  next_index = 0
  -- wrk calls the first thread's request() once before connecting, only to inspect what it returns
  -- (script_verify_request); that call must not use up a line, or its answer never comes and the quota is missed.
  is_verify_call_pending = thread_index == 1
  completed, won, sold_out, limited, other_outcome, rate_limited, errors, fillers = 0, 0, 0, 0, 0, 0, 0, 0
  io.write("START\n")
  io.flush()
end

local function filler()
  return wrk.format("GET", "/api/trpc/system.time", {})
end

function request()
  if is_verify_call_pending then
    is_verify_call_pending = false
    return filler()
  end
  if next_index >= #bodies and not count_all then
    fillers = fillers + 1
    return filler()
  end
  next_index = next_index % #bodies + 1
  local line = bodies[next_index]
  local headers = { ["content-type"] = "application/json" }
  local tab = string.find(line, "\t", 1, true)
  if tab then
    headers["cookie"] = string.sub(line, 1, tab - 1)
    line = string.sub(line, tab + 1)
  end
  if method == "GET" then return wrk.format("GET", path .. "?" .. line, headers) end
  return wrk.format("POST", path, headers, line)
end

function response(status, headers, body)
  if completed >= quota then return end
  if status == 200 and not count_all and not string.find(body, '"outcome"', 1, true) and not string.find(body, '"state"', 1, true) then return end
  completed = completed + 1
  if status == 200 then
    if string.find(body, '"outcome":"WON"', 1, true) or string.find(body, '"state":"ADMITTED"', 1, true) then won = won + 1
    elseif string.find(body, '"outcome":"SOLD_OUT"', 1, true) then sold_out = sold_out + 1
    elseif string.find(body, '"outcome":"LIMIT_REACHED"', 1, true) then limited = limited + 1
    else other_outcome = other_outcome + 1 end
  elseif status == 429 then
    rate_limited = rate_limited + 1
  else
    errors = errors + 1
    if errors == 1 then first_error = status .. " " .. string.sub(body, 1, 300) end
  end
  if completed == quota then
    io.write("DONE\n")
    io.flush()
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  for _, thread in ipairs(threads) do
    local sample = thread:get("first_error")
    if sample then io.write("FIRST_ERROR " .. sample .. "\n") end
  end
  local totals = { completed = 0, won = 0, sold_out = 0, limited = 0, other_outcome = 0, rate_limited = 0, errors = 0, fillers = 0 }
  for _, thread in ipairs(threads) do
    for name, _ in pairs(totals) do totals[name] = totals[name] + (thread:get(name) or 0) end
  end
  io.write(string.format(
    'RESULT {"completed":%d,"won":%d,"soldOut":%d,"limited":%d,"otherOutcome":%d,"rateLimited":%d,"errors":%d,"socketErrors":%d,"fillers":%d,"wrkDurationS":%.3f,"p50Ms":%.3f,"p95Ms":%.3f,"p99Ms":%.3f,"meanMs":%.3f}\n',
    totals.completed, totals.won, totals.sold_out, totals.limited, totals.other_outcome, totals.rate_limited, totals.errors,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, totals.fillers, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.mean / 1000))
end
