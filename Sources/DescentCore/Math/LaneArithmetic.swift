internal import CLaneMath

/// The four experiments one lockstep block advances per instruction stream: one `Double` per member.
typealias Lanes = SIMD4<Double>

/// The arithmetic an update rule or a closed-form kernel is written in, for one value (`Double`, a single
/// run) or one value per member (`Lanes`, a lockstep block).
///
/// Every operation here is correctly rounded lane by lane (IEEE 754 +, −, ×, ÷, √, fused multiply-add), so
/// code written once over `LaneArithmetic` gives each lane exactly the bits the `Double` instance gives
/// that member alone. That is what lets a lockstep run promise bit-identical trajectories.
protocol LaneArithmetic {
    /// `x` in every lane.
    static func broadcast(_ x: Double) -> Self
    static func + (lhs: Self, rhs: Self) -> Self
    static func - (lhs: Self, rhs: Self) -> Self
    static func * (lhs: Self, rhs: Self) -> Self
    static func / (lhs: Self, rhs: Self) -> Self
    static prefix func - (operand: Self) -> Self
    /// √x, correctly rounded.
    func squareRoot() -> Self
    /// self + a·b rounded once.
    func addingProduct(_ a: Self, _ b: Self) -> Self
    /// `Swift.max(a, b)` lane by lane: `b >= a ? b : a` (so a NaN in `a` is kept, one in `b` is not).
    static func larger(_ a: Self, _ b: Self) -> Self
    /// torch's `a.lerp_(b, w)` lane by lane: fma(w, b − a, a) where |w| < ½, else fma(−(b − a), 1 − w, b).
    /// The lanes pick their branch by their own weight; each rounds as the `Double` instance does.
    static func lerp(_ a: Self, _ b: Self, weight w: Self) -> Self
}

extension Double: LaneArithmetic {
    @inline(__always) static func broadcast(_ x: Double) -> Double { x }
    @inline(__always) static func larger(_ a: Double, _ b: Double) -> Double { Swift.max(a, b) }
    @inline(__always) static func lerp(_ a: Double, _ b: Double, weight w: Double) -> Double {
        let difference = b - a
        return abs(w) < 0.5 ? a.addingProduct(w, difference) : b.addingProduct(-difference, 1 - w)
    }
}

extension SIMD4: LaneArithmetic where Scalar == Double {
    @inline(__always) static func broadcast(_ x: Double) -> SIMD4<Double> { SIMD4(repeating: x) }
    /// √ of every lane as two SSE2 `sqrtpd` on x86-64 (`CLaneMath`). The standard `SIMD4.squareRoot()`
    /// takes four scalar roots, each with a branch into the C library's `sqrt`. IEEE √ is correctly
    /// rounded either way, so each lane has the bits `Double.squareRoot()` gives.
    @inline(__always) func squareRoot() -> SIMD4<Double> { descent_lanes_square_root(self) }
    /// self + a·b rounded once in every lane: one FMA3 `vfmadd` for all four when the CPU has it (checked once at
    /// load), else the C library's fma per lane (`CLaneMath`). The standard `SIMD4.addingProduct` makes four library
    /// calls on baseline x86-64, and each call forces every live vector out of its register. The fused multiply-add
    /// is correctly rounded either way and the kernel takes its operands in the C library's NaN order, so each lane
    /// has the bits `Double.addingProduct` gives, NaN payloads included.
    @inline(__always) func addingProduct(_ a: SIMD4<Double>, _ b: SIMD4<Double>) -> SIMD4<Double> {
        descent_lanes_fused_multiply_add(a, b, self)
    }
    @inline(__always) static func larger(_ a: SIMD4<Double>, _ b: SIMD4<Double>) -> SIMD4<Double> {
        a.replacing(with: b, where: b .>= a)
    }
    @inline(__always) static func lerp(_ a: SIMD4<Double>, _ b: SIMD4<Double>, weight w: SIMD4<Double>) -> SIMD4<Double> {
        let difference = b - a
        // |w| < ½ exactly where the scalar branch takes `near` (false for NaN, as there), tested by one SSE2
        // compare (`CLaneMath`; Swift's lane masks compile to scalar loops). A group's weights are its members'
        // hyper-parameters, so the lanes nearly always agree: then only their branch is computed (a fused
        // multiply-add is a library call per lane on baseline x86-64).
        let near = descent_lanes_below_half(w)
        if near == 0b1111 { return a.addingProduct(w, difference) }
        let far = b.addingProduct(-difference, SIMD4(repeating: 1) - w)
        if near == 0 { return far }
        var mixed = far
        let nearValues = a.addingProduct(w, difference)
        for k in 0..<4 where near & (1 << k) != 0 { mixed[k] = nearValues[k] }
        return mixed
    }
}
