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
    @inline(__always) static func larger(_ a: SIMD4<Double>, _ b: SIMD4<Double>) -> SIMD4<Double> {
        a.replacing(with: b, where: b .>= a)
    }
    @inline(__always) static func lerp(_ a: SIMD4<Double>, _ b: SIMD4<Double>, weight w: SIMD4<Double>) -> SIMD4<Double> {
        let difference = b - a
        // |w| < ½ exactly where the scalar branch takes `near` (false for NaN, as there). A group's weights are
        // its members' hyper-parameters, so the lanes nearly always agree: then only their branch is computed
        // (a fused multiply-add is a library call per lane on baseline x86-64).
        let nearLanes = (w .< 0.5) .& (w .> -0.5)
        if all(nearLanes) { return a.addingProduct(w, difference) }
        let far = b.addingProduct(-difference, SIMD4(repeating: 1) - w)
        if !any(nearLanes) { return far }
        return far.replacing(with: a.addingProduct(w, difference), where: nearLanes)
    }
}
