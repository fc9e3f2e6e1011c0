#!/usr/bin/env bash
# One MongoDB login per service, with readWrite on its own database only (moa_search, moa_chat),
# under docker-compose.prod.yml. The mongo image runs it once, on the first start of an empty
# volume (docker-entrypoint-initdb.d, sourced: hence a function and no exit). Idempotent: run it by
# hand to apply new passwords from the container's environment (docs/operations.md, "Rotating
# secrets"):  docker compose exec mongodb bash /docker-entrypoint-initdb.d/10-moa-users.sh
moa_mongo_users() {
  local service var
  for service in search chat; do
    var="MOA_${service^^}_MONGO_PASSWORD"
    if [ -z "${!var:-}" ]; then
      echo "mongo-users.sh: $var is not set" >&2
      return 1
    fi
    # The password reaches mongosh through its environment, never through the script's text.
    MOA_MONGO_USER="moa_$service" MOA_MONGO_PASSWORD="${!var}" mongosh --quiet --host 127.0.0.1 \
      --username "$MONGO_INITDB_ROOT_USERNAME" --password "$MONGO_INITDB_ROOT_PASSWORD" \
      --authenticationDatabase admin --eval '
        const name = process.env.MOA_MONGO_USER, pwd = process.env.MOA_MONGO_PASSWORD;
        const target = db.getSiblingDB(name);
        if (target.getUser(name)) {
          target.updateUser(name, { pwd: pwd });
        } else {
          target.createUser({ user: name, pwd: pwd, roles: [{ role: "readWrite", db: name }] });
        }
        print("mongo-users.sh: " + name + " ready");' || return 1
  done
}
moa_mongo_users
