#!/usr/bin/env bash
# Gateway and browse-path benchmark (issue 12): the same request, on the same machine, in one run,
# through three paths to one lookup-service:
#   direct   wrk -> lookup-service :18082
#   nginx    wrk -> nginx :18070 (Debian's package; upstream keepalive 64, HTTP/1.1) -> lookup
#   gateway  wrk -> gateway :18080 (rate limits lifted) -> lookup
#   uncached wrk -> a second lookup-service :18092 with its response cache off (P3: cached ÷ uncached
#            = direct ÷ uncached; both share the database and Redis)
# With BENCH_PROTOTYPES=1 also the bare framework, each with the same Spring Security
# resource-server chain and actuator but none of the gateway's own filters (bench/gateway-proto,
# built here; both on Java 25 from BENCH_JAVA25):
#   flux-proto  Spring Cloud Gateway Server WebFlux :18081
#   mvc-proto   Spring Cloud Gateway Server MVC on virtual threads :18083
# Requests: GET /api/products?size=20 (lookup's cached list, ~6 KB) and GET /api/products/{id}
# (a detail). Every request carries one fixed moa_vid cookie: a returning anonymous viewer, so
# the first request counts a view and every later one runs the check-and-skip in Redis (the
# common browse case) and lookup sets no new cookie.
# Each path gets BENCH_WARMUP (60) s of load first (half list, half detail). Then closed-loop
# rows of BENCH_DURATION (30) s, interleaved direct, nginx, gateway per request, BENCH_ROUNDS (2)
# rounds, at 64 and then at 256 connections (wrk -t2; BENCH_CONNECTIONS="64 256"). Per row:
# req/s, p50/p99, non-2xx and socket errors, and CPU µs per request per process from
# /proc/<pid>/stat (lookup, gateway, nginx master+workers, Redis, the bench database's PostgreSQL
# backends, wrk; the second lookup and the prototypes). Then P2: direct, gateway (and nginx) at ~50 % of direct's mean 64-connection req/s,
# paced with wrk's delay() (bench/gateway.lua), p99 of both and their ratio.
# BENCH_PATHS picks and orders the paths (default "direct nginx gateway uncached"; P3 alone:
# "direct uncached"). BENCH_JAVA runs the lookups and the gateway on another JVM (default: java
# on the PATH); production images run JRE 21, where the services' Tomcat uses virtual threads.
# BENCH_PIN=1 gives the proxies a core of their own (not issue 12's condition, which shares both
# cores; the setting the recommendation in RESULTS.md asks to measure): the gateway, nginx and the
# prototypes run on CPU 1; wrk, the lookups, Redis and the lookups' PostgreSQL backends on CPU 0
# (Redis's own mask is put back at the end). Direct rows then have one core, as lookup has behind
# the proxies.
# BENCH_LOOKUP_ARGS: extra arguments for the cached lookup (e.g. --moa.lookup.cache.local-ttl=0);
# BENCH_GATEWAY_JVM: the gateway's JVM flags (default BENCH_JVM's).
# Any non-2xx response or socket error in any row (warm-ups excluded) fails the run (exit 1)
# after all rows are measured. Raw wrk output and the summary: bench/results/gateway-<time>.txt.
# Infrastructure as catalog-bench: a fresh database moa_gateway_bench (role moa_test) seeded
# with BENCH_PRODUCTS (10,000) products, a leased Redis DB, RabbitMQ vhost moa-gateway-bench.
#   BENCH_WARMUP=5 BENCH_DURATION=3 BENCH_ROUNDS=1 BENCH_PRODUCTS=500 bench/gateway-bench.sh  # smoke
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
. bench/lib.sh
DURATION=${BENCH_DURATION:-30}
WARMUP=${BENCH_WARMUP:-60}
ROUNDS=${BENCH_ROUNDS:-2}
PRODUCTS=${BENCH_PRODUCTS:-10000}
CONNECTION_COUNTS=${BENCH_CONNECTIONS:-64 256}
P2_CONNECTIONS=${BENCH_P2_CONNECTIONS:-64}
TIMEOUT=${BENCH_TIMEOUT:-2s} # wrk's default: a response slower than this is a socket error (timeout)
LOOKUP_PORT=18082 GATEWAY_PORT=18080 NGINX_PORT=18070 UNCACHED_PORT=18092 FLUX_PROTO_PORT=18081 MVC_PROTO_PORT=18083
PROTOTYPES=${BENCH_PROTOTYPES:-0}
JAVA25=${BENCH_JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
JAVA=${BENCH_JAVA:-java}
PIN=${BENCH_PIN:-0}
SERVICE_PIN=() PROXY_PIN=() PROXY_WORKERS=$(nproc)
if [ "$PIN" = 1 ]; then
  [ "$(nproc)" -ge 2 ] || { echo "BENCH_PIN=1 needs 2 CPUs"; exit 1; }
  SERVICE_PIN=(taskset -c 0) PROXY_PIN=(taskset -c 1) PROXY_WORKERS=1
  PIN_NOTE=" (PINNED: the proxies on CPU 1; wrk, the lookups, Redis and the PostgreSQL backends on CPU 0)"
fi
DB=moa_gateway_bench VHOST=moa-gateway-bench
VIEWER=5f1d0c4e-7a52-4d0b-9c1e-000000000012 # the fixed anonymous viewer (moa_vid)
OUT="$ROOT/bench/results"
LOGS="$ROOT/.moa/logs"
mkdir -p "$OUT" "$LOGS"
LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)

