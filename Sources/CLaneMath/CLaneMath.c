/* The fused multiply-add and tanh kernels and their CPU checks; everything else in CLaneMath is static inline in
 * include/CLaneMath.h. */
#include "CLaneMath.h"

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>

/* Whether the CPU has FMA3 and the operating system saves AVX state (so VEX-encoded instructions may run). */
static int descent_lanes_detect_fma(void) {
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    const unsigned int fma = 1u << 12, osxsave = 1u << 27, avx = 1u << 28;
    if ((ecx & (fma | osxsave | avx)) != (fma | osxsave | avx)) return 0;
    unsigned int xcr0_low, xcr0_high;
    __asm__("xgetbv" : "=a"(xcr0_low), "=d"(xcr0_high) : "c"(0));
    return (xcr0_low & 6) == 6;  /* SSE and AVX state */
}

/* Whether the CPU has AVX and the operating system saves AVX state. */
static int descent_lanes_detect_avx(void) {
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    const unsigned int osxsave = 1u << 27, avx = 1u << 28;
    if ((ecx & (osxsave | avx)) != (osxsave | avx)) return 0;
    unsigned int xcr0_low, xcr0_high;
    __asm__("xgetbv" : "=a"(xcr0_low), "=d"(xcr0_high) : "c"(0));
    return (xcr0_low & 6) == 6;  /* SSE and AVX state */
}

/* Whether the CPU has AVX-512F and the operating system saves its state (opmask and all 512 bits of 32 registers). */
static int descent_lanes_detect_avx512(void) {
    if (!descent_lanes_detect_avx()) return 0;
    unsigned int eax, ebx, ecx, edx;
    if (__get_cpuid_max(0, 0) < 7) return 0;
    __cpuid_count(7, 0, eax, ebx, ecx, edx);
    if (!(ebx & (1u << 16))) return 0;
    unsigned int xcr0_low, xcr0_high;
    __asm__("xgetbv" : "=a"(xcr0_low), "=d"(xcr0_high) : "c"(0));
    return (xcr0_low & 0xE6) == 0xE6;  /* SSE, AVX, opmask, ZMM_Hi256, Hi16_ZMM state */
}

int descent_lanes_have_fma = 0;
int descent_lanes_have_avx = 0;
int descent_lanes_have_avx512 = 0;

__attribute__((constructor)) static void descent_lanes_initialize(void) {
    descent_lanes_have_fma = descent_lanes_detect_fma();
    descent_lanes_have_avx = descent_lanes_detect_avx();
    descent_lanes_have_avx512 = descent_lanes_have_fma && descent_lanes_detect_avx512();
}

/* y is the instruction's first operand: when several operands are NaN, `vfmadd` returns the first in its order, and
 * the C library's fma (which the scalar runs call) returns y's NaN before x's before z's. The product commutes, so only
 * which NaN comes out depends on the order (`LockstepTests` checks the payloads). */
__attribute__((target("avx,fma"))) void descent_lanes_fma_instruction(const double *x, const double *y, const double *z,
                                                                       double *out) {
    _mm256_storeu_pd(out, _mm256_fmadd_pd(_mm256_loadu_pd(y), _mm256_loadu_pd(x), _mm256_loadu_pd(z)));
}

/*
 * LaneTanh's tanh (Sources/DescentCore/Math/LaneTanh.swift, where the algorithm and its accuracy are documented) on
 * 256-bit AVX or 512-bit AVX-512 registers: the same IEEE operations in the same order, lane by lane, its 23 fused
 * multiply-adds as FMA3 instructions, so every value gets the bits the Swift lanes give it (which round each fused
 * multiply-add once too: an FMA3 instruction where the compiler may use one, else the C library's fma). Nothing
 * else is contracted (the pragma forbids it). Lanes never mix, so how many go through at once does not change a bit:
 * 32 per iteration on AVX-512 and 16 on AVX (four and two independent chains of registers, whose two polynomials,
 * division and long dependency chains interleave), four for what is left, and a last one to three padded with zeros.
 */
#pragma clang fp contract(off)

typedef long descent_lane_bits __attribute__((ext_vector_type(4)));
typedef double descent_lanes16 __attribute__((ext_vector_type(16)));
typedef long descent_lane_bits16 __attribute__((ext_vector_type(16)));
typedef double descent_lanes32 __attribute__((ext_vector_type(32)));
typedef long descent_lane_bits32 __attribute__((ext_vector_type(32)));

/* x·y + z, rounded once, lane by lane (constants are broadcast). */
#define DESCENT_FMA(x, y, z) __builtin_elementwise_fma((x), (y), (__typeof__(x))(z))

