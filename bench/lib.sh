# Shared by the bench scripts (source it). Needs ROOT, CONNECTIONS and DURATION.

# Rows with errors are remembered here (a file: rows often run in a subshell of a pipeline),
# and bench_verdict fails the script on any.
BENCH_FAILURES=$(mktemp /tmp/bench-failures.XXXXXX)

# wrk_row NAME URL LUA-SCRIPT WARMUP-SECONDS: a warm-up run, then one measured run printed as
# one row (report.lua's RESULT line). A non-2xx response (>= 400; wrk does not count 3xx) or a
# socket error in the measured run marks the row failed.
wrk_row() {
  local script line
  script=$(mktemp --suffix=.lua)
  cat "$ROOT/bench/$3" "$ROOT/bench/report.lua" >"$script"
  wrk -t2 -c"$CONNECTIONS" -d"$4s" -s "$script" "$2" >/dev/null 2>&1
  line=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" -s "$script" "$2" | grep '^RESULT' || echo "RESULT wrk failed")
  rm -f "$script"
  printf '%-44s %s\n' "$1" "${line#RESULT }"
  [[ "$line" == *"non2xx_or_errors=0" ]] || echo "$1: ${line#RESULT }" >>"$BENCH_FAILURES"
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
