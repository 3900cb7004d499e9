#!/usr/bin/env python3
"""Coefficients p0..p10 of LaneTanh's small-argument polynomial (Sources/DescentCore/Math/LaneTanh.swift).

tanh a = a + a*z*P(z) with z = a*a on a < 0.55: P is the Chebyshev interpolant of
g(z) = (tanh(sqrt z) - sqrt z) / z^(3/2) on z in [0, 0.3025] at 11 nodes, computed in 60-digit decimal
arithmetic, turned into monomial coefficients exactly (fractions) and rounded to Double. Prints the
coefficients as hex floats (p0 first) and the largest |z * (P(z) - g(z))| on a 2,000-point grid with the
rounded coefficients, in units of 2^-53 (relative to a: the error the polynomial adds to tanh a).

Usage: python3 scripts/lane-tanh-coefficients.py [degree]   (default 10)
"""
import math
import sys
from decimal import Decimal as D, getcontext
from fractions import Fraction as F

getcontext().prec = 60
Z = D("0.3025")  # 0.55 squared
PI = D("3.14159265358979323846264338327950288419716939937510582097494")


def g(z):
    a = z.sqrt()
    e = (2 * a).exp()
    return ((e - 1) / (e + 1) - a) / (a * z)


def cos(x):
    x, s, term, k = D(x), D(0), D(1), 0
    while abs(term) > D(10) ** -58:
        s += term
        k += 2
        term = -term * x * x / (k * (k - 1))
    return s


def interpolant(degree):
    n = degree + 1
    nodes = [cos(PI * (2 * j + 1) / (2 * n)) for j in range(n)]
    values = [g(Z * (1 + t) / 2) for t in nodes]
    cheb = [sum(v * cos(PI * k * (2 * j + 1) / (2 * n)) for j, v in enumerate(values)) * 2 / n for k in range(n)]
    cheb[0] /= 2
    # Chebyshev polynomials T_k(t) as monomial coefficient lists.
    T = [[F(1)], [F(0), F(1)]]
    for k in range(2, n):
        doubled = [F(0)] + [2 * c for c in T[k - 1]]
        previous = T[k - 2] + [F(0)] * (len(doubled) - len(T[k - 2]))
        T.append([x - y for x, y in zip(doubled, previous)])
    in_t = [F(0)] * n
    for k in range(n):
        for i, c in enumerate(T[k]):
            in_t[i] += F(str(cheb[k])) * c
    # t = 2z/Z - 1.
    in_z = [F(0)] * n
    for i, c in enumerate(in_t):
        for j in range(i + 1):
            in_z[j] += c * math.comb(i, j) * (F(2) / F(str(Z))) ** j * (-1) ** (i - j)
    return [float(c) for c in in_z]


def worst_error(coefficients):
    worst = D(0)
    for i in range(1, 2001):
        z = Z * i / 2000
        p = D(0)
        for c in reversed(coefficients):
            p = p * z + D(c)
        worst = max(worst, abs((p - g(z)) * z))
    return float(worst) / 2.0 ** -53


if __name__ == "__main__":
    degree = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    coefficients = interpolant(degree)
    for c in coefficients:
        print(c.hex())
    print(f"largest |z*(P - g)|: {worst_error(coefficients):.3f} x 2^-53")
