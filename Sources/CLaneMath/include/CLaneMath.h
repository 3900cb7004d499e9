#ifndef DESCENT_CLANEMATH_H
#define DESCENT_CLANEMATH_H

/*
 * Four-lane arithmetic and lane tests that Swift's SIMD4<Double> does not compile to vector instructions on
 * baseline x86-64. Imported by DescentCore as SIMD4<Double>; the functions are static inline, so the optimizer
 * inlines them into the lockstep loops.
 */

typedef double descent_lanes __attribute__((ext_vector_type(4)));

/* Every function here is always inlined, so no four-lane value crosses a call and its AVX-less ABI never applies. */
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wpsabi"

#if defined(__SSE2__)
#include <emmintrin.h>

/* The two SSE2 halves of four lanes, and back. */
static inline __attribute__((always_inline)) __m128d descent_lanes_low(descent_lanes x) {
    return (__m128d)__builtin_shufflevector(x, x, 0, 1);
}
static inline __attribute__((always_inline)) __m128d descent_lanes_high(descent_lanes x) {
    return (__m128d)__builtin_shufflevector(x, x, 2, 3);
}
static inline __attribute__((always_inline)) descent_lanes descent_lanes_join(__m128d low, __m128d high) {
    return (descent_lanes)__builtin_shufflevector(low, high, 0, 1, 2, 3);
}
/* Bit k set where lane k of the comparison result is all ones. */
static inline __attribute__((always_inline)) int descent_lanes_bits(__m128d low, __m128d high) {
    return _mm_movemask_pd(low) | (_mm_movemask_pd(high) << 2);
}
#endif

/*
 * The correctly rounded square root of each lane: two SSE2 `sqrtpd` (IEEE 754 √ is exact-rounded, so every
 * lane has the bits the scalar √ gives). SIMD4<Double>.squareRoot() instead takes four scalar roots, each
 * with a branch to the C library's sqrt for negative inputs (to set errno).
 */
static inline __attribute__((always_inline)) descent_lanes descent_lanes_square_root(descent_lanes x) {
#if defined(__SSE2__)
    return descent_lanes_join(_mm_sqrt_pd(descent_lanes_low(x)), _mm_sqrt_pd(descent_lanes_high(x)));
#else
    return (descent_lanes){__builtin_sqrt(x.x), __builtin_sqrt(x.y), __builtin_sqrt(x.z), __builtin_sqrt(x.w)};
#endif
}

/* Bit k set where |w| < 1/2 in lane k (clear for NaN): the lanes where torch's lerp takes its first branch. */
static inline __attribute__((always_inline)) int descent_lanes_below_half(descent_lanes w) {
#if defined(__SSE2__)
    const __m128d magnitude = _mm_castsi128_pd(_mm_set1_epi64x(0x7FFFFFFFFFFFFFFFLL)), half = _mm_set1_pd(0.5);
    return descent_lanes_bits(_mm_cmplt_pd(_mm_and_pd(descent_lanes_low(w), magnitude), half),
                              _mm_cmplt_pd(_mm_and_pd(descent_lanes_high(w), magnitude), half));
#else
    return (__builtin_fabs(w.x) < 0.5) | (__builtin_fabs(w.y) < 0.5) << 1 | (__builtin_fabs(w.z) < 0.5) << 2
        | (__builtin_fabs(w.w) < 0.5) << 3;
#endif
}

/*
 * Bit k set where lane k may have to stop: !(|loss| <= divergence) (a NaN or infinite loss, or one past the
 * divergence threshold, which the caller keeps finite), !(norm < ∞), norm <= tolerance or loss <= target. A
 * filter: the caller decides the stop and its reason with the exact scalar checks, for the flagged lanes only.
 */
