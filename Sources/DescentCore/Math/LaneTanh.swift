internal import CLaneMath

/// The hyperbolic tangent the models use: a row of values, four in SIMD lanes, or one, with the same bits.
///
/// Every value goes through the same operations lane by lane, so its result never depends on the path (one at a
/// time, four at a time, a row, or which lane it sits in): every operation is IEEE +, −, ×, ÷, a fused multiply-add
/// (rounded once) or a bit operation, in a fixed order. The C library's `tanh` is a scalar call of ~90 instructions
/// per value that no loop can vectorise; this is why the models do not use it.
///
/// Where the CPU has FMA3 (every x86-64 CPU since 2013), every call runs CLaneMath's kernel (`descent_tanh_fma`):
/// 32 values per iteration on AVX-512, 16 on AVX, each fused multiply-add one instruction. Elsewhere the Swift
/// lanes below run, whose `addingProduct` is an FMA instruction where the target has one (arm64) and the C
/// library's `fma` per lane on baseline x86-64: the same bits, slower.
///
/// Algorithm, with a = |x|:
/// - NaN → x; a < 2⁻²⁸ → x (tanh x = x(1 − x²/3 + …) and x²/3 < 2⁻⁵⁷, so x is the correctly rounded value;
///   this covers ±0 and subnormals); a ≥ 22 or ±∞ → ±1 (1 − tanh 22 < 2⁻⁶², under half an ulp of 1).
/// - a < 0.55: fma(a·z, P(z), a) with z = a² and P(z) = p₀ + p₁z + … + p₁₀z¹⁰ (Horner, one fused multiply-add per
///   coefficient), the Chebyshev interpolant
///   of (tanh √z − √z)/z^{3/2} on z ∈ [0, 0.3025] at 11 nodes, computed in 60-digit decimal arithmetic and
///   rounded to Double (p₀ = −1/3; `scripts/lane-tanh-coefficients.py` recomputes them). With the rounded
///   coefficients |a·z·ΔP| < 0.05·2⁻⁵³·a over the interval; the result is a plus a correction below a/9, so it is
///   rounded about as well as a sum can be. (A Taylor series would need 18 terms here: tanh has poles at ±iπ/2.)
/// - 0.55 ≤ a < 22: tanh a = 1 − 2/(e^{2a} + 1), where tanh a > ½, so the error of the quotient (at most ½)
///   shrinks in the subtraction. y = 2a = k·ln 2 + r with k = round(y/ln 2), |r| ≤ ln 2 / 2 (Cody–Waite: ln 2
///   split into a head with 32 significant bits, so k·head is exact for k ≤ 64, and a tail; c carries the
///   rounding of r); p = eʳ − 1 = fma(r², Q(r), r) with Q(r) = 1/2! + r/3! + … + r¹¹/13! (Horner, fused), the
///   Taylor series through r¹³/13! (the first term left out is below 0.1 ulp), corrected to p + c(1 + p);
///   e^y + 1 = 2ᵏp + (2ᵏ + 1), whose rounding error is recovered exactly (|2ᵏp| ≤ 2ᵏ + 1, so the two-sum needs no
///   comparison) and folded into the quotient: q − q²·err/2.
/// - The sign of x is put back.
///
/// Accuracy: `LaneTanhTests` compares a dense sweep of both signs over [2⁻³⁰, 24) (1,024 points per binade)
/// with the C library's 64-bit-significand `tanhl`: the largest error there is 0.98 ulp; the worst point a
/// 4,000,000-point random search found (x ≈ 0.5522, just above the switch at 0.55, where 1 − q rounds twice) is
/// 1.098 ulp.
enum LaneTanh {
    /// tanh of each lane.
    @inline(__always)
    static func lanes(_ x: SIMD4<Double>) -> SIMD4<Double> {
        guard descent_lanes_fma_available() != 0 else { return portableLanes(x) }
        var v = x
        withUnsafeMutableBytes(of: &v) { descent_tanh_fma($0.baseAddress!.assumingMemoryBound(to: Double.self), 4) }
        return v
    }

