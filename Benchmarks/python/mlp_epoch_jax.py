"""MLP 2-16-16-1 (tanh, BCE on one logit) with Adam, batch 32, on 1024 two-moons samples, JAX.

The numpy script's workload as one jit-compiled epoch: a lax.scan over the 32 batches of a
permutation (forward, jax.grad backward, Adam update), then the full-training-set loss.
float64; compile time excluded. Usage: python3 mlp_epoch_jax.py [epochs] [repeats]
"""
import statistics
import sys
import time

import jax

jax.config.update("jax_enable_x64", True)
jax.config.update("jax_platform_name", "cpu")
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

from mlp_epoch_numpy import init, moons  # noqa: E402


def loss_fn(params, x, y):
    h = x
    for k, (w, b) in enumerate(params):
        z = h @ w + b
        h = jnp.tanh(z) if k < len(params) - 1 else z
    logit = h[:, 0]
    return jnp.mean(jnp.maximum(logit, 0) - logit * y + jnp.log1p(jnp.exp(-jnp.abs(logit))))


@jax.jit
def epoch(state, x, y, order):
    b1, b2, lr, eps = 0.9, 0.999, 1e-2, 1e-8

    def body(carry, idx):
        params, m, v, t = carry
        grads = jax.grad(loss_fn)(params, x[idx], y[idx])
        t = t + 1
        c1, c2 = 1 - b1 ** t, jnp.sqrt(1 - b2 ** t)
        m = jax.tree_util.tree_map(lambda a, g: b1 * a + (1 - b1) * g, m, grads)
        v = jax.tree_util.tree_map(lambda a, g: b2 * a + (1 - b2) * g * g, v, grads)
        params = jax.tree_util.tree_map(lambda p, a, s: p - lr / c1 * a / (jnp.sqrt(s) / c2 + eps), params, m, v)
        return (params, m, v, t), None

    state, _ = jax.lax.scan(body, state, order.reshape(-1, 32))
    return state, loss_fn(state[0], x, y)


def main():
    epochs = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    rng = np.random.default_rng(1)
    x, y = moons(1024, 0.1, rng)
    x, y = jnp.asarray(x), jnp.asarray(y)
    params = [(jnp.asarray(w), jnp.asarray(b)) for w, b in init(np.random.default_rng(1), [2, 16, 16, 1])]
    zeros = jax.tree_util.tree_map(jnp.zeros_like, params)
    start_state = (params, zeros, zeros, jnp.float64(0))
    orders = [jnp.asarray(np.random.default_rng(e).permutation(1024)) for e in range(epochs)]
    jax.block_until_ready(epoch(start_state, x, y, orders[0]))  # compile
    rates = []
    cpu_rates = []
    for _ in range(repeats):
        state = start_state
        begin, cpu_start = time.perf_counter(), time.process_time()
        for e in range(epochs):
            state, loss = epoch(state, x, y, orders[e])
        jax.block_until_ready(loss)
        rates.append(epochs / (time.perf_counter() - begin))
        cpu_rates.append(epochs / (time.process_time() - cpu_start))
    print(f"jax_mlp_2_16_16_1_batch32: samples=1024 epochs={epochs} repeats={repeats} "
          f"median_epochs_per_cpu_s={int(statistics.median(cpu_rates))} median_epochs_per_wall_s={statistics.median(rates):.1f} final_loss={float(loss):.6f}")


if __name__ == "__main__":
    main()
