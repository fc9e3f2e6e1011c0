#!/usr/bin/env bash
# Offline check of the compose files (./moa test runs it, about a second): check.py, with a
# python3 that has PyYAML. Installs Debian's python3-yaml when none has it (a fresh machine).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

say() { printf '\033[1m[compose]\033[0m %s\n' "$*"; }
die() { printf '\033[31m[compose] %s\033[0m\n' "$*" >&2; exit 1; }

python=
for candidate in python3 /usr/bin/python3; do
  if command -v "$candidate" >/dev/null && "$candidate" -c 'import yaml' 2>/dev/null; then
    python=$candidate
    break
  fi
done
if [ -z "$python" ]; then
  command -v apt-get >/dev/null || die "python3 with PyYAML is needed (Debian: apt-get install python3-yaml)"
  sudo=; [ "$(id -u)" = 0 ] || sudo=sudo
  say "installing python3-yaml from the distribution's packages" >&2
  { $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q &&
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-yaml; } >/dev/null ||
    die "installing python3-yaml failed"
  python=/usr/bin/python3
fi
out=$("$python" check.py) || { echo "$out"; die "docker-compose.yml / docker-compose.prod.yml: invalid"; }
while IFS= read -r line; do say "$line"; done <<<"$out"