static inline __attribute__((always_inline)) int descent_lanes_stop_candidates(descent_lanes loss, descent_lanes norm,
                                                                               descent_lanes divergence,
                                                                               descent_lanes tolerance,
                                                                               descent_lanes target) {
#if defined(__SSE2__)
    const __m128d magnitude = _mm_castsi128_pd(_mm_set1_epi64x(0x7FFFFFFFFFFFFFFFLL));
    const __m128d infinity = _mm_set1_pd(__builtin_inf());
    __m128d flags[2];
    for (int h = 0; h < 2; h++) {
        __m128d l = h ? descent_lanes_high(loss) : descent_lanes_low(loss);
        __m128d n = h ? descent_lanes_high(norm) : descent_lanes_low(norm);
        __m128d d = h ? descent_lanes_high(divergence) : descent_lanes_low(divergence);
        __m128d tol = h ? descent_lanes_high(tolerance) : descent_lanes_low(tolerance);
        __m128d tar = h ? descent_lanes_high(target) : descent_lanes_low(target);
        __m128d f = _mm_cmpnle_pd(_mm_and_pd(l, magnitude), d);
        f = _mm_or_pd(f, _mm_cmpnlt_pd(n, infinity));
        f = _mm_or_pd(f, _mm_cmple_pd(n, tol));
        flags[h] = _mm_or_pd(f, _mm_cmple_pd(l, tar));
    }
    return descent_lanes_bits(flags[0], flags[1]);
#else
    int bits = 0;
    for (int k = 0; k < 4; k++) {
        int f = !(__builtin_fabs(loss[k]) <= divergence[k]) || !(norm[k] < __builtin_inf()) || norm[k] <= tolerance[k]
            || loss[k] <= target[k];
        bits |= f << k;
    }
    return bits;
#endif
}

/*
 * The lanes where candidate < current (false for NaN, as the scalar `<`) take `taken`, the others keep `kept`:
 * with (loss, best, loss, best) the new lowest loss, with (loss, best, step, bestStep) its step.
 */
static inline __attribute__((always_inline)) descent_lanes descent_lanes_where_lower(descent_lanes candidate,
                                                                                     descent_lanes current,
                                                                                     descent_lanes taken,
                                                                                     descent_lanes kept) {
#if defined(__SSE2__)
    __m128d m0 = _mm_cmplt_pd(descent_lanes_low(candidate), descent_lanes_low(current));
    __m128d m1 = _mm_cmplt_pd(descent_lanes_high(candidate), descent_lanes_high(current));
    return descent_lanes_join(_mm_or_pd(_mm_and_pd(m0, descent_lanes_low(taken)), _mm_andnot_pd(m0, descent_lanes_low(kept))),
                              _mm_or_pd(_mm_and_pd(m1, descent_lanes_high(taken)), _mm_andnot_pd(m1, descent_lanes_high(kept))));
#else
    descent_lanes result = kept;
    for (int k = 0; k < 4; k++) {
        if (candidate[k] < current[k]) result[k] = taken[k];
    }
    return result;
#endif
}

/* Whether `descent_lanes_fma_instruction` may run (the CPU has FMA3 and AVX state is enabled); set once at load time
 * (CLaneMath.c) and only read afterwards. */
extern int descent_lanes_have_fma;

/* `descent_lanes_have_fma` for Swift, which may not read a mutable C global under strict concurrency. */
static inline __attribute__((always_inline)) int descent_lanes_fma_available(void) { return descent_lanes_have_fma; }

/* x·y + z in each of four lanes, rounded once, by one 256-bit `vfmadd` (compiled for FMA3 alone: call it only when
 * `descent_lanes_have_fma`). */
void descent_lanes_fma_instruction(const double *x, const double *y, const double *z, double *out);

/* Whether the AVX kernels may run (the CPU has AVX and AVX state is enabled); set once at load time. */
extern int descent_lanes_have_avx;

/* `descent_lanes_have_avx` for Swift. */
static inline __attribute__((always_inline)) int descent_lanes_avx_available(void) { return descent_lanes_have_avx; }

/* Whether the CPU has AVX-512F with its state enabled, and FMA3: `descent_tanh_fma` then takes 512-bit registers. */
extern int descent_lanes_have_avx512;

