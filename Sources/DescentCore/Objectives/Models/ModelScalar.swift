#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The arithmetic the model passes need, so one forward+backward code runs on `Double` (values
/// and gradients) and on `DualNumber` (forward-over-reverse Hessian-vector products).
protocol ModelScalar: Sendable {
    /// The constant `value` (zero tangent).
    init(constant value: Double)
    /// The real part, used for branch decisions (ReLU, stable softplus/sigmoid, argmax).
    var primal: Double { get }
    static func + (a: Self, b: Self) -> Self
    static func - (a: Self, b: Self) -> Self
    static func * (a: Self, b: Self) -> Self
    static func / (a: Self, b: Self) -> Self
    static prefix func - (a: Self) -> Self
    /// Hyperbolic tangent (`LaneTanh`, as everywhere in the models, so every path gives the same bits).
    func tanhValue() -> Self
    /// e^x.
    func expValue() -> Self
    /// log(1 + x).
    func log1pValue() -> Self
    /// Natural logarithm.
    func logValue() -> Self
    /// √x.
    func sqrtValue() -> Self
}

extension ModelScalar {
    static func += (a: inout Self, b: Self) { a = a + b }
    static func -= (a: inout Self, b: Self) { a = a - b }
}

extension Double: ModelScalar {
    init(constant value: Double) { self = value }
    var primal: Double { self }
    func tanhValue() -> Double { LaneTanh.value(self) }
    func expValue() -> Double { exp(self) }
    func log1pValue() -> Double { log1p(self) }
    func logValue() -> Double { log(self) }
    func sqrtValue() -> Double { squareRoot() }
}

/// A dual number a + bε with ε² = 0: `tangent` carries the directional derivative exactly.
///
/// Running the hand-written gradient code on θ + εv yields ∇L(θ) + ε·H(θ)v, i.e. an exact
/// Hessian-vector product (forward-over-reverse differentiation).
struct DualNumber: ModelScalar {
    /// Real part.
    var value: Double
    /// Derivative part.
    var tangent: Double

    init(_ value: Double, _ tangent: Double) { self.value = value; self.tangent = tangent }
    init(constant value: Double) { self.value = value; tangent = 0 }
    var primal: Double { value }

    static func + (a: DualNumber, b: DualNumber) -> DualNumber {
        DualNumber(a.value + b.value, a.tangent + b.tangent)
    }
    static func - (a: DualNumber, b: DualNumber) -> DualNumber {
        DualNumber(a.value - b.value, a.tangent - b.tangent)
    }
    static func * (a: DualNumber, b: DualNumber) -> DualNumber {
        DualNumber(a.value * b.value, a.tangent * b.value + a.value * b.tangent)
    }
    static func / (a: DualNumber, b: DualNumber) -> DualNumber {
        let q = a.value / b.value
        return DualNumber(q, (a.tangent - q * b.tangent) / b.value)
    }
    static prefix func - (a: DualNumber) -> DualNumber { DualNumber(-a.value, -a.tangent) }
    func tanhValue() -> DualNumber {
        let t = LaneTanh.value(value)
        return DualNumber(t, (1 - t * t) * tangent)
    }
    func expValue() -> DualNumber {
        let e = exp(value)
        return DualNumber(e, e * tangent)
    }
    func log1pValue() -> DualNumber { DualNumber(log1p(value), tangent / (1 + value)) }
    func logValue() -> DualNumber { DualNumber(log(value), tangent / value) }
    func sqrtValue() -> DualNumber {
        let r = value.squareRoot()
        return DualNumber(r, tangent / (2 * r))
    }
}

/// Numerically stable scalar functions shared by the models.
enum StableMath {
    /// log Σₖ e^{zₖ} over z[offset..<offset+count], shifted by the largest entry so it never
    /// overflows; writes the softmax probabilities into p[offset…] and returns the log-sum-exp.
    static func logSumExp<T: ModelScalar>(_ z: [T], offset: Int, count: Int, probabilities p: inout [T]) -> T {
        var largest = z[offset]
        for k in 1..<max(count, 1) where z[offset + k].primal > largest.primal { largest = z[offset + k] }
        var total = T(constant: 0)
        for k in 0..<count {
            let e = (z[offset + k] - largest).expValue()
            p[offset + k] = e
            total += e
        }
        for k in 0..<count { p[offset + k] = p[offset + k] / total }
        return largest + total.logValue()
    }

    /// softplus(z) = log(1 + eᶻ) = max(z, 0) + log1p(e^−|z|), which never overflows.
    static func softplus<T: ModelScalar>(_ z: T) -> T {
        if z.primal >= 0 { return z + (-z).expValue().log1pValue() }
        return z.expValue().log1pValue()
    }

    /// σ(z) = 1 / (1 + e^−z), evaluated without overflow on either side.
    static func sigmoid<T: ModelScalar>(_ z: T) -> T {
        let one = T(constant: 1)
        if z.primal >= 0 { return one / (one + (-z).expValue()) }
        let e = z.expValue()
        return e / (one + e)
    }
}