command -v wrk >/dev/null || { echo "installing wrk"; apt-get install -y -q wrk >/dev/null; }
# RUNLEVEL=1: the package's post-install must not start a system nginx on :80.
command -v nginx >/dev/null || { echo "installing nginx"; RUNLEVEL=1 DEBIAN_FRONTEND=noninteractive apt-get install -y -q nginx >/dev/null; }
./moa infra >/dev/null
[ -f lookup-service/target/lookup-service-0.1.0-SNAPSHOT.jar ] && [ -f gateway/target/gateway-0.1.0-SNAPSHOT.jar ] || ./moa build
if [ "$PROTOTYPES" = 1 ]; then
  [ -x "$JAVA25" ] || { echo "BENCH_PROTOTYPES=1 needs Java 21+ at BENCH_JAVA25 ($JAVA25)"; exit 1; }
  ./mvnw -B -q -f bench/gateway-proto/pom.xml package -DskipTests
fi

export PGHOST=127.0.0.1 PGUSER=moa_test PGPASSWORD=moa_test # development-only test role
for port in $LOOKUP_PORT $GATEWAY_PORT $NGINX_PORT $UNCACHED_PORT $FLUX_PROTO_PORT $MVC_PROTO_PORT; do
  ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "port $port is in use (a previous run?)"; exit 1; }
done

