"""2-D Rosenbrock + Adam (torch semantics, float64), recording every step, as a plain numpy loop.

Same workload as `descent-bench`: start (-1.2, 1), lr 1e-3, betas (0.9, 0.999), eps 1e-8;
per step records step, epoch, lr, loss, grad norm and the parameters into preallocated columns.
Usage: python3 rosenbrock_adam_numpy.py [steps] [repeats]
"""
import statistics
import sys
import time

import numpy as np


def run(steps):
    theta = np.array([-1.2, 1.0])
    m = np.zeros(2)
    v = np.zeros(2)
    b1, b2, lr, eps, a, b = 0.9, 0.999, 1e-3, 1e-8, 1.0, 100.0
    step_col = np.empty(steps, dtype=np.int64)
    epoch_col = np.zeros(steps, dtype=np.int64)
    lr_col = np.empty(steps)
    loss_col = np.empty(steps)
    gn_col = np.empty(steps)
    params = np.empty((steps, 2))
    p1 = p2 = 1.0
    for t in range(steps):
        x, y = theta[0], theta[1]
        u = y - x * x
        w = a - x
        loss = b * u * u + w * w
        g = np.array([-4 * b * x * u - 2 * w, 2 * b * u])
        step_col[t] = t
        lr_col[t] = lr
        loss_col[t] = loss
        gn_col[t] = np.sqrt(g @ g)
        params[t] = theta
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        p1 *= b1
        p2 *= b2
        theta = theta - (lr / (1 - p1)) * (m / (np.sqrt(v) / np.sqrt(1 - p2) + eps))
    return theta


def main():
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    rates = []
    cpu_rates = []
    for _ in range(repeats):
        start, cpu_start = time.perf_counter(), time.process_time()
        theta = run(steps)
        rates.append(steps / (time.perf_counter() - start))
        cpu_rates.append(steps / (time.process_time() - cpu_start))
    print(f"numpy_rosenbrock2d_adam_record_every_step: steps={steps} repeats={repeats} "
          f"median_steps_per_cpu_s={int(statistics.median(cpu_rates))} median_steps_per_wall_s={int(statistics.median(rates))} final={theta.tolist()}")


if __name__ == "__main__":
    main()