/* `descent_lanes_have_avx512` for Swift. */
static inline __attribute__((always_inline)) int descent_lanes_avx512_available(void) { return descent_lanes_have_avx512; }

/* Replaces each of the `count` values by its tanh, with the bits LaneTanh (DescentCore) gives: its algorithm, fused
 * multiply-adds included, on 512-bit registers where the CPU has AVX-512F, else on 256-bit ones (call it only when
 * `descent_lanes_have_fma`). */
void descent_tanh_fma(double *values, long count);

/* `descent_tanh_fma` on 256-bit registers only, whatever the CPU (the tests compare the two). */
void descent_tanh_fma256(double *values, long count);

/* The fused MLP pass's loops (MLPFusedPass, DescentCore) on 256-bit AVX registers, with the bits its Swift loops give
 * (MLPKernels.c; call them only when `descent_lanes_have_avx`). Activations and deltas are unit-major rows of `stride`
 * samples, eight samples per group; `input` of the accumulation is sample-major, m values per sample. */
void descent_mlp_affine_avx(const double *weights, const double *bias, const double *input, double *output, long n,
                            long m, long groups, long stride);
void descent_mlp_accumulate_avx(double *weights, double *bias, const double *delta, const double *input, long n,
                                long m, long count, long stride);
void descent_mlp_propagate_avx(const double *weights, const double *delta, const double *activations, double *below,
                               long n, long m, long groups, long stride, int tanh);

/* A lockstep Adam group's per-block hyper-parameters and this step's values, four doubles per block (lane k of block
 * b at [4b + k]), and its shape. */
typedef struct {
    long blocks, dimension;
    const double *learning_rates, *beta1, *beta2, *epsilon, *weight_decay, *correction1, *correction2;
    int decays, decoupled, amsgrad, maximize;
} descent_adam_lanes;

/* One Adam / AdamW step of every block whose `running[b]` is nonzero: θ (4·dimension doubles per block), its gradient
 * and m, v, v^max (12 per coordinate) in place, with the bits AdamUpdate.apply gives each lane (call it only when
 * `descent_lanes_have_fma`). */
void descent_adam_lanes_step(const descent_adam_lanes *group, double *theta, const double *gradient, double *moments,
                             const unsigned char *running);

/* For each block whose `running[b]` is nonzero, the four lanes' √(0 + g₀² + … + g_{n−1}²) of its `dimension` gradient
 * coordinates (4 doubles each, block after block) into `norms[4b …]`: LockstepLoop's sum in its order on 256-bit
 * registers (call it only when `descent_lanes_have_avx`). */
void descent_lanes_gradient_norms(long blocks, long dimension, const double *gradient, const unsigned char *running,
                                  double *norms);

/* x·y + z lane by lane through the C library's fma (four calls; the path without FMA3). */
static inline __attribute__((always_inline)) descent_lanes descent_lanes_fma_library(descent_lanes x, descent_lanes y,
                                                                                     descent_lanes z) {
    return (descent_lanes){__builtin_fma(x.x, y.x, z.x), __builtin_fma(x.y, y.y, z.y), __builtin_fma(x.z, y.z, z.z),
                           __builtin_fma(x.w, y.w, z.w)};
}

/*
 * x·y + z lane by lane, rounded once: one call of the FMA3 kernel when the CPU has it, else the C library's fma
 * per lane (what SIMD4<Double>.addingProduct calls on baseline x86-64, four calls). Both are IEEE 754's fused
 * multiply-add, so every lane has the bits the scalar fma gives.
 */
static inline __attribute__((always_inline)) descent_lanes descent_lanes_fused_multiply_add(descent_lanes x, descent_lanes y,
                                                                                            descent_lanes z) {
    if (descent_lanes_have_fma) {
        descent_lanes out;
        descent_lanes_fma_instruction((const double *)&x, (const double *)&y, (const double *)&z, (double *)&out);
        return out;
    }
    return descent_lanes_fma_library(x, y, z);
}

#pragma clang diagnostic pop

#endif