JVM=${BENCH_JVM:--XX:+UseSerialGC -Xss512k -Xmx384m}
GATEWAY_JVM=${BENCH_GATEWAY_JVM:-$JVM}
TMP=$(mktemp -d /tmp/gateway-bench.XXXXXX)
chmod 755 "$TMP" # nginx's workers run as nobody
pids=()
NGINX_PID="" REDIS_DB="" DB_CREATED="" VHOST_CREATED="" REDIS_PID="" REDIS_MASK=""
cleanup() {
  set +e
  [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  for _ in $(seq 1 60); do # JVMs shut down gracefully; the database can be dropped after
    alive=""
    for p in $NGINX_PID "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ -z "$alive" ] && break
    sleep 0.5
  done
  for p in $NGINX_PID "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
  [ -n "$DB_CREATED" ] && dropdb --if-exists --force "$DB" >/dev/null 2>&1
  [ -n "$VHOST_CREATED" ] && drop_vhost "$VHOST"
  release_redis_db
  [ -n "$REDIS_MASK" ] && taskset -p "$REDIS_MASK" "$REDIS_PID" >/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

dropdb --if-exists "$DB" >/dev/null
createdb "$DB"
DB_CREATED=1
fresh_vhost "$VHOST"
VHOST_CREATED=1
lease_redis_db

declare -A PID_OF
start_lookup() { # name port extra-args...
  local name=$1 port=$2; shift 2
  "${SERVICE_PIN[@]}" "$JAVA" $JVM -jar lookup-service/target/lookup-service-0.1.0-SNAPSHOT.jar --server.port="$port" \
    --spring.datasource.url="jdbc:postgresql://127.0.0.1:5432/$DB" --spring.datasource.username=$PGUSER \
    --spring.datasource.password=$PGPASSWORD --spring.datasource.hikari.maximum-pool-size=10 \
    --spring.rabbitmq.virtual-host=$VHOST --spring.data.redis.database="$REDIS_DB" "$@" \
    >"$LOGS/bench-gateway-lookup-$port.log" 2>&1 &
  PID_OF[$name]=$!
  pids+=($!)
}
start_lookup lookup $LOOKUP_PORT ${BENCH_LOOKUP_ARGS:-}
"${PROXY_PIN[@]}" "$JAVA" $GATEWAY_JVM -jar "${BENCH_GATEWAY_JAR:-gateway/target/gateway-0.1.0-SNAPSHOT.jar}" --server.port="$GATEWAY_PORT" \
  --MOA_LOOKUP_URL="http://127.0.0.1:$LOOKUP_PORT" --spring.data.redis.database="$REDIS_DB" \
  --moa.gateway.rate-limit.api.requests=100000000 --moa.gateway.rate-limit.auth.requests=100000000 \
  >"$LOGS/bench-gateway-$GATEWAY_PORT.log" 2>&1 &
PID_OF[gateway]=$!
pids+=($!)
if [ "$PROTOTYPES" = 1 ]; then
  for proto in flux-proto:webflux:$FLUX_PROTO_PORT mvc-proto:webmvc:$MVC_PROTO_PORT; do
    IFS=: read -r name module port <<<"$proto"
    "${PROXY_PIN[@]}" "$JAVA25" $JVM -jar "bench/gateway-proto/$module/target/gateway-proto-$module-0.1.0-SNAPSHOT.jar" \
      --server.port="$port" --upstream="http://127.0.0.1:$LOOKUP_PORT" >"$LOGS/bench-$name-$port.log" 2>&1 &
    PID_OF[$name]=$!
    pids+=($!)
  done
fi
sed -e "s|@DIR@|$TMP|g" -e "s|@PORT@|$NGINX_PORT|g" -e "s|@UPSTREAM@|127.0.0.1:$LOOKUP_PORT|g" \
  -e "s|@WORKERS@|$PROXY_WORKERS|g" bench/nginx/gateway-bench.conf >"$TMP/nginx.conf"
nginx -t -q -p "$TMP" -e "$TMP/error.log" -c "$TMP/nginx.conf"
"${PROXY_PIN[@]}" nginx -p "$TMP" -e "$TMP/error.log" -c "$TMP/nginx.conf" -g 'daemon off;' &
NGINX_PID=$!
await_ready $LOOKUP_PORT # migrates the database before the second instance starts
start_lookup uncached $UNCACHED_PORT --moa.lookup.cache.enabled=false
for port in $GATEWAY_PORT $UNCACHED_PORT; do await_ready $port; done
if [ "$PROTOTYPES" = 1 ]; then
  for port in $FLUX_PROTO_PORT $MVC_PROTO_PORT; do await_ready $port; done
fi
LOOKUP_PID=${PID_OF[lookup]} GATEWAY_PID=${PID_OF[gateway]}

seed_catalog "$DB" "$PRODUCTS"
DETAIL_ID=$(psql -At -d "$DB" -c "SELECT id FROM catalog_products WHERE status = 'PUBLISHED' ORDER BY published_at DESC LIMIT 1")

declare -A PORT=([direct]=$LOOKUP_PORT [nginx]=$NGINX_PORT [gateway]=$GATEWAY_PORT [uncached]=$UNCACHED_PORT
  [flux-proto]=$FLUX_PROTO_PORT [mvc-proto]=$MVC_PROTO_PORT)
declare -A TARGET=([list]="/api/products?size=20" [detail]="/api/products/$DETAIL_ID")
read -r -a PATHS <<<"${BENCH_PATHS:-direct nginx gateway uncached}"
[ "$PROTOTYPES" = 1 ] && PATHS+=(flux-proto mvc-proto)
REQUESTS=(list detail)
export BENCH_COOKIE="moa_vid=$VIEWER"
declare -A BYTES
for req in "${REQUESTS[@]}"; do
  for path in "${PATHS[@]}"; do # every path answers the same before anything is measured
    size=$(curl -fsS -o /dev/null -w '%{size_download}' -H "Cookie: $BENCH_COOKIE" \
      "http://127.0.0.1:${PORT[$path]}${TARGET[$req]}") || { echo "GET ${TARGET[$req]} via $path failed"; exit 1; }
    BYTES[$req]=$size
  done
done
REDIS_PID=$(redis-cli -p 6379 INFO server | tr -d '\r' | awk -F: '$1 == "process_id" {print $2}')
if [ "$PIN" = 1 ]; then
  REDIS_MASK=$(taskset -p "$REDIS_PID" | awk '{print $NF}')
  taskset -pc 0 "$REDIS_PID" >/dev/null
fi

# --- accounting -------------------------------------------------------------------------------
HZ=$(getconf CLK_TCK)
sum_ticks() { local total=0 p; for p in "$@"; do total=$((total + $(proc_ticks "$p"))); done; echo $total; }
children_ticks() { # cutime+cstime of this shell: the wrk runs it waited for
  local stat
  stat=$(cat "/proc/$$/stat")
  set -- ${stat##*") "}
  echo $((${14} + ${15}))
}
nginx_pids() { echo "$NGINX_PID" $(ps -o pid= --ppid "$NGINX_PID" 2>/dev/null); }
pg_backends() { # the bench database's server processes (lookup's pool), not this query's own
  psql -At -d "$DB" -c "SELECT pid FROM pg_stat_activity WHERE datname = '$DB' AND pid <> pg_backend_pid()" | tr '\n' ' '
}
# lookup = the cached one (direct, and behind every proxy); uncached = the second lookup.
PROCS=(lookup uncached gateway nginx redis pg wrk)
[ "$PROTOTYPES" = 1 ] && PROCS+=(flux-proto mvc-proto)
snapshot() { # PG_PIDS must be set: ticks per process in PROCS order, then machine busy and total
  local p
  for p in "${PROCS[@]}"; do
    case $p in
      nginx) sum_ticks $(nginx_pids) ;;
      redis) proc_ticks "$REDIS_PID" ;;
      pg) sum_ticks $PG_PIDS ;;
      wrk) children_ticks ;;
      *) proc_ticks "${PID_OF[$p]}" ;;
    esac
  done | tr '\n' ' '
  awk '$1 == "cpu" {print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9; exit}' /proc/stat
}
calc() { awk "BEGIN { printf \"$1\", $2 }"; } # format expression
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "n/a" }'; }

