#!/usr/bin/env bash
# Mail benchmark (issue 9): one product.terms-changed to 1,000 and to 10,000 subscribers, from
# the event on the exchange to the last mail in a real SMTP sink (GreenMail standalone, as
# `./moa up` runs it): time to the last delivery, mails/s, CPU per mail per process, and the
# count each subscriber received (must be exactly 1, read back from GreenMail's API).
# Baseline in the same run: a plain SMTP client (Python smtplib, the same message size, as many
# connections as mail-service uses) sending straight into the same sink.
# Then the default throttle (50 mails/s) on 1,000 subscribers, to show the rate holds.
# Fresh database moa_mail_bench (role moa_test), RabbitMQ vhost moa-mail-bench, GreenMail on
# SMTP :13025 / API :18025, mail-service on :18087. The subscribers are written straight into
# mail-service's projections (as user.* and subscription.* events would leave them), so only
# the terms change itself is measured. mail-service is warmed for BENCH_WARMUP (60) s by terms
# changes to a warm-up product first.
#   bench/mail-bench.sh [rate-per-second] [connections]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
. bench/lib.sh
RATE=${1:-5000}
CONNECTIONS=${2:-2}
WARMUP=${BENCH_WARMUP:-60}
WARM_SUBSCRIBERS=${BENCH_WARM_SUBSCRIBERS:-3000}
DB=moa_mail_bench VHOST=moa-mail-bench SMTP=13025 API=18025 PORT=18087
OUT="$ROOT/bench/results"
LOGS="$ROOT/.moa/logs"
GREENMAIL_VERSION=2.1.13
GREENMAIL_JAR="$ROOT/.moa/tools/greenmail-standalone-$GREENMAIL_VERSION.jar"
mkdir -p "$OUT" "$LOGS" "$ROOT/.moa/tools"

./moa infra >/dev/null
[ -f mail-service/target/mail-service-0.1.0-SNAPSHOT.jar ] || ./moa build
[ -f "$GREENMAIL_JAR" ] || ./mvnw -B -q dependency:copy \
  -Dartifact="com.icegreen:greenmail-standalone:$GREENMAIL_VERSION" -DoutputDirectory="$ROOT/.moa/tools"

export PGHOST=127.0.0.1 PGUSER=moa_test PGPASSWORD=moa_test # development-only test role
for port in $SMTP $API $PORT; do
  ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "port $port is in use (a previous run?)"; exit 1; }
done
dropdb --if-exists "$DB" >/dev/null; createdb "$DB"
curl -fsS -u guest:guest -XPUT "http://127.0.0.1:15672/api/vhosts/$VHOST" >/dev/null
curl -fsS -u guest:guest -XPUT "http://127.0.0.1:15672/api/permissions/$VHOST/guest" \
  -H 'Content-Type: application/json' -d '{"configure":".*","write":".*","read":".*"}' >/dev/null

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  # Also the one started inside the results pipeline's subshell (the throttled run).
  pkill -f -- "--spring.datasource.url=jdbc:postgresql://127.0.0.1:5432/$DB" 2>/dev/null || true
  curl -fsS -u guest:guest -XDELETE "http://127.0.0.1:15672/api/vhosts/$VHOST" >/dev/null || true
}
trap cleanup EXIT
await_url() {
  for _ in $(seq 1 240); do curl -fsS "$1" >/dev/null 2>&1 && return; sleep 0.5; done
  echo "$1 did not answer; see $LOGS"; exit 1
}

java -Xmx1g -XX:+UseSerialGC -Dgreenmail.smtp.port=$SMTP -Dgreenmail.hostname=127.0.0.1 -Dgreenmail.auth.disabled \
  -Dgreenmail.api.hostname=127.0.0.1 -Dgreenmail.api.port=$API \
  -jar "$GREENMAIL_JAR" >"$LOGS/bench-greenmail.log" 2>&1 &
SINK=$!
pids+=($SINK)
await_url "http://127.0.0.1:$API/api/service/readiness"
(exec 3<>"/dev/tcp/127.0.0.1/$SMTP") 2>/dev/null || { echo "GreenMail is not on SMTP :$SMTP; see $LOGS"; exit 1; }

