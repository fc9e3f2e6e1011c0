# Stand-ins for the official images on a machine that can reach Debian's packages but no image
# registry (./moa compose-smoke). Each is a target: docker build --target postgres -t … .
# Only what docker-compose.yml relies on is imitated: the data paths, the environment variables,
# the init scripts, the healthcheck commands.
ARG BASE_IMAGE=moa-smoke/debian:bookworm

FROM ${BASE_IMAGE} AS debian
# The host's own trusted CAs too (a TLS-inspecting proxy in front of Maven Central, as on these
# machines): the Maven build inside an image reaches Central as the host does. Java's trust store
# is made from these when the JDK is installed below.
COPY ca-certificates/ /usr/local/share/ca-certificates/
RUN apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/*

# The project Dockerfile's BUILD_IMAGE (mvn and a JDK) and RUNTIME_IMAGE (a JRE, bash, useradd).
FROM debian AS build
RUN apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    openjdk-17-jdk-headless maven && rm -rf /var/lib/apt/lists/*

FROM debian AS jre
RUN apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    openjdk-17-jre-headless && rm -rf /var/lib/apt/lists/*

# postgres:17: POSTGRES_PASSWORD for the superuser, /docker-entrypoint-initdb.d/*.sh run once on an
# empty /var/lib/postgresql/data, pg_isready.
FROM debian AS postgres
RUN mkdir -p /etc/postgresql-common/createcluster.d \
    && echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.d/no-main.conf \
    && apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    postgresql && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /var/lib/postgresql/data /docker-entrypoint-initdb.d \
    && chown postgres:postgres /var/lib/postgresql/data
COPY postgres-entrypoint.sh /usr/local/bin/
ENTRYPOINT ["bash", "/usr/local/bin/postgres-entrypoint.sh"]

# redis:7: `redis-server …` as the command, data in /data, reachable from other containers.
FROM debian AS redis
RUN apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    redis-server && rm -rf /var/lib/apt/lists/* && mkdir -p /data && chown redis:redis /data
WORKDIR /data
# Like the official image: the command may start with the program's name, and no protected mode
# (the container network is the boundary).
ENTRYPOINT ["bash", "-c", "if [ \"$1\" = redis-server ]; then shift; fi; exec setpriv --reuid=redis --regid=redis --init-groups -- /usr/bin/redis-server --protected-mode no \"$@\"", "redis"]
CMD ["redis-server"]

# rabbitmq:4-management: RABBITMQ_DEFAULT_USER/PASS, enabled_plugins and conf.d mounted by compose,
# rabbitmq-diagnostics and rabbitmqctl for the healthcheck (Debian's 3.10 reads the same files).
FROM debian AS rabbitmq
RUN apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    rabbitmq-server && rm -rf /var/lib/apt/lists/* && mkdir -p /etc/rabbitmq/conf.d
COPY rabbitmq-entrypoint.sh /usr/local/bin/
ENTRYPOINT ["bash", "/usr/local/bin/rabbitmq-entrypoint.sh"]

# mongo:7 → the MongoDB-wire server ./moa up uses locally (tools/mongo-server), data in /data/db.
# It has no authentication: docker-compose.smoke.yml gives the services URIs without logins.
FROM jre AS mongodb
COPY mongo-server.jar /opt/moa/
ENV MOA_MONGO_HOST=0.0.0.0 MOA_MONGO_PORT=27017 MOA_MONGO_DATA=/data/db/moa.mv.db
RUN mkdir -p /data/db
# Arguments meant for mongod (the compose command) are ignored.
ENTRYPOINT ["bash", "-c", "exec java -Xmx256m -XX:+UseSerialGC -jar /opt/moa/mongo-server.jar", "mongod"]

# The production SMTP relay → GreenMail (any address, no login), its REST API on 8080.
FROM jre AS smtp
COPY greenmail-standalone.jar /opt/moa/
ENTRYPOINT ["java", "-Xmx192m", "-XX:+UseSerialGC", "-Dgreenmail.setup.test.smtp", "-Dgreenmail.hostname=0.0.0.0", \
    "-Dgreenmail.auth.disabled", "-Dgreenmail.api.hostname=0.0.0.0", "-Dgreenmail.api.port=8080", \
    "-jar", "/opt/moa/greenmail-standalone.jar"]
