/* The trajectory columns' byte-plane split, eight values at a time: one 8 × 8 byte transpose in SSE2 registers
 * (three rounds of unpacks) and eight 8-byte stores, where a byte at a time took 64 stores and 56 shifts. */
#include "CBytePlanes.h"
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

void descent_xor_byte_planes(const double *v, size_t n, size_t stride, uint8_t *planes) {
    uint64_t previous = 0;
    size_t i = 0;
#if defined(__SSE2__)
    for (; i + 8 <= n; i += 8) {
        __m128i x[8];
        for (int k = 0; k < 8; k++) {
            uint64_t b;
            memcpy(&b, v + (i + (size_t)k) * stride, 8);
            x[k] = _mm_cvtsi64_si128((long long)(b ^ previous));
            previous = b;
        }
        /* Bytes of values 0,1 interleaved, then 2,3, 4,5, 6,7. */
        __m128i s0 = _mm_unpacklo_epi8(x[0], x[1]), s1 = _mm_unpacklo_epi8(x[2], x[3]);
        __m128i s2 = _mm_unpacklo_epi8(x[4], x[5]), s3 = _mm_unpacklo_epi8(x[6], x[7]);
        /* Byte p of values 0–3 together: planes 0–3 in u0, 4–7 in u1; of values 4–7 in u2, u3. */
        __m128i u0 = _mm_unpacklo_epi16(s0, s1), u1 = _mm_unpackhi_epi16(s0, s1);
        __m128i u2 = _mm_unpacklo_epi16(s2, s3), u3 = _mm_unpackhi_epi16(s2, s3);
        /* Byte p of values 0–7: planes 0, 1 in w0; 2, 3 in w1; 4, 5 in w2; 6, 7 in w3. */
        __m128i w[4] = {_mm_unpacklo_epi32(u0, u2), _mm_unpackhi_epi32(u0, u2), _mm_unpacklo_epi32(u1, u3),
                        _mm_unpackhi_epi32(u1, u3)};
        for (int q = 0; q < 4; q++) {
            _mm_storel_epi64((__m128i *)(planes + (size_t)(2 * q) * n + i), w[q]);
            _mm_storel_epi64((__m128i *)(planes + (size_t)(2 * q + 1) * n + i), _mm_unpackhi_epi64(w[q], w[q]));
        }
    }
#endif
    for (; i < n; i++) {
        uint64_t b;
        memcpy(&b, v + i * stride, 8);
        uint64_t x = b ^ previous;
        previous = b;
        for (int p = 0; p < 8; p++) planes[(size_t)p * n + i] = (uint8_t)(x >> (8 * p));
    }
}
