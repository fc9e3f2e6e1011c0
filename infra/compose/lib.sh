# Sourced by the scripts that drive the compose deployment (internal.sh, infra/backup/*.sh). They
# run from the repository root, where compose finds docker-compose.yml and .env (whose COMPOSE_FILE
# adds the production override).
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

die() { printf '\033[31m%s\033[0m\n' "$*" >&2; exit 1; }

# Compose v2 (`docker compose`) or Debian's docker-compose 1.29.
if docker compose version >/dev/null 2>&1; then
  compose() { docker compose "$@"; }
elif command -v docker-compose >/dev/null 2>&1; then
  compose() { docker-compose "$@"; }
else
  die "neither docker compose nor docker-compose is installed"
fi

# Run inside the mongodb container: the root login when MongoDB has one (prod), none otherwise.
MONGO_ROOT_ARGS='args=(); [ -z "${MONGO_INITDB_ROOT_USERNAME:-}" ] || args=(--username "$MONGO_INITDB_ROOT_USERNAME"
  --password "$MONGO_INITDB_ROOT_PASSWORD" --authenticationDatabase admin);'
