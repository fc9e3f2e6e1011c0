#!/usr/bin/env bash
# ./moa compose-smoke: the compose deployment for real, in a Docker engine on this machine.
# Builds every service image with infra/docker/Dockerfile, starts docker-compose.yml +
# docker-compose.prod.yml (secrets generated for the run) + docker-compose.smoke.yml (local
# stand-ins for the infrastructure images), waits for every healthcheck, drives signup →
# publish → browse → subscribe → mail through the gateway container, and tears it all down.
# Not part of ./moa test: it needs root for dockerd and takes minutes.
#
# The images start from Debian bookworm: pulled (debian:bookworm-slim) where a registry answers,
# else made here with debootstrap (these machines); MOA_SMOKE_BASE_IMAGE names another base.
# MOA_SMOKE_KEEP=1 leaves the stack running (tear down: the command it prints).
# Needs: MOA_SMOKE_MONGO_JAR, MOA_SMOKE_GREENMAIL_JAR (./moa passes them).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
SMOKE="$ROOT/infra/compose/smoke"
WORK="$ROOT/.moa/compose-smoke"
PROJECT=moasmoke
BASE_IMAGE=${MOA_SMOKE_BASE_IMAGE:-}
DEBIAN_MIRROR=${MOA_SMOKE_DEBIAN_MIRROR:-http://deb.debian.org/debian}
STANDINS=(build jre postgres redis rabbitmq mongodb smtp)

say() { printf '\033[1m[smoke %s]\033[0m %s\n' "$(date +%H:%M:%S)" "$*"; }
die() { printf '\033[31m[smoke] %s\033[0m\n' "$*" >&2; exit 1; }
step() { STEP_STARTED=$SECONDS; say "$*"; }
took() { echo "$((SECONDS - STEP_STARTED)) s"; }

[ "$(id -u)" = 0 ] || die "run as root (it installs packages and starts dockerd)"
: "${MOA_SMOKE_MONGO_JAR:?}" "${MOA_SMOKE_GREENMAIL_JAR:?}"

# --- engine ----------------------------------------------------------------------------------
missing=()
command -v dockerd >/dev/null || missing+=(docker.io)
command -v docker-compose >/dev/null || missing+=(docker-compose)
command -v debootstrap >/dev/null || missing+=(debootstrap)
if [ ${#missing[@]} -gt 0 ]; then
  step "installing ${missing[*]} from Debian's packages"
  { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"; } >/dev/null
fi

mkdir -p "$WORK"
started_dockerd=
nofile=$(ulimit -Hn)
if [ "$nofile" = unlimited ] || [ "$nofile" -gt 65536 ]; then nofile=65536; fi
export MOA_SMOKE_NOFILE=$nofile

compose() {
  (cd "$WORK/src" && docker-compose --compatibility -p "$PROJECT" -f docker-compose.yml \
    -f docker-compose.prod.yml -f infra/compose/smoke/docker-compose.smoke.yml "$@")
}

# The machine is left as found: an engine that was not running before goes away again (the
# tests' platform/testing would otherwise ask it for Testcontainers first).
cleanup() {
  local status=$?
  if [ -n "${MOA_SMOKE_KEEP:-}" ] && [ $status = 0 ]; then
    say "left running; tear down: (cd $WORK/src && docker-compose -p $PROJECT -f docker-compose.yml -f docker-compose.prod.yml -f infra/compose/smoke/docker-compose.smoke.yml down -v)"
    return
  fi
  if [ -f "$WORK/src/docker-compose.yml" ]; then
    [ $status = 0 ] || { compose ps || true; }
    compose down -v --remove-orphans >"$WORK/down.log" 2>&1 || say "compose down failed (see $WORK/down.log)"
    # The copy holds the run's secrets, and a second source tree confuses searches of the project.
    rm -rf "$WORK/src"
  fi
  if [ -n "$started_dockerd" ]; then
    kill "$(cat "$WORK/dockerd.pid")" 2>/dev/null || true
    for _ in $(seq 1 60); do [ -S /var/run/docker.sock ] || break; sleep 0.5; done
    say "dockerd stopped"
  fi
  [ $status = 0 ] && say "PASSED in $SECONDS s" || printf '\033[31m[smoke] FAILED after %s s\033[0m\n' "$SECONDS" >&2
}
trap cleanup EXIT

if ! docker info >/dev/null 2>&1; then
  step "starting dockerd (log $WORK/dockerd.log)"
  dockerd >"$WORK/dockerd.log" 2>&1 &
  echo $! >"$WORK/dockerd.pid"
  started_dockerd=1
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  docker info >/dev/null 2>&1 || die "dockerd did not start; see $WORK/dockerd.log"
fi

# --- images ----------------------------------------------------------------------------------
if [ -z "$BASE_IMAGE" ]; then
  BASE_IMAGE=moa-smoke/debian:bookworm
  if ! docker image inspect "$BASE_IMAGE" >/dev/null 2>&1 && timeout 120 docker pull -q debian:bookworm-slim >/dev/null 2>&1; then
    BASE_IMAGE=debian:bookworm-slim
  fi
fi
if ! docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
  if [ "$BASE_IMAGE" = moa-smoke/debian:bookworm ]; then
    step "no registry answers: making the base image $BASE_IMAGE with debootstrap ($DEBIAN_MIRROR)"
    rm -rf "$WORK/rootfs"
    debootstrap --variant=minbase bookworm "$WORK/rootfs" "$DEBIAN_MIRROR" >"$WORK/debootstrap.log" 2>&1 ||
      die "debootstrap failed; see $WORK/debootstrap.log"
    tar -C "$WORK/rootfs" -c . | docker import - "$BASE_IMAGE" >/dev/null
    rm -rf "$WORK/rootfs"
  else
    docker pull -q "$BASE_IMAGE" >/dev/null
  fi
  say "base image ready ($(took))"
fi

step "building the stand-in images (${STANDINS[*]})"
rm -rf "$WORK/standins" && mkdir -p "$WORK/standins"
cp "$SMOKE"/standins.Dockerfile "$SMOKE"/*-entrypoint.sh "$WORK/standins/"
cp "$MOA_SMOKE_MONGO_JAR" "$WORK/standins/mongo-server.jar"
cp "$MOA_SMOKE_GREENMAIL_JAR" "$WORK/standins/greenmail-standalone.jar"
mkdir -p "$WORK/standins/ca-certificates"
cp /usr/local/share/ca-certificates/*.crt "$WORK/standins/ca-certificates/" 2>/dev/null || true
for target in "${STANDINS[@]}"; do
  docker build -q -f "$WORK/standins/standins.Dockerfile" --build-arg BASE_IMAGE="$BASE_IMAGE" \
    --target "$target" -t "moa-smoke/$target:bookworm" "$WORK/standins" >/dev/null 2>"$WORK/standins.log" ||
    { cat "$WORK/standins.log" >&2; die "building the $target stand-in failed"; }
done
say "stand-ins ready ($(took))"

# The deployment directory an operator would have: the project's files (tracked or new, as in the
# working tree), a .env and the signing keys, nothing else.
step "preparing the deployment directory $WORK/src with generated secrets"
rm -rf "$WORK/src" && mkdir -p "$WORK/src"
(cd "$ROOT" && git ls-files -z --cached --others --exclude-standard | xargs -0 tar -c --no-recursion -f - 2>/dev/null) |
  tar -x -C "$WORK/src"

gateway_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
secret() { openssl rand -hex 24; }
# Every variable .env.prod.example lists gets a value: a fresh secret unless named here.
while IFS= read -r line; do
  if [[ "$line" =~ ^([A-Z0-9_]+)=(.*)$ ]]; then
    name=${BASH_REMATCH[1]}
    case "$name" in
      MOA_GATEWAY_PUBLISH) value=127.0.0.1:$gateway_port ;;
      MOA_RABBITMQ_USER) value=moa ;;
      MOA_WEB_URL) value=https://moa.example.com ;;
      MOA_GATEWAY_CORS_ALLOWED_ORIGINS) value=https://seller.moa.example.com ;;
      MOA_MAIL_SMTP_HOST) value=smtp-sink ;;
      MOA_MAIL_SMTP_PORT) value=3025 ;;
      MOA_MAIL_SMTP_USER | MOA_MAIL_SMTP_PASSWORD) value= ;;
      MOA_MAIL_SMTP_STARTTLS_REQUIRED) value=false ;; # the GreenMail sink offers no STARTTLS
      MOA_MAIL_ALLOW_RESERVED_DOMAINS) value=true ;; # its addresses are example.com's
      MOA_MAIL_FROM) value='Moa Subscribe <no-reply@moa.example.com>' ;;
      MOA_MAIL_REPLY_TO) value=support@moa.example.com ;;
      *) value=${BASH_REMATCH[2]}; [ -n "$value" ] || value=$(secret) ;;
    esac
    echo "$name=$value"
  else
    echo "$line"
  fi
done <"$WORK/src/.env.prod.example" >"$WORK/src/.env"
key=$(openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 2>/dev/null | tr -d '\n')
sed -e 's/^MOA_AUTH_SIGNING_ACTIVE_KID=$/MOA_AUTH_SIGNING_ACTIVE_KID=smoke-1/' \
  -e 's/^MOA_AUTH_SIGNING_KEYS_0_KID=$/MOA_AUTH_SIGNING_KEYS_0_KID=smoke-1/' \
  -e "s|^MOA_AUTH_SIGNING_KEYS_0_PRIVATE_KEY_PEM=\$|MOA_AUTH_SIGNING_KEYS_0_PRIVATE_KEY_PEM=$key|" \
  "$WORK/src/.env.auth-signing.example" >"$WORK/src/.env.auth-signing"
chmod 600 "$WORK/src/.env" "$WORK/src/.env.auth-signing"
grep -q '^MOA_AUTH_SIGNING_KEYS_0_PRIVATE_KEY_PEM=-----BEGIN' "$WORK/src/.env.auth-signing" || die "no signing key generated"
compose config -q

step "building the eight service images (infra/docker/Dockerfile; one Maven run shared by all)"
compose build --build-arg BUILD_IMAGE=moa-smoke/build:bookworm --build-arg RUNTIME_IMAGE=moa-smoke/jre:bookworm \
  >"$WORK/build.log" 2>&1 || { tail -n 40 "$WORK/build.log" >&2; die "image build failed; see $WORK/build.log"; }
say "service images built ($(took))"

# --- the stack -------------------------------------------------------------------------------
step "docker-compose up (prod override) and waiting for every healthcheck"
compose up -d --no-build >"$WORK/up.log" 2>&1 || { cat "$WORK/up.log" >&2; die "compose up failed"; }
containers=$(compose ps -q)
deadline=$((SECONDS + ${MOA_SMOKE_HEALTH_TIMEOUT:-600}))
while :; do
  waiting=()
  for id in $containers; do
    state=$(docker inspect --format '{{.Name}} {{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' "$id")
    set -- $state
    [ "$2" = running ] || { docker logs --tail 60 "$id" >&2 || true; die "${1#/} is $2"; }
    [ "$3" = healthy ] || waiting+=("${1#/}:$3")
  done
  [ ${#waiting[@]} -eq 0 ] && break
  if [ $SECONDS -ge $deadline ]; then
    for name in "${waiting[@]}"; do docker logs --tail 60 "${name%%:*}" >&2 || true; done
    die "not healthy in time: ${waiting[*]}"
  fi
  sleep 3
done
say "all $(echo "$containers" | wc -w) containers healthy ($(took))"
compose ps
# The limits of docker-compose.yml really apply (docker-compose 1.29: only with --compatibility).
for id in $containers; do
  [ "$(docker inspect --format '{{.HostConfig.Memory}}' "$id")" -gt 0 ] ||
    die "$(docker inspect --format '{{.Name}}' "$id"): no memory limit"
done

# --- the flow, through the gateway's published port --------------------------------------------
step "smoke flow through the gateway (127.0.0.1:$gateway_port)"
GATEWAY=http://127.0.0.1:$gateway_port
body=$WORK/body.json
call() { # method path expected-status [json] [token] [extra curl args...]: body in $body
  local method=$1 path=$2 expected=$3 data=${4:-} token=${5:-} status
  shift $(($# < 5 ? $# : 5))
  status=$(curl -sS -o "$body" -w '%{http_code}' -X "$method" "$GATEWAY$path" \
    ${data:+-H 'Content-Type: application/json' --data "$data"} ${token:+-H "Authorization: Bearer $token"} "$@")
  [ "$status" = "$expected" ] || { cat "$body" >&2; echo >&2; die "$method $path: $status, expected $expected"; }
}
json() { jq -er "$1" "$body"; }
run=$(date +%s)-$RANDOM
password=smoke-password-1

signup_and_login() { # role → token
  local email="smoke-$1-$run@example.com"
  call POST /api/auth/signup 201 "{\"email\":\"$email\",\"password\":\"$password\",\"name\":\"Smoke $1\",\"role\":\"$1\"}"
  call POST /api/auth/login 200 "{\"email\":\"$email\",\"password\":\"$password\"}"
  json .accessToken
}
seller=$(signup_and_login SELLER)
consumer=$(signup_and_login CONSUMER)
consumer_email="smoke-CONSUMER-$run@example.com"
say "signed up and logged in a seller and a consumer"

title="스모크 테스트 구독 $run"
call POST /api/seller/products 201 "{\"title\":\"$title\",\"description\":\"compose smoke\",\"category\":\"LIFESTYLE\",\"plans\":[{\"name\":\"월간\",\"billingPeriod\":\"MONTHLY\",\"price\":9900}],\"terms\":\"약관 v1\"}" "$seller"
product=$(json .id)
call POST "/api/seller/products/$product/publish" 200 "" "$seller"
say "seller published product $product"

# seller-service → outbox → RabbitMQ → lookup's projection: "visible within 2 s"; 30 s allowed here.
for _ in $(seq 1 60); do
  call GET "/api/products?size=100" 200
  jq -e --arg id "$product" '.content[] | select(.id == $id)' "$body" >/dev/null && break
  sleep 0.5
done
jq -e --arg id "$product" '.content[] | select(.id == $id)' "$body" >/dev/null || die "product never appeared in the catalog"
call GET "/api/products/$product" 200 "" "$consumer"
plan=$(json '.plans[0].id')
[ "$(json .title)" = "$title" ] || die "catalog title differs: $(json .title)"
say "consumer browsed it (list and detail)"

call POST /api/subscriptions 201 "{\"productId\":\"$product\",\"planId\":\"$plan\",\"paymentMethod\":{\"token\":\"tok_ok\"}}" \
  "$consumer" -H "Idempotency-Key: smoke-$run"
subscription=$(json .id)
[ "$(json .status)" = ACTIVE ] || die "subscription status $(json .status)"
call GET /api/subscriptions 200 "" "$consumer"
jq -e --arg id "$subscription" '.[] | select(.id == $id)' "$body" >/dev/null || die "subscription not listed"
call GET "/api/payments?size=10" 200 "" "$consumer"
[ "$(jq -r '.content[0].status' "$body")" = SUCCEEDED ] || die "no successful charge listed"
say "consumer subscribed ($subscription) and was charged"

# mail-service, from auth's and payment's events: a welcome and a subscription confirmation.
mail_api=http://$(compose port smtp-sink 8080)
for _ in $(seq 1 60); do
  mails=$(curl -sS "$mail_api/api/user/$consumer_email/messages/INBOX" | jq -r '.[].subject' 2>/dev/null || true)
  grep -q '환영' <<<"$mails" && grep -q '구독이 시작' <<<"$mails" && break
  sleep 1
done
grep -q '환영' <<<"$mails" && grep -q '구독이 시작' <<<"$mails" || die "mails to the consumer: ${mails:-none}"
say "mail-service delivered the welcome and the confirmation through the SMTP relay"

# Operability under prod: the actuator never through the gateway; Prometheus on the management
# port inside the network without a token; a trace id on every response; JSON log lines.
call GET /actuator/prometheus 404
curl -sS -D - -o /dev/null "$GATEWAY/api/products?size=1" | grep -qi '^x-request-id: [0-9a-f]\{32\}' || die "no trace id in X-Request-Id"
for service in gateway seller-service payment-service; do
  docker exec "${PROJECT}_${service}_1" bash -c 'exec 3<>/dev/tcp/127.0.0.1/9090 &&
    printf "GET /actuator/prometheus HTTP/1.0\r\n\r\n" >&3 && head -n 1 <&3' | grep -q ' 200' ||
    die "$service: no Prometheus on its management port"
  docker logs "${PROJECT}_${service}_1" 2>&1 | tail -n 1 | jq -e '."@timestamp" and .message' >/dev/null ||
    die "$service: its last log line is not structured JSON"
done
say "actuator 404 through the gateway; Prometheus on :9090 inside; X-Request-Id; ECS JSON logs"
# Both Redis refuse a client without the password, and hold what the gateway (rate limits),
# lookup (views) and lookup's cache stored during the flow: the clients did log in.
for redis in redis redis-cache; do
  docker exec "${PROJECT}_${redis}_1" env -u REDISCLI_AUTH redis-cli ping 2>&1 | grep -q NOAUTH ||
    die "$redis answers without a password"
  keys=$(docker exec "${PROJECT}_${redis}_1" redis-cli dbsize)
  [ "${keys:-0}" -gt 0 ] || die "$redis holds no keys after the flow: its clients did not log in"
done
say "both Redis require their password; the gateway and lookup logged in (keys stored)"
say "smoke flow passed ($(took))"
say "memory and CPU after the flow (limits from docker-compose.yml):"
docker stats --no-stream --format 'table {{.Name}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.CPUPerc}}' $containers
