"""2-D Rosenbrock + Adam (torch semantics, float64) with jax.jit + lax.scan, recording every step.

Same workload as `descent-bench` and rosenbrock_adam_numpy.py; the scan's stacked outputs are
the recorded columns (loss, grad norm, lr, params). Compile time is excluded (one warm-up run).
With a member count, the 64-member learning-rate sweep of `descent-bench … sweep` instead (rates 1e-3 … 1e-1,
log-spaced): jit(vmap(lax.scan)) over the members, rates in member-steps per second.
Usage: python3 rosenbrock_adam_jax.py [steps] [repeats] [members]
"""
import statistics
import sys
import time

import jax

jax.config.update("jax_enable_x64", True)
jax.config.update("jax_platform_name", "cpu")
import jax.numpy as jnp  # noqa: E402


def make_body(lr):
    b1, b2, eps, a, b = 0.9, 0.999, 1e-8, 1.0, 100.0

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

    return body


def initial_state():
    z = jnp.zeros(2)
    return (jnp.array([-1.2, 1.0]), z, z, jnp.float64(1.0), jnp.float64(1.0))


def make_run(steps):
    body = make_body(1e-3)

    @jax.jit
    def run():
        final, records = jax.lax.scan(body, initial_state(), jnp.arange(steps))
        return final[0], records

    return run


def make_sweep(steps, members):
    rates = 1e-3 * 10 ** (2 * jnp.arange(members) / max(1, members - 1))

    def one(lr):
        final, records = jax.lax.scan(make_body(lr), initial_state(), jnp.arange(steps))
        return final[0], records

    return jax.jit(lambda: jax.vmap(one)(rates))


def main():
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 2_000_000
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    members = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    run = make_sweep(steps, members) if members else make_run(steps)
    work = steps * max(1, members)
    jax.block_until_ready(run())  # compile
    rates = []
    cpu_rates = []
    for _ in range(repeats):
        start, cpu_start = time.perf_counter(), time.process_time()
        theta, records = jax.block_until_ready(run())
        rates.append(work / (time.perf_counter() - start))
        cpu_rates.append(work / (time.process_time() - cpu_start))
    if members:
        print(f"jax_sweep_rosenbrock2d_adam_record_every_step: members={members} steps={steps} repeats={repeats} "
              f"median_member_steps_per_cpu_s={int(statistics.median(cpu_rates))} "
              f"median_member_steps_per_wall_s={int(statistics.median(rates))}")
        return
    print(f"jax_rosenbrock2d_adam_record_every_step: steps={steps} repeats={repeats} "
          f"median_steps_per_cpu_s={int(statistics.median(cpu_rates))} median_steps_per_wall_s={int(statistics.median(rates))} final={theta.tolist()}")


if __name__ == "__main__":
    main()
