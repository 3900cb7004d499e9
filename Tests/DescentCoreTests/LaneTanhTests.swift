#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import DescentCore
import CLaneMath

// The reference is the C library's `tanhl` on x87 extended precision (64-bit significand, 11 more bits than a
// Double), so its own error is under 0.001 ulp of a Double: good enough to measure errors of about 1 ulp.
#if arch(x86_64) && canImport(Glibc)

/// Error of `computed` against the extended-precision tanh of x, in ulps of the exact value's Double.
private func ulpError(_ x: Double) -> Double {
    let exact = tanhl(Float80(x))
    let computed = LaneTanh.value(x)
    let rounded = Double(exact)
    let ulp = rounded.magnitude.ulp
    return Double(abs(Float80(computed) - exact) / Float80(ulp))
}

/// A dense sweep of [2⁻³⁰, 24): every binade cut into 1,024 evenly spaced points, both signs (71,680 values).
private let sweep: [Double] = {
    var xs: [Double] = []
    for exponent in -30...4 {
        let low = Double(sign: .plus, exponent: exponent, significand: 1)
        for i in 0..<1_024 {
            let x = low + low * Double(i) / 1_024
            guard x < 24 else { break }
            xs.append(x)
            xs.append(-x)
        }
    }
    return xs
}()

/// The largest error 4,000,000 random points found (against `tanhl`; half of them in [0.5, 0.6)), just above the
/// switch to 1 − 2/(e^{2a} + 1) at 0.55.
private let worstKnown = 0.55215678245395272

@Test func laneTanhIsWithin1Point1UlpOfExtendedPrecisionOverADenseSweep() {
    var worst = 0.0, worstAt = 0.0
    for x in sweep + [worstKnown, -worstKnown] {
        let e = ulpError(x)
        if e > worst { worst = e; worstAt = x }
    }
    // Largest errors: 0.98 ulp over the regular sweep (at 0.6103515625); 1.098 at `worstKnown`.
    #expect(worst <= 1.1, "worst \(worst) ulp at x = \(worstAt)")
    #expect(worst > 0.5, "the sweep should find at least one value that is not correctly rounded")
}

@Test func laneTanhIsWithinOneUlpOverTheRegularSweep() {
    let worst = sweep.map(ulpError).max() ?? .infinity
    #expect(worst < 1, "worst \(worst) ulp")
}

@Test func laneTanhIsExactlyXForTinyAndSubnormalInputs() {
    let tiny: [Double] = [0x1p-29, 0x1.fffffffffffffp-29, 1e-300, .leastNormalMagnitude,
                          .leastNonzeroMagnitude, 0x1p-1070, 0x1.8p-1063]
    for x in tiny {
        #expect(LaneTanh.value(x) == x)
        #expect(LaneTanh.value(-x) == -x)
    }
}

@Test func laneTanhKeepsTheSignOfZero() {
    #expect(LaneTanh.value(0).bitPattern == (0.0).bitPattern)
    #expect(LaneTanh.value(-0.0).bitPattern == (-0.0).bitPattern)
}

@Test func laneTanhIsPlusMinusOneForHugeAndInfiniteInputs() {
    for x in [22.0, 30, 710, 1e300, .greatestFiniteMagnitude, .infinity] {
        #expect(LaneTanh.value(x) == 1)
        #expect(LaneTanh.value(-x) == -1)
    }
    // Just below the cut the exact value already rounds to 1.
    #expect(LaneTanh.value(21.999999) == 1)
    #expect(LaneTanh.value(19.5) == 1)
}

@Test func laneTanhPassesNaNThrough() {
    #expect(LaneTanh.value(.nan).isNaN)
    #expect(LaneTanh.value(-.nan).isNaN)
    #expect(LaneTanh.lanes(SIMD4(.nan, 1, .nan, -1))[1] == LaneTanh.value(1))
}

@Test func laneTanhIsOddOverTheSweep() {
    for x in sweep where x > 0 {
        #expect(LaneTanh.value(-x) == -LaneTanh.value(x))
    }
}

