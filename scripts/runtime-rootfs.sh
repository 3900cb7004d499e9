#!/bin/sh
# Makes the container's whole file system from a `descent` binary built with --static-swift-stdlib:
#
#   scripts/runtime-rootfs.sh BINARY OUT
#
# OUT/rootfs/ (owned by root, copied to / by the Dockerfile):
#   usr/local/bin/descent        the binary, stripped (release builds carry DWARF debug info)
#   <each path ldd prints>       the shared libraries it loads (libcurl, libpq, libsqlite3, libzstd, zlib,
#                                glibc, libstdc++ and what they load in turn) and the dynamic loader
#   etc/ssl/certs/ca-certificates.crt   CA bundle for TLS from libcurl (client commands) and libpq
#   etc/passwd, etc/group        root and the non-root user `descent` (10001), whose home is /data
#   tmp/                         mode 1777: SQLite's temporary files
# OUT/data/data/ (empty; copied to / with --chown=10001:10001, so the volume's mount point belongs to the user)
#
# Nothing else: no shell, no package manager, no curl (the HEALTHCHECK is `descent health`).
# Run it in the same userland as the binary was built in (the Dockerfile's build stage; for a local test
# of the runtime stage, a Debian 12 host); it needs ldd, strip and, for the CA bundle, ca-certificates.
set -eu
bin=$1 out=$2
root=$out/rootfs
rm -rf "$out"
mkdir -p "$root/usr/local/bin" "$root/etc/ssl/certs" "$root/tmp" "$out/data/data"
chmod 1777 "$root/tmp"
cp "$bin" "$root/usr/local/bin/descent"
strip "$root/usr/local/bin/descent"

# `ldd` lines: "libpq.so.5 => /lib/x86_64-linux-gnu/libpq.so.5 (0x…)", "/lib64/ld-linux-x86-64.so.2 (0x…)",
# and the kernel's "linux-vdso.so.1 (0x…)", which is no file. A library ldd cannot find is an error.
libs=$(ldd "$bin")
if printf '%s\n' "$libs" | grep -q 'not found'; then
  printf '%s\n' "$libs" >&2; echo "runtime-rootfs: a library of $bin is missing" >&2; exit 1
fi
printf '%s\n' "$libs" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | while read -r lib; do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done

if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
else
  echo "runtime-rootfs: no /etc/ssl/certs/ca-certificates.crt (install ca-certificates); TLS will not verify" >&2
fi
printf 'root:x:0:0:root:/root:/usr/sbin/nologin\ndescent:x:10001:10001:descent:/data:/usr/sbin/nologin\n' >"$root/etc/passwd"
printf 'root:x:0:\ndescent:x:10001:\n' >"$root/etc/group"
echo "runtime-rootfs: $(du -sh "$root" | cut -f1) in $root ($(find "$root" -name '*.so*' | wc -l) shared libraries)"