/* The kernel's body for LANES lanes; `ANY(mask)` is whether some lane of a mask is set. */
#define DESCENT_TANH_BODY(LANES, BITS, ANY)                                        \
    const BITS sign_mask = (BITS)(long)0x8000000000000000UL;                       \
    const BITS bits = (BITS)x;                                                     \
    const LANES a = (LANES)(bits & ~sign_mask);                                    \
    const BITS in_range = (a >= 0x1p-28) & (a < 22);                               \
    const BITS large = a >= 0.55;                                                  \
    const LANES one = 1.0;                                                         \
    LANES magnitude = one;                                                         \
    if (ANY(in_range & ~large)) {                                                  \
        const LANES z = a * a;                                                     \
        LANES s = -0x1.59a834187ce22p-16;                                          \
        s = DESCENT_FMA(s, z, 0x1.64fd88e9900a5p-14);                              \
        s = DESCENT_FMA(s, z, -0x1.ec1091436eb2ap-13);                             \
        s = DESCENT_FMA(s, z, 0x1.34c5a8a996cd4p-11);                              \
        s = DESCENT_FMA(s, z, -0x1.7d97cfd138c28p-10);                             \
        s = DESCENT_FMA(s, z, 0x1.d6d339333f329p-9);                               \
        s = DESCENT_FMA(s, z, -0x1.226e32f00cf0cp-7);                              \
        s = DESCENT_FMA(s, z, 0x1.664f487713373p-6);                               \
        s = DESCENT_FMA(s, z, -0x1.ba1ba1b9fec84p-5);                              \
        s = DESCENT_FMA(s, z, 0x1.1111111111032p-3);                               \
        s = DESCENT_FMA(s, z, -0x1.5555555555555p-2);                              \
        magnitude = DESCENT_FMA(a * z, s, a);                                      \
    }                                                                              \
    if (ANY(in_range & large)) {                                                   \
        const BITS taken = in_range & large;                                       \
        const LANES y = (LANES)((taken & (BITS)(a + a)) | (~taken & (BITS)one));   \
        const LANES shifter = 0x1.8p52;                                            \
        const LANES shifted = y * 1.44269504088896338700e+00 + shifter;            \
        const LANES k = shifted - shifter;                                         \
        const LANES head = y - k * 6.93147180369123816490e-01;                     \
        const LANES tail = k * 1.90821492927058770002e-10;                         \
        const LANES r = head - tail;                                               \
        const LANES c = (head - r) - tail;                                         \
        LANES q = 1.0 / 6227020800.0;                                              \
        q = DESCENT_FMA(q, r, 1.0 / 479001600.0);                                  \
        q = DESCENT_FMA(q, r, 1.0 / 39916800.0);                                   \
        q = DESCENT_FMA(q, r, 1.0 / 3628800.0);                                    \
        q = DESCENT_FMA(q, r, 1.0 / 362880.0);                                     \
        q = DESCENT_FMA(q, r, 1.0 / 40320.0);                                      \
        q = DESCENT_FMA(q, r, 1.0 / 5040.0);                                       \
        q = DESCENT_FMA(q, r, 1.0 / 720.0);                                        \
        q = DESCENT_FMA(q, r, 1.0 / 120.0);                                        \
        q = DESCENT_FMA(q, r, 1.0 / 24.0);                                         \
        q = DESCENT_FMA(q, r, 1.0 / 6.0);                                          \
        q = DESCENT_FMA(q, r, 1.0 / 2.0);                                          \
        LANES p = DESCENT_FMA(r * r, q, r);                                        \
        p = p + c * (one + p);                                                     \
        const BITS k_bits = (BITS)shifted - (BITS)(long)0x4338000000000000L;       \
        const LANES scale = (LANES)((k_bits + 1023) << 52);                        \
        const LANES scaled = scale * p;                                            \
        const LANES shift = scale + one;                                           \
        const LANES denominator = scaled + shift;                                  \
        const LANES error = (shift - denominator) + scaled;                        \
        LANES quotient = 2.0 / denominator;                                        \
        quotient = quotient - quotient * quotient * error * 0.5;                   \
        const LANES result = one - quotient;                                       \
        magnitude = (LANES)((large & (BITS)result) | (~large & (BITS)magnitude));  \
    }                                                                              \
    magnitude = (LANES)((in_range & (BITS)magnitude) | (~in_range & (BITS)one));   \
    const LANES signed_magnitude = (LANES)((BITS)magnitude | (bits & sign_mask));  \
    const BITS keep = in_range | (a >= 22);                                        \
    return (LANES)((keep & (BITS)signed_magnitude) | (~keep & bits));

#define DESCENT_ANY(mask) __builtin_reduce_or(mask)

