/* 2-D Rosenbrock + Adam (torch defaults, lr 1e-3, start (-1.2, 1)), recording every step (step, epoch, lr,
 * loss, gradient norm, both parameters) into columns allocated once, as descent-bench's single run does;
 * bias corrections with pow() as torch computes them. Prints steps per CPU-second (median of repeats).
 * Build and run: Benchmarks/c/run.sh [steps] [repeats] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double cpu_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    long steps = argc > 1 ? atol(argv[1]) : 2000000;
    int repeats = argc > 2 ? atoi(argv[2]) : 5;
    double *rates = malloc(sizeof(double) * (size_t)repeats);
    double x = 0, y = 0, last_loss = 0;
    for (int r = 0; r < repeats; r++) {
        long rows = steps + 1;
        long *step = malloc(sizeof(long) * rows), *epoch = malloc(sizeof(long) * rows);
        double *lr = malloc(sizeof(double) * rows), *loss = malloc(sizeof(double) * rows);
        double *gnorm = malloc(sizeof(double) * rows), *params = malloc(sizeof(double) * 2 * rows);
        double start = cpu_seconds();
        const double a = 1, b = 100, rate = 1e-3, b1 = 0.9, b2 = 0.999, eps = 1e-8;
        double m0 = 0, m1 = 0, v0 = 0, v1 = 0;
        x = -1.2; y = 1;
        for (long t = 0; t < steps; t++) {
            double u = y - x * x, w = a - x;
            double g0 = -4 * b * x * u - 2 * w, g1 = 2 * b * u;
            double f = b * u * u + w * w;
            step[t] = t; epoch[t] = 0; lr[t] = rate; loss[t] = f; gnorm[t] = sqrt(g0 * g0 + g1 * g1);
            params[2 * t] = x; params[2 * t + 1] = y;
            if (!isfinite(f)) break;
            double k = (double)(t + 1);
            double step_size = rate / (1 - pow(b1, k));
            double c2 = sqrt(1 - pow(b2, k));
            m0 = b1 * m0 + (1 - b1) * g0; v0 = b2 * v0 + (1 - b2) * g0 * g0;
            m1 = b1 * m1 + (1 - b1) * g1; v1 = b2 * v1 + (1 - b2) * g1 * g1;
            x -= step_size * (m0 / (sqrt(v0) / c2 + eps));
            y -= step_size * (m1 / (sqrt(v1) / c2 + eps));
        }
        rates[r] = (double)steps / (cpu_seconds() - start);
        last_loss = loss[steps - 1];
        free(step); free(epoch); free(lr); free(loss); free(gnorm); free(params);
    }
    qsort(rates, (size_t)repeats, sizeof(double), compare);
    printf("c_rosenbrock2d_adam_record_every_step: steps=%ld repeats=%d median_steps_per_cpu_s=%.0f final=(%.17g, %.17g) last_loss=%.3g\n",
           steps, repeats, rates[repeats / 2], x, y, last_loss);
    free(rates);
    return 0;
}