/// Every lane of a four-lane call gives the bits of the one-value call, whatever the other lanes hold
/// (special values included), so the SIMD and the scalar paths agree.
@Test func laneTanhGivesEveryLaneTheBitsOfTheOneValueCall() {
    let neighbours: [Double] = [0, .nan, .infinity, -0x1p-1064, 0.75, -30]
    var rng = SeededRandom(seed: 5)
    // Every 7th value of the sweep (over 10,000), each in a different lane position in turn.
    for (index, x) in sweep.enumerated() where index % 7 == 0 {
        let lane = index % 4
        var v = SIMD4<Double>(repeating: neighbours[index % neighbours.count])
        v[(lane + 1) % 4] = 40 * rng.nextDouble() - 20
        v[lane] = x
        let result = LaneTanh.lanes(v)
        #expect(result[lane].bitPattern == LaneTanh.value(x).bitPattern)
        for other in 0..<4 where other != lane {
            let y = v[other]
            let alone = LaneTanh.value(y)
            #expect(result[other].bitPattern == alone.bitPattern || (result[other].isNaN && alone.isNaN))
        }
    }
}

/// `apply` (four lanes at a time over a row, the last one to three values through `value`) gives every value the
/// one-value call's bits, for every row length from 0 to 11 at starts spread over every 37th value of the sweep.
@Test func laneTanhApplyGivesEveryValueTheBitsOfTheOneValueCall() {
    let values = Swift.stride(from: 0, to: sweep.count, by: 37).map { sweep[$0] }
        + [0, -0.0, .infinity, -.infinity, 0.55, -0.55, 22, -22, 1e-300]
    for count in 0...11 {
        for start in Swift.stride(from: 0, to: values.count - count, by: 13) {
            var row = Array(values[start..<(start + count)])
            row.withUnsafeMutableBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return }
                LaneTanh.apply(to: base, count: buffer.count)
            }
            for (x, y) in zip(values[start..<(start + count)], row) {
                #expect(y.bitPattern == LaneTanh.value(x).bitPattern, "x = \(x), row of \(count)")
            }
        }
    }
}

/// The FMA3 kernels (CLaneMath's `descent_tanh_fma`, which every call takes on a CPU with FMA3: 32 lanes at a time on
/// AVX-512, else 16 on AVX; and `descent_tanh_fma256`, 256-bit registers only) against the Swift lanes
/// (`applyPortable`, whose fused multiply-adds are the C library's `fma` on baseline x86-64), bit for bit: 400,000
/// values of random bit patterns (every exponent, NaNs with payloads, infinities, zeros and subnormals) and as many
/// uniform in (−24, 24), in rows of every length from 1 to 40.
@Test func laneTanhKernelsGiveTheSwiftLanesBits() {
    // Every x86-64 machine the project runs on has FMA3; without it every call takes the Swift lanes and this test
    // would compare them with themselves.
    #expect(descent_lanes_fma_available() != 0, "no FMA3: the kernel is not used on this CPU")
    var rng = SeededRandom(seed: 11)
    var values: [Double] = []
    for _ in 0..<400_000 { values.append(Double(bitPattern: rng.next())) }
    for _ in 0..<400_000 { values.append(48 * rng.nextDouble() - 24) }
    var start = 0, length = 1
    while start < values.count {
        let count = min(length, values.count - start)
        var kernel = Array(values[start..<(start + count)]), narrow = kernel, portable = kernel
        kernel.withUnsafeMutableBufferPointer { LaneTanh.apply(to: $0.baseAddress!, count: count) }
        narrow.withUnsafeMutableBufferPointer { descent_tanh_fma256($0.baseAddress!, count) }
        portable.withUnsafeMutableBufferPointer { LaneTanh.applyPortable(to: $0.baseAddress!, count: count) }
        if kernel.map(\.bitPattern) != portable.map(\.bitPattern) || narrow.map(\.bitPattern) != portable.map(\.bitPattern) {
            Issue.record("rows differ at \(start): \(values[start..<(start + count)]) → \(kernel), \(narrow) against \(portable)")
            return
        }
        if count == 4 {
            let x = SIMD4(values[start], values[start + 1], values[start + 2], values[start + 3])
            let viaKernel = unsafeBitCast(LaneTanh.lanes(x), to: SIMD4<UInt64>.self)
            #expect(viaKernel == unsafeBitCast(LaneTanh.portableLanes(x), to: SIMD4<UInt64>.self))
        }
        start += count
        length = length % 40 + 1
    }
}

#else
@Test func laneTanhNeedsTheExtendedPrecisionReference() {
    Issue.record("LaneTanh's accuracy tests need x86-64 Glibc for the Float80 `tanhl` reference")
}
#endif
