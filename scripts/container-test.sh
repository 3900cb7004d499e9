#!/usr/bin/env bash
# Tests the container image's runtime stage where no Docker engine or registry is reachable: podman
# (runc, cgroupfs) and a descent binary built on the host with the Swift runtime linked in, which
# scripts/runtime-rootfs.sh turns into the image's file system as the Dockerfile's build stage does
# (the host must be Debian 12, the build image's userland: the libraries are copied from it).
# Checks /healthz and the image's HEALTHCHECK (`descent health`), a submission, that the server runs as
# uid 10001 and writes the /data volume as that user, that the image has no shell, and that the volume
# keeps experiments across a container restart; prints the image's size. With DESCENT_TEST_POSTGRES_URL
# set (scripts/with-postgres.sh scripts/container-test.sh), also runs two containers on that database:
# submit on one, read the result on the other.
# Needs root and: apt-get install -y podman runc
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
port=${PORT:-18080}
export CONTAINERS_CONF=$work/containers.conf
printf '[containers]\ndefault_ulimits = []\n' >"$CONTAINERS_CONF"  # setrlimit is not permitted on some hosts
# Without systemd, podman logs errors about healthcheck timers; they are harmless (the check is run by hand below).
pm=(podman --runtime runc --cgroup-manager cgroupfs)
cleanup() {
  "${pm[@]}" rm -f descent-test descent-pg-1 descent-pg-2 >/dev/null 2>&1 || true
  "${pm[@]}" volume rm -f descent-test-data >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "== descent binary (release, static Swift runtime)"
swift build -c release --product descent --static-swift-stdlib --scratch-path .build-static
scripts/runtime-rootfs.sh .build-static/release/descent "$work/ctx/out"
cp -r config "$work/ctx/"
# The Dockerfile's runtime stage as it is, with the build stage's /out made on the host.
sed -n '/^FROM scratch/,$p' Dockerfile | sed 's|^COPY --from=build \(--chown=[^ ]* \)\{0,1\}/out/|COPY \1out/|' >"$work/ctx/Containerfile"
grep -q -- '--from=build' "$work/ctx/Containerfile" && { echo "Containerfile still copies from the build stage" >&2; exit 1; }
echo "== image"
"${pm[@]}" build -q --format docker -t localhost/descent:test -f "$work/ctx/Containerfile" "$work/ctx"

start() {
  "${pm[@]}" run -d --name descent-test -p "127.0.0.1:$port:8080" -v descent-test-data:/data localhost/descent:test >/dev/null
  for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && return; sleep 0.1; done
  "${pm[@]}" logs descent-test; echo "container did not become healthy" >&2; exit 1
}
echo "== run"
start
echo "healthz: $(curl -fsS "http://127.0.0.1:$port/healthz")"
"${pm[@]}" healthcheck run descent-test && echo "image HEALTHCHECK: healthy"
# The server's real uid, read on the host (the image has no ps or id).
user=$(awk '/^Uid:/ { print $2 }' "/proc/$("${pm[@]}" inspect descent-test --format '{{.State.Pid}}')/status")
[ "$user" = 10001 ] || { echo "runs as uid $user, not 10001" >&2; exit 1; }
if "${pm[@]}" exec descent-test /bin/sh -c true >/dev/null 2>&1; then echo "the image has a shell" >&2; exit 1; fi
id=$(curl -fsS -X POST "http://127.0.0.1:$port/v1/experiments" -H 'Content-Type: application/json' \
  -d '{"objective":{"type":"saddle"},"optimizer":{"type":"sgd","lr":0.1},"start":[0.01,0.02],"steps":300}' \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
for _ in $(seq 100); do
  status=$(curl -fsS "http://127.0.0.1:$port/v1/experiments/$id" | python3 -c 'import json, sys; print(json.load(sys.stdin)["status"])')
  [ "$status" = succeeded ] && break; sleep 0.1
done
[ "$status" = succeeded ] || { echo "experiment $id: $status" >&2; exit 1; }
loss=$(curl -fsS "http://127.0.0.1:$port/v1/experiments/$id" | python3 -c 'import json, sys; print(json.load(sys.stdin)["summary"]["final_loss"])')
echo "experiment $id succeeded, final loss $loss"
volume=$("${pm[@]}" volume inspect descent-test-data --format '{{.Mountpoint}}')
owners=$(find "$volume" -printf '%U:%G\n' | sort -u | tr '\n' ' ')
[ "$owners" = "10001:10001 " ] || { echo "files in /data belong to $owners, not only 10001:10001" >&2; ls -ln "$volume" >&2; exit 1; }
echo "/data volume: $(ls "$volume" | tr '\n' ' ')owned by $owners"
echo "== restart on the same volume"
"${pm[@]}" stop -t 10 descent-test >/dev/null
"${pm[@]}" rm descent-test >/dev/null
start
again=$(curl -fsS "http://127.0.0.1:$port/v1/experiments/$id" | python3 -c 'import json, sys; d = json.load(sys.stdin); print(d["status"], d["summary"]["final_loss"])')
[ "$again" = "succeeded $loss" ] || { echo "after restart: $again" >&2; exit 1; }
echo "after restart: $again"
if [ -n "${DESCENT_TEST_POSTGRES_URL:-}" ]; then
  echo "== two containers on one PostgreSQL database"
  for n in 1 2; do
    "${pm[@]}" run -d --name "descent-pg-$n" --network host -e DESCENT_PORT=$((port + n)) \
      -e DESCENT_STORE_URL="$DESCENT_TEST_POSTGRES_URL" localhost/descent:test >/dev/null
    for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$((port + n))/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
  done
  pid=$(curl -fsS -X POST "http://127.0.0.1:$((port + 1))/v1/experiments" -H 'Content-Type: application/json' \
    -d '{"objective":{"type":"saddle"},"optimizer":{"type":"sgd","lr":0.1},"start":[0.01,0.02],"steps":300}' \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
  for _ in $(seq 100); do
    seen=$(curl -fsS "http://127.0.0.1:$((port + 2))/v1/experiments/$pid" | python3 -c 'import json, sys; d = json.load(sys.stdin); print(d["status"], d["summary"] and d["summary"]["final_loss"])')
    [ "$seen" = "succeeded $loss" ] && break; sleep 0.1
  done
  [ "$seen" = "succeeded $loss" ] || { echo "PostgreSQL: submitted on 1, seen on 2: $seen" >&2; exit 1; }
  echo "PostgreSQL: submitted on container 1, read on container 2: $seen"
fi
echo "container test: ok (uid $user, image $("${pm[@]}" image inspect localhost/descent:test --format '{{.Size}}') bytes)"
"${pm[@]}" images localhost/descent:test
