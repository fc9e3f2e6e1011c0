# Shared by the bench scripts (source it). Needs ROOT, CONNECTIONS and DURATION.

# Rows with errors are remembered here (a file: rows often run in a subshell of a pipeline),
# and bench_verdict fails the script on any.
BENCH_FAILURES=/tmp/bench-failures.$$ # $$ is the script itself, in subshells too

# proc_ticks PID: user+system CPU of one process in clock ticks (0 when it is gone).
proc_ticks() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
  set -- ${stat##*") "} # the fields after "(comm)", which may contain spaces
  echo $((${12} + ${13}))
}

# BENCH_PIDS="name=pid ...": the processes whose CPU µs per request every wrk_row reports.
BENCH_PIDS=${BENCH_PIDS:-}

# wrk_row NAME URL LUA-SCRIPT WARMUP-SECONDS: a warm-up run, then one measured run printed as
# one row (report.lua's RESULT line, then cpu_us_per_req for each of BENCH_PIDS). A non-2xx
# response (>= 400; wrk does not count 3xx) or a socket error in the measured run marks the row
# failed; a response slower than WRK_TIMEOUT (wrk's 2 s) is a socket error.
wrk_row() {
  local script line entry requests cpu="" before=()
  script=$(mktemp --suffix=.lua)
  cat "$ROOT/bench/$3" "$ROOT/bench/report.lua" >"$script"
  wrk -t2 -c"$CONNECTIONS" -d"$4s" -s "$script" "$2" >/dev/null 2>&1
  for entry in $BENCH_PIDS; do before+=("$(proc_ticks "${entry#*=}")"); done
  line=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --timeout "${WRK_TIMEOUT:-2s}" -s "$script" "$2" |
    grep '^RESULT' || echo "RESULT wrk failed")
  requests=$(sed -nE 's/.* requests=([0-9]+).*/\1/p' <<<"$line")
  local i=0
  for entry in $BENCH_PIDS; do
    cpu+=" ${entry%%=*}=$(awk -v d=$(($(proc_ticks "${entry#*=}") - before[i])) -v hz="$(getconf CLK_TCK)" \
      -v n="${requests:-0}" 'BEGIN { if (n > 0) printf "%.0f", d * 1e6 / hz / n; else printf "n/a" }')"
    i=$((i + 1))
  done
  rm -f "$script"
  printf '%-44s %s%s\n' "$1" "${line#RESULT }" "${cpu:+ | cpu_us_per_req$cpu}"
  [[ "$line" == *"non2xx_or_errors=0" ]] || echo "$1: ${line#RESULT }" >>"$BENCH_FAILURES"
}

# await_ready PORT [PID]: waits (3 min: several JVMs may start at once) until the service on PORT is ready; exits the bench
# early, naming its log directory, if it does not get there or its process PID exits.
await_ready() {
  for _ in $(seq 1 360); do
    curl -fsS "http://127.0.0.1:$1/actuator/health/readiness" >/dev/null 2>&1 && return
    [ -z "${2:-}" ] || kill -0 "$2" 2>/dev/null || { echo "the process for port $1 exited; see ${LOGS:-.moa/logs}"; exit 1; }
    sleep 0.5
  done
  echo "port $1 did not become ready; see ${LOGS:-.moa/logs}"; exit 1
}

# seed_catalog DB PRODUCTS: lookup's read model as product events would leave it: 90 %
# published, 8 categories, Korean and English titles, prices and view counts spread out.
seed_catalog() {
  psql -q -d "$1" <<SQL
INSERT INTO catalog_products (id, seller_id, seller_name, title, description, category, image_url, min_price,
    currency, plans, terms, terms_version, status, version, published_at, updated_at, view_count)
SELECT gen_random_uuid(), gen_random_uuid(), '셀러 ' || (i % 500),
       (ARRAY['주간 밀키트','스트리밍 프리미엄','뷰티 박스','월간 도서','요가 클래스','펫 간식','cloud backup','coffee club'])[1 + i % 8] || ' ' || i,
       'Subscription product number ' || i || ' 매달 배송되는 구독 상품',
       (ARRAY['MEAL_KIT','STREAMING','BEAUTY','BOOKS','FITNESS','PET','SOFTWARE','LIFESTYLE'])[1 + i % 8],
       'https://img.example.com/' || i || '.png', 1000 + (i * 37) % 90000, 'KRW',
       '[{"id":"00000000-0000-0000-0000-000000000001","name":"Monthly","billingPeriod":"MONTHLY","price":9900,"currency":"KRW"}]',
       'terms', 1, CASE WHEN i % 10 = 0 THEN 'DRAFT' ELSE 'PUBLISHED' END, 1,
       now() - (i || ' minutes')::interval, now(), (i * 7919) % 5000
FROM generate_series(1, $2) AS i;
ANALYZE catalog_products;
SQL
}

# bench_verdict: the last line of a bench script; exits 1 (in red) if any row failed.
bench_verdict() {
  if [ -s "$BENCH_FAILURES" ]; then
    printf '\033[1;31mFAILED: rows with non-2xx responses or socket errors:\033[0m\n'
    cat "$BENCH_FAILURES"
    rm -f "$BENCH_FAILURES"
    exit 1
  fi
  rm -f "$BENCH_FAILURES"
  printf '\033[32mOK: every row 2xx only, no socket errors\033[0m\n'
}

# fresh_vhost NAME: an empty RabbitMQ vhost the guest account may use (a leftover is replaced).
fresh_vhost() {
  curl -fsS -u guest:guest -XDELETE "http://127.0.0.1:15672/api/vhosts/$1" >/dev/null 2>&1 || true
  curl -fsS -u guest:guest -XPUT "http://127.0.0.1:15672/api/vhosts/$1" >/dev/null
  curl -fsS -u guest:guest -XPUT "http://127.0.0.1:15672/api/permissions/$1/guest" \
    -H 'Content-Type: application/json' -d '{"configure":".*","write":".*","read":".*"}' >/dev/null
}

drop_vhost() { curl -fsS -u guest:guest -XDELETE "http://127.0.0.1:15672/api/vhosts/$1" >/dev/null 2>&1 || true; }

# lease_redis_db: sets REDIS_DB to an empty Redis DB leased the way platform/testing leases
# them, so a test run never shares it; release_redis_db empties and returns it.
lease_redis_db() {
  REDIS_DB=""
  for db in $(seq 15 -1 1); do
    if [ "$(redis-cli -n 0 SET "moa:test-lease:$db" bench NX EX 7200)" = "OK" ]; then REDIS_DB=$db; break; fi
  done
  [ -n "$REDIS_DB" ] || { echo "no free Redis DB (1-15 leased)"; exit 1; }
  redis-cli -n "$REDIS_DB" FLUSHDB >/dev/null
}

release_redis_db() {
  [ -n "${REDIS_DB:-}" ] || return 0
  redis-cli -n "$REDIS_DB" FLUSHDB >/dev/null || true
  redis-cli -n 0 DEL "moa:test-lease:$REDIS_DB" >/dev/null || true
}