/* Always inlined, so no wide value crosses a call (whose ABI would depend on the target). */
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wpsabi"
__attribute__((target("avx,fma"), always_inline)) static inline descent_lanes descent_tanh4(descent_lanes x) {
    DESCENT_TANH_BODY(descent_lanes, descent_lane_bits, DESCENT_ANY)
}

__attribute__((target("avx,fma"), always_inline)) static inline descent_lanes16 descent_tanh16(descent_lanes16 x) {
    DESCENT_TANH_BODY(descent_lanes16, descent_lane_bits16, DESCENT_ANY)
}

__attribute__((target("avx512f,fma"), always_inline)) static inline descent_lanes32 descent_tanh32(descent_lanes32 x) {
    DESCENT_TANH_BODY(descent_lanes32, descent_lane_bits32, DESCENT_ANY)
}

/* Replaces values[k], values[k + 1], … by their tanh, WIDTH at a time (TANH on LANES) while WIDTH remain. */
#define DESCENT_TANH_BLOCKS(LANES, TANH, WIDTH)              \
    for (; k + (WIDTH) <= count; k += (WIDTH)) {             \
        LANES x;                                             \
        __builtin_memcpy(&x, values + k, sizeof x);          \
        x = TANH(x);                                         \
        __builtin_memcpy(values + k, &x, sizeof x);          \
    }

__attribute__((target("avx,fma"))) void descent_tanh_fma256(double *values, long count) {
    long k = 0;
    DESCENT_TANH_BLOCKS(descent_lanes16, descent_tanh16, 16)
    DESCENT_TANH_BLOCKS(descent_lanes, descent_tanh4, 4)
    if (k < count) {
        /* The last one to three values in lanes of their own, the others zero: lanes do not mix. */
        descent_lanes x = 0.0;
        for (long j = 0; k + j < count; j++) x[j] = values[k + j];
        x = descent_tanh4(x);
        for (long j = 0; k + j < count; j++) values[k + j] = x[j];
    }
}

__attribute__((target("avx512f,fma"))) static long descent_tanh_avx512(double *values, long count) {
    long k = 0;
    DESCENT_TANH_BLOCKS(descent_lanes32, descent_tanh32, 32)
    return k;
}
#pragma clang diagnostic pop

void descent_tanh_fma(double *values, long count) {
    long k = descent_lanes_have_avx512 ? descent_tanh_avx512(values, count) : 0;
    descent_tanh_fma256(values + k, count - k);
}

/*
 * Adam / AdamW over a lockstep group's blocks (LockstepAdam, DescentCore): AdamUpdate.apply's operations in its
 * order, lane by lane, on 256-bit registers. The fused multiply-adds are Torch's (one `vfmadd` each, operands in
 * descent_lanes_fma_instruction's order); every other operation is a plain IEEE one and the pragma above forbids
 * contraction, so each lane has the bits of the Swift code (and of the member run alone). Called once per step for
 * all blocks, so the loop over blocks keeps no vector live across a call.
 */
__attribute__((target("avx,fma"))) static inline __m256d descent_fused(__m256d x, __m256d y, __m256d z) {
    return _mm256_fmadd_pd(y, x, z); /* z + x·y, as z.addingProduct(x, y) */
}

