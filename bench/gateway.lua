-- bench/gateway-bench.sh: one GET per request, every response counted by status, and one
-- machine-readable RESULT line per run. Unlike report.lua it keeps non-2xx responses (any
-- status outside 200-299, 3xx included; wrk itself only counts >= 400) apart from socket
-- errors, and names the statuses seen.
-- Environment:
--   BENCH_COOKIE    Cookie header sent with every request (e.g. a fixed moa_vid viewer)
--   BENCH_DELAY_MS  paced load: each connection waits on average this many ms before each
--                   request (uniform in [0.5, 1.5] x, so connections do not fire in lockstep);
--                   unset or 0 = closed loop at full speed
local cookie = os.getenv("BENCH_COOKIE")
if cookie and cookie ~= "" then
  wrk.headers["Cookie"] = cookie
end

local pause = tonumber(os.getenv("BENCH_DELAY_MS") or "") or 0
if pause > 0 then
  function delay()
    return pause * (0.5 + math.random())
  end
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_number", #threads)
end

function init(args)
  math.randomseed(os.time() * 100 + (thread_number or 0))
  statuses = {}
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local all = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses") or {}) do
      all[status] = (all[status] or 0) + count
    end
  end
  local codes, non2xx = {}, 0
  for status in pairs(all) do
    table.insert(codes, status)
    if status < 200 or status > 299 then
      non2xx = non2xx + all[status]
    end
  end
  table.sort(codes)
  local seen = {}
  for _, status in ipairs(codes) do
    table.insert(seen, status .. ":" .. all[status])
  end
  local e = summary.errors
  io.write(string.format(
      "RESULT rps=%.1f p50_ms=%.2f p99_ms=%.2f requests=%d non2xx=%d socket_errors=%d"
      .. " connect=%d read=%d write=%d timeout=%d statuses=%s\n",
      summary.requests / seconds, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
      summary.requests, non2xx, e.connect + e.read + e.write + e.timeout,
      e.connect, e.read, e.write, e.timeout, #seen > 0 and table.concat(seen, ",") or "none"))
end
