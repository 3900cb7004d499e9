# Multi-stage build: the official Swift image compiles, a slim Debian runs it as a non-root user.
# Base images are build arguments so a local registry can stand in for Docker Hub.
ARG BUILD_IMAGE=swift:6.1-bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim

FROM ${BUILD_IMAGE} AS build
RUN apt-get update && apt-get install -y --no-install-recommends libcurl4-openssl-dev libsqlite3-dev libpq-dev libzstd-dev zlib1g-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
COPY Benchmarks/CoreBench ./Benchmarks/CoreBench
COPY Benchmarks/HTTPBench ./Benchmarks/HTTPBench
COPY Benchmarks/StoreBench ./Benchmarks/StoreBench
COPY Tests ./Tests
RUN swift build -c release --product descent --static-swift-stdlib \
    && mkdir -p /out && cp "$(swift build -c release --show-bin-path)/descent" /out/descent

FROM ${RUNTIME_IMAGE}
RUN apt-get update && apt-get install -y --no-install-recommends libcurl4 libsqlite3-0 libpq5 libzstd1 zlib1g ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin descent \
    && mkdir -p /data && chown descent /data
COPY --from=build /out/descent /usr/local/bin/descent
COPY config/descent.yaml /etc/descent/descent.yaml
USER descent
VOLUME /data
EXPOSE 8080
ENV DESCENT_HOST=0.0.0.0 DESCENT_DATA_DIR=/data
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
ENTRYPOINT ["descent"]
CMD ["serve"]
