-- POST /api/auth/login: one of the BENCH_LOGIN_USERS accounts auth-bench.sh signed up
-- (<BENCH_LOGIN_PREFIX><n>@example.com, password bench-password), from a random client address
-- (X-Forwarded-For, which auth-service reads for its per-IP throttle).
local prefix = os.getenv("BENCH_LOGIN_PREFIX")
local users = tonumber(os.getenv("BENCH_LOGIN_USERS"))
local headers = { ["Content-Type"] = "application/json" }

function init(args)
  math.randomseed(os.time() * 1000 + math.floor(os.clock() * 1e6))
end

function request()
  headers["X-Forwarded-For"] = string.format("10.%d.%d.%d", math.random(0, 255), math.random(0, 255),
      math.random(1, 254))
  local body = string.format('{"email":"%s%d@example.com","password":"bench-password"}', prefix,
      math.random(1, users))
  return wrk.format("POST", nil, headers, body)
end
