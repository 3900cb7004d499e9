/*
 * The fused MLP pass's loops over samples (MLPFusedPass, DescentCore) on 256-bit AVX registers. Each value is
 * computed by the IEEE operations the Swift code does, in its order (every sum runs over its terms in the same
 * sequence, from the same start), so each gives the same bits; only independent sums are interleaved, to keep the
 * adders busy. Swift compiles its SIMD8<Double> for baseline x86-64 as four SSE2 halves per operation; these run
 * each operation twice as wide. No contraction into fused multiply-adds (the target has none, and the pragma forbids
 * it anyway). Call them only when `descent_lanes_have_avx`.
 */
#include "CLaneMath.h"

#if defined(__x86_64__)
#include <immintrin.h>

#pragma clang fp contract(off)

#define DESCENT_AVX __attribute__((target("avx")))

/* output[o·stride + s] = bias[o] + Σᵢ weights[o·m + i]·input[i·stride + s] (i in order) for the `groups`·8 samples s. */
DESCENT_AVX void descent_mlp_affine_avx(const double *weights, const double *bias, const double *input, double *output,
                                        long n, long m, long groups, long stride) {
    for (long group = 0; group < groups; group++) {
        const long lane = 8 * group;
        long o = 0;
        for (; o + 4 <= n; o += 4) {
            __m256d s[8];
            for (int u = 0; u < 4; u++) s[2 * u] = s[2 * u + 1] = _mm256_set1_pd(bias[o + u]);
            const double *row = weights + o * m, *source = input + lane;
            for (long i = 0; i < m; i++, source += stride) {
                const __m256d low = _mm256_loadu_pd(source), high = _mm256_loadu_pd(source + 4);
                for (int u = 0; u < 4; u++) {
                    const __m256d w = _mm256_set1_pd(row[u * m + i]);
                    s[2 * u] = _mm256_add_pd(s[2 * u], _mm256_mul_pd(w, low));
                    s[2 * u + 1] = _mm256_add_pd(s[2 * u + 1], _mm256_mul_pd(w, high));
                }
            }
            for (int u = 0; u < 4; u++) {
                _mm256_storeu_pd(output + (o + u) * stride + lane, s[2 * u]);
                _mm256_storeu_pd(output + (o + u) * stride + lane + 4, s[2 * u + 1]);
            }
        }
        for (; o < n; o++) {
            __m256d low = _mm256_set1_pd(bias[o]), high = low;
            const double *row = weights + o * m, *source = input + lane;
            for (long i = 0; i < m; i++, source += stride) {
                const __m256d w = _mm256_set1_pd(row[i]);
                low = _mm256_add_pd(low, _mm256_mul_pd(w, _mm256_loadu_pd(source)));
                high = _mm256_add_pd(high, _mm256_mul_pd(w, _mm256_loadu_pd(source + 4)));
            }
            _mm256_storeu_pd(output + o * stride + lane, low);
            _mm256_storeu_pd(output + o * stride + lane + 4, high);
        }
    }
}

/* For each unit o: bias[o] += δₒ[0] + δₒ[1] + … and weights[o·m + i] += δₒ[k]·input[k·m + i] over the `count` samples
 * k in order, with δₒ = delta + o·stride and `input` sample-major. */
