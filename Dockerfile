# One image with every executable of every system; the command chooses the service:
#   docker build -t event-driven-systems:local .
#   docker run --rm event-driven-systems:local ticketing-booking --help
# docker-compose.yml and kubernetes/ run it this way. The executables: each system's contexts
# (<system>-<context>), gateway, eventctl, probe (the health check) and devstack.

# Build: Swift 6 on Debian bookworm, whose librdkafka (2.0.2) cannot talk to KRaft brokers, so
# librdkafka 2.8.0 is built with our fixes as scripts/setup builds it.
FROM swift:6.3.1-bookworm AS build
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
# Debian's mirror keeps only the newest build of a package in a release, so a pinned version
# would stop installing at its next security update; the base image's tag pins the release.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential pkg-config dpkg-dev patch \
      libsqlite3-dev libpq-dev libssl-dev zlib1g-dev liblz4-dev libzstd-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY scripts/librdkafka/ scripts/librdkafka/
RUN scripts/librdkafka/build 2.8.0 /usr/local
COPY Package.swift ./
COPY Sources/ Sources/
COPY Tests/ Tests/
# Every executable, and every shared library they load but glibc's (which the runtime has).
RUN swift build -c release \
 && bin="$(swift build -c release --show-bin-path)" \
 && mkdir -p /out/bin /out/lib \
 && find "$bin" -maxdepth 1 -type f -perm -u+x -exec cp {} /out/bin/ \; \
 && ldd /out/bin/* | awk '$2 == "=>" && $3 ~ /^\// { print $3 }' | sort -u \
  | grep -Ev '/(libc|libm|libdl|libpthread|librt|libresolv|libutil|ld-linux-[^/]*)\.so' \
  | xargs -r cp -L -t /out/lib/

# Run: Debian slim, the executables and their libraries, CA certificates (TLS to Kafka or
# PostgreSQL), a user and group 10001 that are not root.
FROM debian:12.12-slim
COPY --from=build /out/lib/ /usr/local/lib/event-driven-systems/
COPY --from=build /out/bin/ /usr/local/bin/
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && echo /usr/local/lib/event-driven-systems > /etc/ld.so.conf.d/event-driven-systems.conf \
 && ldconfig \
 && groupadd --system --gid 10001 app \
 && useradd --system --no-log-init --uid 10001 --gid 10001 --no-create-home --home-dir /srv app \
 && mkdir -p /srv/data \
 && chown app:app /srv/data
# A service on SQLite keeps data/<service>.sqlite here: mount a volume on /srv/data.
WORKDIR /srv
USER 10001:10001
ENV PORT=8080
EXPOSE 8080