# --- rows ---------------------------------------------------------------------------------------
stamp=$(date -u +%Y-%m-%dT%H:%MZ)
RESULT="$OUT/gateway-$stamp.txt"
: >"$RESULT"
out() { printf '%s\n' "$*" | tee -a "$RESULT"; }
raw() { cat >>"$RESULT"; }
FAILURES=()
declare -A RPS P50 P99 NON2XX SOCK STATUSES REQS CPU OTHERS

# measure KEY CONNECTIONS REQUEST PATH [DELAY-MS]: one wrk run, accounted and printed as one row
measure() {
  local key=$1 c=$2 req=$3 path=$4 delay=${5:-0} url file line before after p i field
  url="http://127.0.0.1:${PORT[$path]}${TARGET[$req]}"
  file="$TMP/wrk.txt"
  PG_PIDS=$(pg_backends)
  if [ "$PIN" = 1 ]; then for p in $PG_PIDS; do taskset -pc 0 "$p" >/dev/null 2>&1 || true; done; fi
  before=($(snapshot))
  BENCH_DELAY_MS=$delay "${SERVICE_PIN[@]}" wrk -t2 -c"$c" -d"${DURATION}s" --timeout "$TIMEOUT" --latency -s bench/gateway.lua \
    "$url" >"$file" 2>&1 || true
  after=($(snapshot))
  { echo "### $key  ($url, wrk -t2 -c$c -d${DURATION}s, delay ${delay} ms)"; cat "$file"; } | raw
  line=$(grep '^RESULT' "$file" || true)
  if [ -z "$line" ]; then
    FAILURES+=("$key: wrk printed no result (see the raw output)")
    out "$(printf '%-30s wrk failed' "$key")"
    return
  fi
  for field in rps p50_ms p99_ms requests non2xx socket_errors statuses; do
    local "$field=$(sed -E "s/.* $field=([^ ]+).*/\1/" <<<"$line")"
  done
  RPS[$key]=$rps P50[$key]=$p50_ms P99[$key]=$p99_ms REQS[$key]=$requests
  NON2XX[$key]=$non2xx SOCK[$key]=$socket_errors STATUSES[$key]=$statuses
  local cpu_text=""
  for i in "${!PROCS[@]}"; do
    p=${PROCS[$i]}
    CPU[$key|$p]=$(awk -v d=$((after[i] - before[i])) -v hz="$HZ" -v n="$requests" \
      'BEGIN { if (n > 0) printf "%.0f", d * 1e6 / hz / n; else printf "n/a" }')
    cpu_text+=" $p=${CPU[$key|$p]}"
  done
  local measured=0 n=${#PROCS[@]}
  for i in "${!PROCS[@]}"; do measured=$((measured + after[i] - before[i])); done
  local busy=$((after[n] - before[n])) total=$((after[n + 1] - before[n + 1]))
  OTHERS[$key]=$(awk -v o=$((busy - measured)) -v t="$total" 'BEGIN { if (t > 0) printf "%.0f", 100 * o / t; else print 0 }')
  out "$(printf '%-30s rps=%s p50_ms=%s p99_ms=%s requests=%s non2xx=%s socket_errors=%s statuses=%s | cpu_us_per_req%s | others_cpu=%s%%' \
    "$key" "$rps" "$p50_ms" "$p99_ms" "$requests" "$non2xx" "$socket_errors" "$statuses" "$cpu_text" "${OTHERS[$key]}")"
  if [ "$non2xx" != 0 ] || [ "$socket_errors" != 0 ]; then
    local kinds note=""
    kinds=$(sed -E 's/.*(connect=[0-9]+ read=[0-9]+ write=[0-9]+ timeout=([0-9]+)).*/\1/' <<<"$line")
    [[ "$kinds" == *"timeout=0" ]] || note="; timeout = a request outstanding longer than $TIMEOUT (wrk leaves those out of its percentiles)"
    FAILURES+=("$key: non2xx=$non2xx (statuses $statuses) socket_errors=$socket_errors ($kinds$note)")
  fi
  for p in "${PID_OF[@]}" $NGINX_PID; do
    kill -0 "$p" 2>/dev/null || { FAILURES+=("process $p died during $key"); fail_now; }
  done
}

warm() { # path: WARMUP seconds of load, half list, half detail, at the first connection count
  local path=$1 c=${CONNECTION_COUNTS%% *} half=$(((WARMUP + 1) / 2)) req line
  for req in "${REQUESTS[@]}"; do
    "${SERVICE_PIN[@]}" wrk -t2 -c"$c" -d"${half}s" --timeout "$TIMEOUT" -s bench/gateway.lua \
      "http://127.0.0.1:${PORT[$path]}${TARGET[$req]}" >"$TMP/warm.txt" 2>&1 || true
    { echo "### warm-up $path $req (${half}s, -c$c)"; cat "$TMP/warm.txt"; } | raw
    line=$(grep '^RESULT' "$TMP/warm.txt" || echo "RESULT (none)")
    out "$(printf 'warm-up %-8s %-7s %s' "$path" "$req" "${line#RESULT }")"
  done
}

summary_and_exit() {
  out ""
  out "## Summary (gateway-bench $stamp)"
  out ""
  out "Conditions: $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) CPUs ($CPU_MODEL), $(free -g | awk '/Mem/{print $2}') GiB;" \
    "load average at start $LOAD_AT_START, before the measured rows $LOAD_AT_ROWS; JVMs (lookups, gateway; prototypes on $JAVA25_VERSION): \`$JVM\` (full JIT);" \
    "$JAVA_VERSION; nginx $NGINX_VERSION ($(nproc) workers, upstream keepalive 64); wrk -t2, timeout $TIMEOUT" \
    "(a slower response counts as a socket error and is left out of the percentiles);" \
    "warm-up ${WARMUP} s per path, rows ${DURATION} s, $ROUNDS round(s); $PRODUCTS products; list ${BYTES[list]} B, detail ${BYTES[detail]} B;" \
    "every request with Cookie moa_vid=<one fixed viewer> (detail: a repeat view, counted once). wrk, the JVMs, nginx," \
    "PostgreSQL and Redis share the cores${PIN_NOTE:-}; \"others\" = CPU of everything else on the machine during the row, % of all cores." \
    "Redis µs is the whole server's CPU (shared with anything else using it)."
  out ""
  out "| conns | request | round | path | req/s | p50 ms | p99 ms | non-2xx | socket err | service µs/req | proxy µs/req | redis µs/req | pg µs/req | wrk µs/req | others % |"
  out "|---:|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  local c round req path key service proxy
  for c in $CONNECTION_COUNTS; do for round in $(seq 1 "$ROUNDS"); do for req in "${REQUESTS[@]}"; do for path in "${PATHS[@]}"; do
    key="c$c r$round $req $path"
    [ -n "${RPS[$key]:-}" ] || continue
    service=lookup proxy=""
    case $path in direct) ;; uncached) service=uncached ;; *) proxy=$path ;; esac
    out "| $c | $req | $round | $path | ${RPS[$key]} | ${P50[$key]} | ${P99[$key]} | ${NON2XX[$key]} | ${SOCK[$key]} | ${CPU[$key|$service]} | ${proxy:+${CPU[$key|$proxy]}} | ${CPU[$key|redis]} | ${CPU[$key|pg]} | ${CPU[$key|wrk]} | ${OTHERS[$key]} |"
  done; done; done; done
  out ""
  out "Ratios per row set (req/s ÷ direct's in the same round; P3 = cached ÷ uncached = direct ÷ uncached):"
  out ""
  out "| conns | request | round | path | ÷ direct req/s | proxy CPU µs/req | lookup µs/req behind it (direct: …) |"
  out "|---:|---|---:|---|---:|---:|---:|"
  for c in $CONNECTION_COUNTS; do for round in $(seq 1 "$ROUNDS"); do for req in "${REQUESTS[@]}"; do
    key="c$c r$round $req"
    [ -n "${RPS[$key direct]:-}" ] || continue
    for path in "${PATHS[@]}"; do
      [ "$path" != direct ] && [ -n "${RPS[$key $path]:-}" ] || continue
      if [ "$path" = uncached ]; then
        out "| $c | $req | $round | **P3 cached ÷ uncached** | **$(ratio "${RPS[$key direct]}" "${RPS[$key uncached]}")** | | ${CPU[$key uncached|uncached]} (${CPU[$key direct|lookup]}) |"
      else
        out "| $c | $req | $round | $path | $(ratio "${RPS[$key $path]}" "${RPS[$key direct]}") | ${CPU[$key $path|$path]} | ${CPU[$key $path|lookup]} (${CPU[$key direct|lookup]}) |"
      fi
    done
  done; done; done
  if [ ${#P2_LINES[@]} -gt 0 ]; then
    out ""
    out "P2, latency at half load: $P2_CONNECTIONS connections paced with delay() to ~50 % of direct's mean ${P2_CONNECTIONS}-connection req/s (achieved below the target = the path could not carry it: saturation latency, not half-load latency)."
    out ""
    out "| request | target req/s | path | achieved req/s | p50 ms | p99 ms | p99 ÷ direct p99 |"
    out "|---|---:|---|---:|---:|---:|---:|"
    local l
    for l in "${P2_LINES[@]}"; do out "$l"; done
  fi
  out ""
  if [ ${#FAILURES[@]} -gt 0 ]; then
    local f
    for f in "${FAILURES[@]}"; do echo "failure: $f" >>"$RESULT"; done
    echo "FAILED: ${#FAILURES[@]} row(s) with non-2xx responses or socket errors" >>"$RESULT"
    for f in "${FAILURES[@]}"; do printf '\033[31mfailure: %s\033[0m\n' "$f"; done
    printf '\033[1;31mFAILED: %d row(s) with non-2xx responses or socket errors (raw: %s)\033[0m\n' "${#FAILURES[@]}" "$RESULT"
    exit 1
  fi
  echo "OK: every row 2xx only, no socket errors" >>"$RESULT"
  printf '\033[32mOK: every row 2xx only, no socket errors\033[0m (raw and summary: %s)\n' "$RESULT"
  exit 0
}
fail_now() { summary_and_exit; }

CPU_MODEL=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
JAVA_VERSION=$("$JAVA" -version 2>&1 | head -n 1)
JAVA25_VERSION=$([ "$PROTOTYPES" = 1 ] && "$JAVA25" -version 2>&1 | head -n 1 || echo "not run")
NGINX_VERSION=$(nginx -v 2>&1 | sed 's|.*nginx/||')
LOAD_AT_ROWS="" P2_LINES=()
out "# gateway-bench $stamp  warmup=${WARMUP}s duration=${DURATION}s rounds=$ROUNDS connections=\"$CONNECTION_COUNTS\" threads=2 products=$PRODUCTS"
out "# paths: ${PATHS[*]}; lookup args: ${BENCH_LOOKUP_ARGS:-none}; gateway jvm: $GATEWAY_JVM"
out "# jvm: $JVM; $JAVA_VERSION; nginx $NGINX_VERSION; $(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2)"
out "# machine: $(nproc) cores ($CPU_MODEL), $(free -g | awk '/Mem/{print $2}') GiB; load average at start $LOAD_AT_START; CLK_TCK=$HZ"
[ "$PIN" = 1 ] && out "# pinned:${PIN_NOTE}"
out "# list: GET ${TARGET[list]} (${BYTES[list]} B); detail: GET ${TARGET[detail]} (${BYTES[detail]} B); Cookie: $BENCH_COOKIE"
out "# pids: $(for p in "${!PID_OF[@]}"; do printf '%s=%s ' "$p" "${PID_OF[$p]}"; done)nginx=$(nginx_pids | tr ' ' ',') redis=$REDIS_PID"
for path in "${PATHS[@]}"; do warm "$path"; done
LOAD_AT_ROWS=$(cut -d' ' -f1-3 /proc/loadavg)
out "# load average before the measured rows: $LOAD_AT_ROWS"
for c in $CONNECTION_COUNTS; do
  for round in $(seq 1 "$ROUNDS"); do
    for req in "${REQUESTS[@]}"; do
      for path in "${PATHS[@]}"; do measure "c$c r$round $req $path" "$c" "$req" "$path"; done
    done
  done
done

# --- P2: latency at half load -------------------------------------------------------------------
P2_REQUESTS=("${REQUESTS[@]}")
[[ " ${PATHS[*]} " == *" gateway "* ]] || P2_REQUESTS=() # P2 compares the gateway with direct
for req in "${P2_REQUESTS[@]}"; do
  saturation=$(for round in $(seq 1 "$ROUNDS"); do echo "${RPS[c$P2_CONNECTIONS r$round $req direct]:-}"; done |
    awk 'NF { s += $1; n++ } END { if (n) printf "%.1f", s / n }')
  if [ -z "$saturation" ]; then out "P2 $req: no direct row at $P2_CONNECTIONS connections; skipped"; continue; fi
  target=$(calc '%.1f' "$saturation / 2")
  delay=$(calc '%.2f' "$P2_CONNECTIONS * 1000 / $target")
  out "P2 $req: direct saturation ${saturation} req/s at $P2_CONNECTIONS connections -> target $target req/s, mean delay $delay ms per connection"
  p2_paths=(direct gateway)
  # nginx too when measured: how much of the half-load p99 any proxy hop adds on this box
  [[ " ${PATHS[*]} " == *" nginx "* ]] && p2_paths+=(nginx)
  [ "$PROTOTYPES" = 1 ] && p2_paths+=(flux-proto mvc-proto)
  for path in "${p2_paths[@]}"; do measure "p2 $req $path" "$P2_CONNECTIONS" "$req" "$path" "$delay"; done
  d="p2 $req direct"
  [ -n "${P99[$d]:-}" ] || continue
  P2_LINES+=("| $req | $target | direct | ${RPS[$d]} | ${P50[$d]} | ${P99[$d]} | |")
  for path in "${p2_paths[@]:1}"; do
    g="p2 $req $path"
    [ -n "${P99[$g]:-}" ] || continue
    P2_LINES+=("| $req | $target | $path | ${RPS[$g]} | ${P50[$g]} | ${P99[$g]} | $(ratio "${P99[$g]}" "${P99[$d]}") |")
  done
done

summary_and_exit