DESCENT_AVX void descent_mlp_accumulate_avx(double *weights, double *bias, const double *delta, const double *input,
                                            long n, long m, long count, long stride) {
    long o = 0;
    for (; o + 4 <= n; o += 4) {
        double b0 = bias[o], b1 = bias[o + 1], b2 = bias[o + 2], b3 = bias[o + 3];
        const double *d = delta + o * stride;
        for (long k = 0; k < count; k++) {
            b0 += d[k];
            b1 += d[stride + k];
            b2 += d[2 * stride + k];
            b3 += d[3 * stride + k];
        }
        bias[o] = b0, bias[o + 1] = b1, bias[o + 2] = b2, bias[o + 3] = b3;
    }
    for (; o < n; o++) {
        double b = bias[o];
        for (long k = 0; k < count; k++) b += delta[o * stride + k];
        bias[o] = b;
    }
    /* Two units at a time share each sample's loads. */
    for (o = 0; o < n; o += 2) {
        const int pair = o + 1 < n;
        const double *d0 = delta + o * stride, *d1 = pair ? d0 + stride : d0;
        double *row0 = weights + o * m, *row1 = pair ? row0 + m : row0;
        long i = 0;
        for (; i + 8 <= m; i += 8) {
            __m256d a0 = _mm256_loadu_pd(row0 + i), a1 = _mm256_loadu_pd(row0 + i + 4);
            __m256d c0 = _mm256_loadu_pd(row1 + i), c1 = _mm256_loadu_pd(row1 + i + 4);
            const double *sample = input + i;
            for (long k = 0; k < count; k++, sample += m) {
                const __m256d h0 = _mm256_loadu_pd(sample), h1 = _mm256_loadu_pd(sample + 4);
                const __m256d e0 = _mm256_set1_pd(d0[k]), e1 = _mm256_set1_pd(d1[k]);
                a0 = _mm256_add_pd(a0, _mm256_mul_pd(e0, h0));
                a1 = _mm256_add_pd(a1, _mm256_mul_pd(e0, h1));
                c0 = _mm256_add_pd(c0, _mm256_mul_pd(e1, h0));
                c1 = _mm256_add_pd(c1, _mm256_mul_pd(e1, h1));
            }
            _mm256_storeu_pd(row0 + i, a0), _mm256_storeu_pd(row0 + i + 4, a1);
            if (pair) _mm256_storeu_pd(row1 + i, c0), _mm256_storeu_pd(row1 + i + 4, c1);
        }
        if (i + 4 <= m) {
            __m256d a = _mm256_loadu_pd(row0 + i), c = _mm256_loadu_pd(row1 + i);
            const double *sample = input + i;
            for (long k = 0; k < count; k++, sample += m) {
                const __m256d h = _mm256_loadu_pd(sample);
                a = _mm256_add_pd(a, _mm256_mul_pd(_mm256_set1_pd(d0[k]), h));
                c = _mm256_add_pd(c, _mm256_mul_pd(_mm256_set1_pd(d1[k]), h));
            }
            _mm256_storeu_pd(row0 + i, a);
            if (pair) _mm256_storeu_pd(row1 + i, c);
            i += 4;
        }
        for (; i < m; i++) {
            double a = row0[i], c = row1[i];
            const double *sample = input + i;
            for (long k = 0; k < count; k++, sample += m) {
                a += d0[k] * *sample;
                c += d1[k] * *sample;
            }
            row0[i] = a;
            if (pair) row1[i] = c;
        }
    }
}

/* below[i·stride + s] = (0 + Σₒ delta[o·stride + s]·weights[o·m + i], o in order)·act′ for the `groups`·8 samples s,
 * act′ = 1 − h² for tanh (`tanh` nonzero), else 1 where h > 0 and 0 elsewhere, h = activations[i·stride + s]. */
DESCENT_AVX void descent_mlp_propagate_avx(const double *weights, const double *delta, const double *activations,
                                           double *below, long n, long m, long groups, long stride, int tanh) {
    const __m256d one = _mm256_set1_pd(1.0), zero = _mm256_setzero_pd();
    for (long group = 0; group < groups; group++) {
        const long lane = 8 * group;
        long i = 0;
        for (; i < m; i += 4) {
            const int width = m - i < 4 ? (int)(m - i) : 4;
            __m256d s[8];
            for (int u = 0; u < 8; u++) s[u] = zero;
            const double *source = delta + lane, *w = weights + i;
            for (long o = 0; o < n; o++, source += stride, w += m) {
                const __m256d low = _mm256_loadu_pd(source), high = _mm256_loadu_pd(source + 4);
                for (int u = 0; u < width; u++) {
                    const __m256d weight = _mm256_set1_pd(w[u]);
                    s[2 * u] = _mm256_add_pd(s[2 * u], _mm256_mul_pd(low, weight));
                    s[2 * u + 1] = _mm256_add_pd(s[2 * u + 1], _mm256_mul_pd(high, weight));
                }
            }
            for (int u = 0; u < width; u++) {
                const double *h = activations + (i + u) * stride + lane;
                double *target = below + (i + u) * stride + lane;
                for (int half = 0; half < 2; half++) {
                    const __m256d a = _mm256_loadu_pd(h + 4 * half);
                    const __m256d slope = tanh ? _mm256_sub_pd(one, _mm256_mul_pd(a, a))
                                               : _mm256_and_pd(_mm256_cmp_pd(a, zero, _CMP_GT_OQ), one);
                    _mm256_storeu_pd(target + 4 * half, _mm256_mul_pd(s[2 * u + half], slope));
                }
            }
        }
    }
}
#else
void descent_mlp_affine_avx(const double *weights, const double *bias, const double *input, double *output, long n,
                            long m, long groups, long stride) {
    (void)weights, (void)bias, (void)input, (void)output, (void)n, (void)m, (void)groups, (void)stride;
    __builtin_trap(); /* never called: descent_lanes_have_avx is 0 */
}

void descent_mlp_accumulate_avx(double *weights, double *bias, const double *delta, const double *input, long n,
                                long m, long count, long stride) {
    (void)weights, (void)bias, (void)delta, (void)input, (void)n, (void)m, (void)count, (void)stride;
    __builtin_trap(); /* never called: descent_lanes_have_avx is 0 */
}

void descent_mlp_propagate_avx(const double *weights, const double *delta, const double *activations, double *below,
                               long n, long m, long groups, long stride, int tanh) {
    (void)weights, (void)delta, (void)activations, (void)below, (void)n, (void)m, (void)groups, (void)stride,
        (void)tanh;
    __builtin_trap(); /* never called: descent_lanes_have_avx is 0 */
}
#endif
