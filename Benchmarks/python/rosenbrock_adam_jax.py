"""2-D Rosenbrock + Adam (torch semantics, float64) with jax.jit + lax.scan, recording every step.

Same workload as `descent-bench` and rosenbrock_adam_numpy.py; the scan's stacked outputs are
the recorded columns (loss, grad norm, lr, params). Compile time is excluded (one warm-up run).
Usage: python3 rosenbrock_adam_jax.py [steps] [repeats]
"""
import statistics
import sys
import time

import jax

jax.config.update("jax_enable_x64", True)
jax.config.update("jax_platform_name", "cpu")
import jax.numpy as jnp  # noqa: E402


def make_run(steps):
    b1, b2, lr, eps, a, b = 0.9, 0.999, 1e-3, 1e-8, 1.0, 100.0

    def body(state, t):
        theta, m, v, p1, p2 = state
        x, y = theta[0], theta[1]
        u = y - x * x
        w = a - x
        loss = b * u * u + w * w
        g = jnp.array([-4 * b * x * u - 2 * w, 2 * b * u])
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        p1 = p1 * b1
        p2 = p2 * b2
        new = theta - (lr / (1 - p1)) * (m / (jnp.sqrt(v) / jnp.sqrt(1 - p2) + eps))
        return (new, m, v, p1, p2), (t, lr, loss, jnp.sqrt(g @ g), theta)

    @jax.jit
    def run():
        z = jnp.zeros(2)
        state = (jnp.array([-1.2, 1.0]), z, z, jnp.float64(1.0), jnp.float64(1.0))
        final, records = jax.lax.scan(body, state, jnp.arange(steps))
        return final[0], records

    return run


def main():
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 2_000_000
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    run = make_run(steps)
    jax.block_until_ready(run())  # compile
    rates = []
    cpu_rates = []
    for _ in range(repeats):
        start, cpu_start = time.perf_counter(), time.process_time()
        theta, records = jax.block_until_ready(run())
        rates.append(steps / (time.perf_counter() - start))
        cpu_rates.append(steps / (time.process_time() - cpu_start))
    print(f"jax_rosenbrock2d_adam_record_every_step: steps={steps} repeats={repeats} "
          f"median_steps_per_cpu_s={int(statistics.median(cpu_rates))} median_steps_per_wall_s={int(statistics.median(rates))} final={theta.tolist()}")


if __name__ == "__main__":
    main()
