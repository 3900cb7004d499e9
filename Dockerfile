# Multi-stage build: the official Swift image compiles; the image that runs holds only the `descent`
# binary (Swift runtime linked in), the shared libraries it loads, CA certificates and a non-root user.
# No shell, no package manager, no curl: the HEALTHCHECK is the binary's own `descent health`.
# BUILD_IMAGE is a build argument so a local registry can stand in for Docker Hub; it must be the
# Debian release whose libraries are copied (bookworm), since the binary runs with exactly those.
ARG BUILD_IMAGE=swift:6.1-bookworm

FROM ${BUILD_IMAGE} AS build
RUN apt-get update && apt-get install -y --no-install-recommends libcurl4-openssl-dev libsqlite3-dev libpq-dev libzstd-dev zlib1g-dev \
        ca-certificates \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
COPY Benchmarks/CoreBench ./Benchmarks/CoreBench
COPY Benchmarks/HTTPBench ./Benchmarks/HTTPBench
COPY Benchmarks/StoreBench ./Benchmarks/StoreBench
COPY Tests ./Tests
COPY scripts/runtime-rootfs.sh ./scripts/
RUN swift build -c release --product descent --static-swift-stdlib \
    && scripts/runtime-rootfs.sh "$(swift build -c release --show-bin-path)/descent" /out

# The runtime stage: scripts/runtime-rootfs.sh says what is in it and why.
FROM scratch
COPY --from=build /out/rootfs/ /
COPY --from=build --chown=10001:10001 /out/data/ /
COPY config/descent.yaml /etc/descent/descent.yaml
USER 10001:10001
VOLUME /data
EXPOSE 8080
ENV DESCENT_HOST=0.0.0.0 DESCENT_DATA_DIR=/data HOME=/data
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s CMD ["/usr/local/bin/descent", "health", "--timeout", "2"]
ENTRYPOINT ["/usr/local/bin/descent"]
CMD ["serve"]