    /// `lanes` in Swift (the path without FMA3; the tests compare it with the kernel).
    @inline(__always)
    static func portableLanes(_ x: SIMD4<Double>) -> SIMD4<Double> {
        let signMask: UInt64 = 0x8000_0000_0000_0000
        let bits = unsafeBitCast(x, to: SIMD4<UInt64>.self)
        let a = unsafeBitCast(bits & ~signMask, to: SIMD4<Double>.self)
        // Lanes outside [2⁻²⁸, 22) (and NaN) take their special value at the end.
        let inRange = (a .>= 0x1p-28) .& (a .< 22)
        let large = a .>= 0.55
        let one = SIMD4<Double>(repeating: 1)
        var magnitude = one
        if any(inRange .& .!large) {
            let z = a * a
            var s = SIMD4<Double>(repeating: -0x1.59a834187ce22p-16)  // p₁₀
            s = SIMD4(repeating: 0x1.64fd88e9900a5p-14).addingProduct(s, z)  // p₉
            s = SIMD4(repeating: -0x1.ec1091436eb2ap-13).addingProduct(s, z)  // p₈
            s = SIMD4(repeating: 0x1.34c5a8a996cd4p-11).addingProduct(s, z)  // p₇
            s = SIMD4(repeating: -0x1.7d97cfd138c28p-10).addingProduct(s, z)  // p₆
            s = SIMD4(repeating: 0x1.d6d339333f329p-9).addingProduct(s, z)  // p₅
            s = SIMD4(repeating: -0x1.226e32f00cf0cp-7).addingProduct(s, z)  // p₄
            s = SIMD4(repeating: 0x1.664f487713373p-6).addingProduct(s, z)  // p₃
            s = SIMD4(repeating: -0x1.ba1ba1b9fec84p-5).addingProduct(s, z)  // p₂
            s = SIMD4(repeating: 0x1.1111111111032p-3).addingProduct(s, z)  // p₁
            s = SIMD4(repeating: -0x1.5555555555555p-2).addingProduct(s, z)  // p₀
            magnitude = a.addingProduct(a * z, s)
        }
        if any(inRange .& large) {
            let y = one.replacing(with: a + a, where: inRange .& large)
            // Round to nearest by the 1.5·2⁵² shift: exact for |y/ln 2| < 2⁵¹, and plain SSE2 (no `roundpd`).
            let shifter = SIMD4<Double>(repeating: 0x1.8p52)
            let shifted = y * SIMD4(repeating: 1.44269504088896338700e+00) + shifter
            let k = shifted - shifter
            let head = y - k * SIMD4(repeating: 6.93147180369123816490e-01)
            let tail = k * SIMD4(repeating: 1.90821492927058770002e-10)
            let r = head - tail
            let c = (head - r) - tail
            // eʳ − 1 = r + r²(1/2! + r(1/3! + … + r·1/13!)), each step one fused multiply-add.
            var q = SIMD4<Double>(repeating: 1.0 / 6_227_020_800)
            q = SIMD4(repeating: 1.0 / 479_001_600).addingProduct(q, r)
            q = SIMD4(repeating: 1.0 / 39_916_800).addingProduct(q, r)
            q = SIMD4(repeating: 1.0 / 3_628_800).addingProduct(q, r)
            q = SIMD4(repeating: 1.0 / 362_880).addingProduct(q, r)
            q = SIMD4(repeating: 1.0 / 40_320).addingProduct(q, r)
            q = SIMD4(repeating: 1.0 / 5_040).addingProduct(q, r)
            q = SIMD4(repeating: 1.0 / 720).addingProduct(q, r)
            q = SIMD4(repeating: 1.0 / 120).addingProduct(q, r)
            q = SIMD4(repeating: 1.0 / 24).addingProduct(q, r)
            q = SIMD4(repeating: 1.0 / 6).addingProduct(q, r)
            q = SIMD4(repeating: 1.0 / 2).addingProduct(q, r)
            var p = r.addingProduct(r * r, q)
            p = p + c * (one + p)
            // 2ᵏ from k's bits in the shifted sum: k ∈ [1, 64] here.
            let kBits = unsafeBitCast(shifted, to: SIMD4<UInt64>.self) &- SIMD4(repeating: (0x1.8p52 as Double).bitPattern)
            let scale = unsafeBitCast((kBits &+ SIMD4(repeating: 1023)) &<< 52, to: SIMD4<Double>.self)
            let scaled = scale * p
            let shift = scale + one
            let denominator = scaled + shift
            let error = (shift - denominator) + scaled
            var quotient = SIMD4<Double>(repeating: 2) / denominator
            quotient = quotient - quotient * quotient * error * SIMD4(repeating: 0.5)
            magnitude = magnitude.replacing(with: one - quotient, where: large)
        }
        magnitude = one.replacing(with: magnitude, where: inRange)
        let signed = unsafeBitCast(unsafeBitCast(magnitude, to: SIMD4<UInt64>.self) | (bits & signMask),
                                   to: SIMD4<Double>.self)
        // Tiny and NaN lanes return x itself.
        return x.replacing(with: signed, where: inRange .| (a .>= 22))
    }

    /// Replaces each of the `count` values at `values` by its tanh. One call per row of values, so the constants
    /// and the call stay out of the per-lane work (this is most of an MLP's time).
    static func apply(to values: UnsafeMutablePointer<Double>, count: Int) {
        if descent_lanes_fma_available() != 0 {
            descent_tanh_fma(values, count)
            return
        }
        applyPortable(to: values, count: count)
    }

    /// `apply` through the Swift lanes: four at a time, a tail of one to three in lane 0.
    static func applyPortable(to values: UnsafeMutablePointer<Double>, count: Int) {
        var k = 0
        while k + 4 <= count {
            let raw = UnsafeMutableRawPointer(values + k)
            raw.storeBytes(of: portableLanes(raw.loadUnaligned(as: SIMD4<Double>.self)), as: SIMD4<Double>.self)
            k += 4
        }
        while k < count {
            values[k] = portableLanes(SIMD4(values[k], 0, 0, 0))[0]
            k += 1
        }
    }

    /// tanh x, with the bits it gets in a row or among four.
    @inline(__always)
    static func value(_ x: Double) -> Double {
        guard descent_lanes_fma_available() != 0 else { return portableLanes(SIMD4(x, 0, 0, 0))[0] }
        var y = x
        descent_tanh_fma(&y, 1)
        return y
    }
}
