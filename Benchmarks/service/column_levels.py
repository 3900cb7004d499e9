#!/usr/bin/env python3
"""Bytes per value and compression speed of the trajectory store's float-column encoding (XOR with the previous
value, 8 byte planes, zstd; `ColumnCodec.xorShuffleZstd`) at several zstd levels, on the float columns (loss,
gradient norm, x, y) of the study benchmark's sweep: 2-D Rosenbrock + Adam (torch's update) from (−1.2, 1), learning
rates 1e-3 … 1e-1 log-spaced, every step recorded, cut into 8,192-row chunks as the service stores them. The runs
are simulated here in numpy (the same update rule, not bit-identical to the service's, statistically alike).

Usage: Benchmarks/service/column_levels.py [--members 16] [--steps 100000] [--levels 1,-1,-2,-3,-5,-10]
Speed is CPU time (time.process_time) through ctypes, one ZSTD_compressCCtx call per chunk column.
"""
import argparse, ctypes, ctypes.util, time
import numpy as np

p = argparse.ArgumentParser()
p.add_argument("--members", type=int, default=16)
p.add_argument("--steps", type=int, default=100000)
p.add_argument("--levels", default="1,-1,-2,-3,-5,-10")
a = p.parse_args()

M, N = a.members, a.steps + 1
lr = np.array([1e-3 * 10 ** (2 * i / max(1, 63)) for i in range(0, 64, max(1, 64 // M))][:M])
x = np.full(lr.size, -1.2); y = np.full(lr.size, 1.0); m = np.zeros((2, lr.size)); v = np.zeros((2, lr.size))
b1, b2, eps = 0.9, 0.999, 1e-8
cols = {k: np.empty((N, lr.size)) for k in ("loss", "grad_norm", "x", "y")}
for t in range(N):
    r = y - x * x
    gx = -2 * (1 - x) - 400 * x * r; gy = 200 * r
    cols["loss"][t] = (1 - x) ** 2 + 100 * r * r; cols["grad_norm"][t] = np.hypot(gx, gy); cols["x"][t] = x; cols["y"][t] = y
    g = np.stack([gx, gy])
    m = b1 * m + (1 - b1) * g; v = b2 * v + (1 - b2) * g * g
    upd = (lr / (1 - b1 ** (t + 1))) * m / (np.sqrt(v) / np.sqrt(1 - b2 ** (t + 1)) + eps)
    x = x - upd[0]; y = y - upd[1]

planes = []
for c in cols.values():
    for member in c.T:
        u = np.ascontiguousarray(member).view(np.uint64)
        for s in range(0, u.size, 8192):
            part = u[s:s + 8192]
            xored = part ^ np.concatenate([[0], part[:-1]]).astype(np.uint64)
            planes.append(np.ascontiguousarray(xored.view(np.uint8).reshape(-1, 8).T).ravel())
values = sum(b.nbytes for b in planes) // 8

z = ctypes.CDLL(ctypes.util.find_library("zstd") or "libzstd.so.1")
z.ZSTD_createCCtx.restype = ctypes.c_void_p
z.ZSTD_compressCCtx.restype = ctypes.c_size_t
z.ZSTD_compressCCtx.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t, ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
z.ZSTD_isError.argtypes = [ctypes.c_size_t]
context = z.ZSTD_createCCtx()
out = ctypes.create_string_buffer(1 << 17)
print(f"members={lr.size} steps={a.steps} float_values={values}")
for level in (int(s) for s in a.levels.split(",")):
    stored = 0
    started = time.process_time()
    for b in planes:
        n = z.ZSTD_compressCCtx(context, out, len(out), b.ctypes.data, b.nbytes, level)
        assert not z.ZSTD_isError(n)
        stored += min(n, b.nbytes)  # the codec stores a column raw when zstd does not make it smaller
    seconds = time.process_time() - started
    print(f"level={level} bytes_per_value={stored / values:.3f} input_mb_per_cpu_s={values * 8 / seconds / 1e6:.0f}")
