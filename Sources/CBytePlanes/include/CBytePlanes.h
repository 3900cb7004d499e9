#ifndef DESCENT_CBYTEPLANES_H
#define DESCENT_CBYTEPLANES_H
#include <stddef.h>
#include <stdint.h>
/*
 * The byte planes of a column of doubles, each XORed with the one before (the first with 0): byte p of value i's
 * XOR goes to planes[p * n + i], for the n values at v, v + stride, … (the layout ColumnCodec compresses).
 */
void descent_xor_byte_planes(const double *v, size_t n, size_t stride, uint8_t *planes);
#endif