JVM=${BENCH_JVM:--XX:+UseSerialGC -Xss512k -Xmx512m}
MAIL=""
start_mail() { # rate log-name
  java $JVM -jar mail-service/target/mail-service-0.1.0-SNAPSHOT.jar --server.port=$PORT \
    --spring.rabbitmq.virtual-host=$VHOST --spring.datasource.url="jdbc:postgresql://127.0.0.1:5432/$DB" \
    --spring.datasource.username=$PGUSER --spring.datasource.password=$PGPASSWORD \
    --spring.mail.port=$SMTP --moa.mail.sending.rate="$1" --moa.mail.sending.connections="$CONNECTIONS" \
    --moa.mail.sending.batch-size=50 >"$LOGS/bench-$2.log" 2>&1 &
  MAIL=$!
  pids+=($!)
  await_url "http://127.0.0.1:$PORT/actuator/health/readiness"
}
start_mail "$RATE" mail
sql() { psql -q -At -d "$DB" -c "$1"; }

# Subscribers as the projections hold them: one user each, one live subscription per product.
P1K=$(cat /proc/sys/kernel/random/uuid) P10K=$(cat /proc/sys/kernel/random/uuid) PWARM=$(cat /proc/sys/kernel/random/uuid)
P1K_SLOW=$(cat /proc/sys/kernel/random/uuid)
psql -q -d "$DB" <<SQL
CREATE TEMP TABLE plan (product uuid, n int);
INSERT INTO plan VALUES ('$P1K', 1000), ('$P10K', 10000), ('$PWARM', $WARM_SUBSCRIBERS), ('$P1K_SLOW', 1000);
CREATE TEMP TABLE seeded AS
  SELECT product, gen_random_uuid() AS user_id, i FROM plan, generate_series(1, plan.n) i;
INSERT INTO mail_users (user_id, email, name, locale, version)
  SELECT user_id, 'sub-' || user_id || '@bench.example.com', '구독자 ' || i, CASE WHEN i % 5 = 0 THEN 'en' ELSE 'ko' END, 1
  FROM seeded;
INSERT INTO mail_subscriptions (subscription_id, user_id, product_id, status, live, version)
  SELECT gen_random_uuid(), user_id, product, 'ACTIVE', true, 1 FROM seeded;
ANALYZE mail_users;
ANALYZE mail_subscriptions;
SQL

