#ifndef DESCENT_CLANEMATH_H
#define DESCENT_CLANEMATH_H

/*
 * Four-lane arithmetic that Swift's SIMD4<Double> does not compile to vector instructions on baseline
 * x86-64. Imported by DescentCore as SIMD4<Double>; the functions are static inline, so the optimizer
 * inlines them into the lockstep loops.
 */

typedef double descent_lanes __attribute__((ext_vector_type(4)));

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/*
 * The correctly rounded square root of each lane: two SSE2 `sqrtpd` (IEEE 754 √ is exact-rounded, so every
 * lane has the bits the scalar √ gives). SIMD4<Double>.squareRoot() instead takes four scalar roots, each
 * with a branch to the C library's sqrt for negative inputs (to set errno).
 */
static inline __attribute__((always_inline)) descent_lanes descent_lanes_square_root(descent_lanes x) {
#if defined(__SSE2__)
    __m128d low = _mm_sqrt_pd((__m128d)x.lo);
    __m128d high = _mm_sqrt_pd((__m128d)x.hi);
    return (descent_lanes){low[0], low[1], high[0], high[1]};
#else
    return (descent_lanes){__builtin_sqrt(x.x), __builtin_sqrt(x.y), __builtin_sqrt(x.z), __builtin_sqrt(x.w)};
#endif
}

#endif
