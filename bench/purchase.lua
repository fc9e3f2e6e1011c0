-- POST /api/subscriptions, each request a new purchase: the next product of this thread's share
-- of BENCH_PRODUCTS_FILE (one product per purchase: a user has one subscription per product),
-- a fresh Idempotency-Key, the benchmark consumer's token (BENCH_TOKEN).
local products = {}
local thread_count = 0
local threads = {}

function setup(thread)
  thread:set("index", thread_count)
  thread_count = thread_count + 1
  table.insert(threads, thread)
end

function init(args)
  -- thread:set() in setup() made "index" a global of this thread's state.
  local index = tonumber(index)
  local count = tonumber(os.getenv("BENCH_THREADS") or "2")
  local n = 0
  for line in io.lines(os.getenv("BENCH_PRODUCTS_FILE")) do
    if n % count == index then
      local product, plan = line:match("([^,]+),([^,]+)")
      table.insert(products, { product = product, plan = plan })
    end
    n = n + 1
  end
  next_product = 1
  prefix = index .. "-" .. os.time() .. "-"
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
end

function request()
  local p = products[next_product]
  if p == nil then
    error("out of products: raise BENCH_PURCHASES")
  end
  next_product = next_product + 1
  wrk.headers["Idempotency-Key"] = prefix .. next_product
  return wrk.format(nil, nil, nil,
      '{"productId":"' .. p.product .. '","planId":"' .. p.plan .. '","paymentMethod":{"token":"tok_ok"}}')
end