# A realistic terms text: about 2 KB of Korean with line breaks.
TERMS=$(python3 -c "print('\\\\n'.join('제%d조 구독 서비스의 이용 조건과 환불 규정을 다음과 같이 정합니다.' % i for i in range(1, 40)))")
publish() { # product version
  local event
  event=$(printf '{"id":"%s","source":"seller-service","type":"product.terms-changed","time":"%s","subject":"%s","dataversion":1,"data":{"productId":"%s","title":"벤치 박스","termsVersion":%d,"terms":"%s","effectiveAt":"2027-01-01T00:00:00Z"}}' \
    "$(cat /proc/sys/kernel/random/uuid)" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$1" "$1" "$2" "$TERMS")
  python3 - "$VHOST" "$event" <<'PY'
import json, sys, urllib.request, base64
body = json.dumps({"properties": {"content_type": "application/json", "delivery_mode": 2},
                   "routing_key": "product.terms-changed", "payload": sys.argv[2], "payload_encoding": "string"})
req = urllib.request.Request("http://127.0.0.1:15672/api/exchanges/%s/moa.events/publish" % sys.argv[1],
                             data=body.encode(), method="POST", headers={"Content-Type": "application/json",
                             "Authorization": "Basic " + base64.b64encode(b"guest:guest").decode()})
assert json.load(urllib.request.urlopen(req))["routed"], "not routed"
PY
}
await_sent() { # product version count
  until [ "$(sql "SELECT count(*) FROM deliveries WHERE source_key = '$1:$2' AND status = 'SENT'")" -ge "$3" ]; do
    [ "$(sql "SELECT count(*) FROM deliveries WHERE status = 'FAILED'")" = 0 ] || { echo "FAILED deliveries"; exit 1; }
    sleep 0.2
  done
}
HZ=$(getconf CLK_TCK)

# Each recipient's count of mails whose subject names this version, from GreenMail's REST API.
received() { # version expected-recipients
  python3 - "$API" "$1" "$2" <<'PY'
import json, sys, urllib.request, collections
api, version, expected = sys.argv[1], sys.argv[2], int(sys.argv[3])
base = "http://127.0.0.1:%s/api/user" % api
users = json.load(urllib.request.urlopen(base))
counts = collections.Counter()
for user in users:
    # A new connection each: GreenMail's API does not keep one alive reliably.
    for message in json.load(urllib.request.urlopen("%s/%s/messages/INBOX" % (base, user["email"]))):
        subject = message["subject"] or ""
        if "(버전 %s)" % version in subject or "(version %s)" % version in subject:
            counts[user["email"]] += 1
per = collections.Counter(counts.values())
print("received=%d recipients=%d per_recipient=%s %s" % (sum(counts.values()), len(counts), dict(per),
      "OK" if len(counts) == expected and set(per) == {1} else "MISMATCH"))
PY
}
purge() { curl -fsS -XPOST "http://127.0.0.1:$API/api/mail/purge" >/dev/null; }

run() { # label product version count pid
  local t0 before_mail before_sink line
  purge
  before_mail=$(proc_ticks "$5"); before_sink=$(proc_ticks "$SINK")
  t0=$(sql "SELECT extract(epoch FROM clock_timestamp())")
  publish "$2" "$3"
  await_sent "$2" "$3" "$4"
  local mail_us sink_us
  mail_us=$(( ($(proc_ticks "$5") - before_mail) * 1000000 / HZ / $4 ))
  sink_us=$(( ($(proc_ticks "$SINK") - before_sink) * 1000000 / HZ / $4 ))
  line=$(sql "SELECT round((extract(epoch FROM max(created_at)) - $t0)::numeric, 2) || ' ' ||
                     round((extract(epoch FROM max(sent_at)) - $t0)::numeric, 2) || ' ' ||
                     round(($4 / (extract(epoch FROM max(sent_at)) - $t0))::numeric, 0) || ' ' ||
                     max(attempts)
              FROM deliveries WHERE source_key = '$2:$3'")
  set -- "$1" "$2" "$3" "$4" $line
  local counts
  counts=$(received "$3" "$4")
  printf '%-40s subscribers=%d queued_after_s=%s last_delivery_after_s=%s mails_per_s=%s max_attempts=%s mail_cpu_us_per_mail=%d sink_cpu_us_per_mail=%d %s\n' \
    "$1" "$4" "$5" "$6" "$7" "$8" "$mail_us" "$sink_us" "$counts"
  # A recipient with no mail or with two fails the run (bench_verdict), not just this line.
  [[ "$counts" == *" OK" ]] || echo "$1: $counts" >>"$BENCH_FAILURES"
}

baseline() { # messages
  python3 - "$SMTP" "$1" "$CONNECTIONS" "$TERMS" <<'PY'
import smtplib, sys, threading, time
from email.message import EmailMessage
port, total, connections, terms = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
def message(i):
    m = EmailMessage()
    m["From"] = "no-reply@moa-subscribe.local"; m["To"] = "base-%d@bench.example.com" % i
    m["Subject"] = "[모아 구독] 벤치 박스 이용약관 변경 안내 (버전 0)"
    m.set_content(terms); m.add_alternative("<html><body><div>%s</div></body></html>" % terms, subtype="html")
    return m
def send(start):
    with smtplib.SMTP("127.0.0.1", port) as s:
        for i in range(start, total, connections):
            s.send_message(message(i))
threads = [threading.Thread(target=send, args=(c,)) for c in range(connections)]
began = time.time(); [t.start() for t in threads]; [t.join() for t in threads]
took = time.time() - began
print("%-40s messages=%d seconds=%.2f mails_per_s=%.0f" % ("baseline: smtplib straight into the sink", total, took, total / took))
PY
}

# Warm-up: terms changes to the warm-up product, one after the other, for WARMUP seconds.
warm_version=1 warm_start=$SECONDS
while [ $((SECONDS - warm_start)) -lt "$WARMUP" ]; do
  warm_version=$((warm_version + 1))
  publish "$PWARM" "$warm_version"
  await_sent "$PWARM" "$warm_version" "$WARM_SUBSCRIBERS"
  purge
done

stamp=$(date -u +%Y-%m-%dT%H:%MZ)
RESULT="$OUT/mail-$stamp.txt"
{
  echo "# mail-bench $stamp  rate=${RATE}/s connections=$CONNECTIONS batch=50 warmup=${WARMUP}s ($((warm_version - 1)) changes to $WARM_SUBSCRIBERS)"
  echo "# jvm: $JVM; GreenMail standalone $GREENMAIL_VERSION (-Xmx1g), in-memory"
  echo "# machine: $(nproc) cores, $(free -g | awk '/Mem/{print $2}') GiB; mail-service, GreenMail, PostgreSQL and RabbitMQ share the cores"
  purge
  baseline 3000
  purge
  run "terms change, 1,000 subscribers" "$P1K" 2 1000 "$MAIL"
  run "terms change, 10,000 subscribers" "$P10K" 2 10000 "$MAIL"
  kill "$MAIL"; wait "$MAIL" 2>/dev/null || true
  start_mail 50 mail-throttled
  run "throttled to 50/s, 1,000 subscribers" "$P1K_SLOW" 2 1000 "$MAIL"
} | tee "$RESULT"
echo "written to $RESULT"
bench_verdict
