/* The fused multiply-add kernel and its CPU check; everything else in CLaneMath is static inline in include/CLaneMath.h. */
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

int descent_lanes_have_fma = 0;

__attribute__((constructor)) static void descent_lanes_initialize(void) { descent_lanes_have_fma = descent_lanes_detect_fma(); }

/* y is the instruction's first operand: when several operands are NaN, `vfmadd` returns the first in its order, and
 * the C library's fma (which the scalar runs call) returns y's NaN before x's before z's. The product commutes, so only
 * which NaN comes out depends on the order (`LockstepTests` checks the payloads). */
__attribute__((target("avx,fma"))) void descent_lanes_fma_instruction(const double *x, const double *y, const double *z,
                                                                       double *out) {
    _mm256_storeu_pd(out, _mm256_fmadd_pd(_mm256_loadu_pd(y), _mm256_loadu_pd(x), _mm256_loadu_pd(z)));
}
#else
int descent_lanes_have_fma = 0;

void descent_lanes_fma_instruction(const double *x, const double *y, const double *z, double *out) {
    for (int k = 0; k < 4; k++) out[k] = __builtin_fma(x[k], y[k], z[k]);
}
#endif
