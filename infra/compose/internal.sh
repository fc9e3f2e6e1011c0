#!/usr/bin/env bash
# Calls a service's operator endpoint (/internal/**) in the compose deployment, where no service
# port is published: from inside the service's container, with the operator key that container
# already has (MOA_SECURITY_OPERATOR_KEY). ./moa dlq and ./moa backfill use it when compose runs.
#   infra/compose/internal.sh SERVICE METHOD PATH [JSON]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[ $# -ge 3 ] || die "usage: infra/compose/internal.sh SERVICE METHOD PATH [JSON]"
service=$1
shift
# No curl in the JRE image: bash speaks HTTP/1.0 to the service's own port (or its management
# port for /actuator/**).
compose exec -T "$service" bash -s -- "$@" <<'SCRIPT'
set -eu
body=${3:-}
# The actuator is on the management port under prod (application-prod.yml), on $PORT otherwise.
port=$PORT
case "$2,${SPRING_PROFILES_ACTIVE:-}" in
  /actuator/*,*prod*) port=${MANAGEMENT_SERVER_PORT:-9090} ;;
esac
exec 3<>"/dev/tcp/127.0.0.1/$port"
# The gateway has no operator key (its actuator needs none on the management port).
printf '%s %s HTTP/1.0\r\nHost: 127.0.0.1\r\nX-Operator-Key: %s\r\n' "$1" "$2" "${MOA_SECURITY_OPERATOR_KEY:-}" >&3
[ -z "$body" ] || printf 'Content-Type: application/json\r\nContent-Length: %s\r\n' "${#body}" >&3
printf '\r\n%s' "$body" >&3
IFS= read -r status <&3
while IFS= read -r line <&3 && [ -n "${line%$'\r'}" ]; do :; done
cat <&3
echo
case "$status" in
  *" 2"[0-9][0-9]*) ;;
  *) echo "${status%$'\r'}" >&2; exit 1 ;;
esac
SCRIPT
