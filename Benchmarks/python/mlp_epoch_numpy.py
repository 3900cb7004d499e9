"""MLP 2-16-16-1 (tanh, BCE on one logit) with Adam, batch 32, on 1024 two-moons samples, numpy.

Same shape of workload as `descent-bench`'s MLP line: 32 updates per epoch, forward + backward
per batch, a full-training-set loss at the end of each epoch. Reports epochs per second of process CPU time and of wall-clock time.
Usage: python3 mlp_epoch_numpy.py [epochs] [repeats]
"""
import statistics
import sys
import time

import numpy as np


def moons(n, noise, rng):
    half = n // 2
    t1 = rng.uniform(0, np.pi, half)
    t2 = rng.uniform(0, np.pi, n - half)
    x = np.concatenate([np.stack([np.cos(t1), np.sin(t1)], 1), np.stack([1 - np.cos(t2), 0.5 - np.sin(t2)], 1)])
    y = np.concatenate([np.zeros(half), np.ones(n - half)])
    return x + noise * rng.standard_normal(x.shape), y


def init(rng, sizes):
    return [(rng.uniform(-1, 1, (i, o)) * np.sqrt(6 / (i + o)), np.zeros(o)) for i, o in zip(sizes[:-1], sizes[1:])]


def loss_and_grad(params, x, y):
    acts = [x]
    h = x
    for k, (w, b) in enumerate(params):
        z = h @ w + b
        h = np.tanh(z) if k < len(params) - 1 else z
        acts.append(h)
    logit = h[:, 0]
    loss = np.mean(np.maximum(logit, 0) - logit * y + np.log1p(np.exp(-np.abs(logit))))
    delta = ((1 / (1 + np.exp(-logit)) - y) / len(y))[:, None]
    grads = []
    for k in range(len(params) - 1, -1, -1):
        w, _ = params[k]
        grads.append((acts[k].T @ delta, delta.sum(0)))
        if k > 0:
            delta = (delta @ w.T) * (1 - acts[k] ** 2)
    return loss, grads[::-1]


def train(epochs, x, y, rng):
    params = init(rng, [2, 16, 16, 1])
    m = [(np.zeros_like(w), np.zeros_like(b)) for w, b in params]
    v = [(np.zeros_like(w), np.zeros_like(b)) for w, b in params]
    lr, b1, b2, eps, t = 1e-2, 0.9, 0.999, 1e-8, 0
    n = len(y)
    for epoch in range(epochs):
        order = rng.permutation(n)
        for s in range(0, n, 32):
            idx = order[s:s + 32]
            _, grads = loss_and_grad(params, x[idx], y[idx])
            t += 1
            for k, ((w, b), (gw, gb)) in enumerate(zip(params, grads)):
                mw, mb = m[k]
                vw, vb = v[k]
                mw = b1 * mw + (1 - b1) * gw
                mb = b1 * mb + (1 - b1) * gb
                vw = b2 * vw + (1 - b2) * gw * gw
                vb = b2 * vb + (1 - b2) * gb * gb
                m[k], v[k] = (mw, mb), (vw, vb)
                c1, c2 = 1 - b1 ** t, np.sqrt(1 - b2 ** t)
                params[k] = (w - lr / c1 * mw / (np.sqrt(vw) / c2 + eps), b - lr / c1 * mb / (np.sqrt(vb) / c2 + eps))
        full_loss, _ = loss_and_grad(params, x, y)
    return full_loss


def main():
    epochs = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    rng = np.random.default_rng(1)
    x, y = moons(1024, 0.1, rng)
    rates = []
    cpu_rates = []
    for _ in range(repeats):
        start, cpu_start = time.perf_counter(), time.process_time()
        loss = train(epochs, x, y, np.random.default_rng(1))
        rates.append(epochs / (time.perf_counter() - start))
        cpu_rates.append(epochs / (time.process_time() - cpu_start))
    print(f"numpy_mlp_2_16_16_1_batch32: samples=1024 epochs={epochs} repeats={repeats} "
          f"median_epochs_per_cpu_s={int(statistics.median(cpu_rates))} median_epochs_per_wall_s={statistics.median(rates):.1f} final_loss={loss:.6f}")


if __name__ == "__main__":
    main()