__attribute__((target("avx,fma"))) void descent_adam_lanes_step(const descent_adam_lanes *group, double *theta,
                                                               const double *gradient, double *moments,
                                                               const unsigned char *running) {
    const long n = group->dimension;
    const __m256d one = _mm256_set1_pd(1.0), half = _mm256_set1_pd(0.5);
    const __m256d magnitude = _mm256_castsi256_pd(_mm256_set1_epi64x(0x7FFFFFFFFFFFFFFFLL));
    const __m256d sign = _mm256_castsi256_pd(_mm256_set1_epi64x((long long)0x8000000000000000ULL));
    for (long b = 0; b < group->blocks; b++) {
        if (!running[b]) continue;
        const __m256d lr = _mm256_loadu_pd(group->learning_rates + 4 * b);
        const __m256d b1 = _mm256_loadu_pd(group->beta1 + 4 * b), b2 = _mm256_loadu_pd(group->beta2 + 4 * b);
        const __m256d eps = _mm256_loadu_pd(group->epsilon + 4 * b), wd = _mm256_loadu_pd(group->weight_decay + 4 * b);
        const __m256d c2 = _mm256_loadu_pd(group->correction2 + 4 * b);
        const __m256d step_size = _mm256_div_pd(lr, _mm256_loadu_pd(group->correction1 + 4 * b));
        const __m256d minus_step_size = _mm256_xor_pd(step_size, sign);
        const __m256d decay = _mm256_sub_pd(one, _mm256_mul_pd(lr, wd));
        const __m256d w1 = _mm256_sub_pd(one, b1), w2 = _mm256_sub_pd(one, b2);
        /* |w| < 1/2 (false for NaN): torch's lerp takes fma(w, b − a, a) there, fma(−(b − a), 1 − w, b) elsewhere. */
        const __m256d near = _mm256_cmp_pd(_mm256_and_pd(w1, magnitude), half, _CMP_LT_OQ);
        const __m256d one_minus_w1 = _mm256_sub_pd(one, w1);
        double *th = theta + 4 * n * b, *state = moments + 12 * n * b;
        const double *g_in = gradient + 4 * n * b;
        for (long i = 0; i < n; i++) {
            __m256d t = _mm256_loadu_pd(th + 4 * i);
            __m256d g = _mm256_loadu_pd(g_in + 4 * i);
            if (group->maximize) g = _mm256_xor_pd(g, sign);
            if (group->decays) {
                if (group->decoupled) t = _mm256_mul_pd(t, decay);
                else g = descent_fused(wd, t, g);
            }
            const __m256d m = _mm256_loadu_pd(state + 12 * i), v = _mm256_loadu_pd(state + 12 * i + 4);
            const __m256d difference = _mm256_sub_pd(g, m);
            const __m256d mi = _mm256_blendv_pd(descent_fused(_mm256_xor_pd(difference, sign), one_minus_w1, g),
                                                descent_fused(w1, difference, m), near);
            const __m256d vi = descent_fused(_mm256_mul_pd(w2, g), g, _mm256_mul_pd(b2, v));
            _mm256_storeu_pd(state + 12 * i, mi);
            _mm256_storeu_pd(state + 12 * i + 4, vi);
            __m256d u = vi;
            if (group->amsgrad) {
                const __m256d v_max = _mm256_loadu_pd(state + 12 * i + 8);
                u = _mm256_blendv_pd(v_max, vi, _mm256_cmp_pd(vi, v_max, _CMP_GE_OQ));
                _mm256_storeu_pd(state + 12 * i + 8, u);
            }
            const __m256d denominator = _mm256_add_pd(_mm256_div_pd(_mm256_sqrt_pd(u), c2), eps);
            t = _mm256_add_pd(t, _mm256_div_pd(_mm256_mul_pd(minus_step_size, mi), denominator));
            _mm256_storeu_pd(th + 4 * i, t);
        }
    }
}
/* The gradient norms of a lockstep group's blocks: for each block whose `running[b]` is nonzero, √(0 + g₀² + g₁² + …)
 * lane by lane in coordinate order (LockstepLoop's sum, on 256-bit registers; no contraction, so the bits are the
 * same). */
__attribute__((target("avx"))) void descent_lanes_gradient_norms(long blocks, long dimension, const double *gradient,
                                                                 const unsigned char *running, double *norms) {
    for (long b = 0; b < blocks; b++) {
        if (!running[b]) continue;
        const double *g = gradient + 4 * dimension * b;
        __m256d squares = _mm256_setzero_pd();
        for (long j = 0; j < dimension; j++) {
            const __m256d x = _mm256_loadu_pd(g + 4 * j);
            squares = _mm256_add_pd(squares, _mm256_mul_pd(x, x));
        }
        _mm256_storeu_pd(norms + 4 * b, _mm256_sqrt_pd(squares));
    }
}
#else
int descent_lanes_have_fma = 0;
int descent_lanes_have_avx = 0;
int descent_lanes_have_avx512 = 0;

void descent_tanh_fma(double *values, long count) {
    (void)values;
    (void)count;
    __builtin_trap(); /* never called: descent_lanes_have_fma is 0 */
}

void descent_tanh_fma256(double *values, long count) {
    (void)values;
    (void)count;
    __builtin_trap(); /* never called: descent_lanes_have_fma is 0 */
}

void descent_lanes_fma_instruction(const double *x, const double *y, const double *z, double *out) {
    for (int k = 0; k < 4; k++) out[k] = __builtin_fma(x[k], y[k], z[k]);
}

void descent_adam_lanes_step(const descent_adam_lanes *group, double *theta, const double *gradient, double *moments,
                             const unsigned char *running) {
    (void)group;
    (void)theta;
    (void)gradient;
    (void)moments;
    (void)running;
    __builtin_trap(); /* never called: descent_lanes_have_fma is 0 */
}

void descent_lanes_gradient_norms(long blocks, long dimension, const double *gradient, const unsigned char *running,
                                  double *norms) {
    (void)blocks;
    (void)dimension;
    (void)gradient;
    (void)running;
    (void)norms;
    __builtin_trap(); /* never called: descent_lanes_have_avx is 0 */
}
#endif
