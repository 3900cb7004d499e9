/// The element-wise tensor operations torch.optim's single-tensor code paths are made of, rounded
/// as PyTorch's CPU kernels round them (float64; measured against torch 2.13, whose kernels contract
/// a·b + c into one fused multiply-add).
///
/// Our optimizers state their updates in these terms so that a trajectory matches torch's bit for
/// bit, not only to within rounding that a long run could amplify. `fma(x, y, z)` below is x·y + z
/// rounded once (`z.addingProduct(x, y)`).
///
/// The element-wise operations are generic over `LaneArithmetic`: a single run instantiates them with
/// `Double`, a lockstep block with `Lanes` (SIMD4<Double>, whose +, −, ×, ÷, √ and fused multiply-add
/// round lane by lane as the scalar ones do), so both round identically.
enum Torch {
    /// `a.add(b, alpha=α)` / `a.add_(b, alpha=α)`: fma(α, b, a).
    @inline(__always)
    static func add<V: LaneArithmetic>(_ a: V, _ b: V, alpha: V) -> V { a.addingProduct(alpha, b) }

    /// `a.addcmul_(b, c, value=v)`: fma(v·b, c, a).
    @inline(__always)
    static func addcmul<V: LaneArithmetic>(_ a: V, _ b: V, _ c: V, value: V) -> V { a.addingProduct(value * b, c) }

    /// `a.addcdiv_(b, c, value=v)`: a + (v·b)/c (no fusion: the product is divided first).
    @inline(__always)
    static func addcdiv<V: LaneArithmetic>(_ a: V, _ b: V, _ c: V, value: V) -> V { a + (value * b) / c }

    /// `a.lerp_(b, w)`: fma(w, b − a, a) for |w| < ½, else fma(−(b − a), 1 − w, b).
    @inline(__always)
    static func lerp<V: LaneArithmetic>(_ a: V, _ b: V, weight w: V) -> V { V.lerp(a, b, weight: w) }

    /// `a.mul_(β).add_(b, alpha=α)`: fma(α, b, β·a).
    @inline(__always)
    static func scaleAdd<V: LaneArithmetic>(_ a: V, _ beta: V, _ b: V, alpha: V) -> V { (beta * a).addingProduct(alpha, b) }

    /// `a.mul_(β).addcmul_(b, b, value=v)` (a running mean of squares): fma(v·b, b, β·a).
    @inline(__always)
    static func scaleAddSquare<V: LaneArithmetic>(_ a: V, _ beta: V, _ b: V, value: V) -> V {
        (beta * a).addingProduct(value * b, b)
    }

    /// `x.add_(d, alpha=t)` over a vector: xᵢ ← fma(t, dᵢ, xᵢ).
    static func add(_ x: inout [Double], _ d: [Double], alpha t: Double) {
        for i in 0..<x.count { x[i] = x[i].addingProduct(t, d[i]) }
    }

    /// `x.abs().max()` (0 for an empty vector).
    static func maxAbs(_ x: [Double]) -> Double { x.reduce(0) { max($0, abs($1)) } }

    /// `x.abs().sum()`, summed from the first element (torch's order for up to a few elements).
    static func sumAbs(_ x: [Double]) -> Double { x.reduce(0) { $0 + abs($1) } }

    /// Python's `x ** y` on floats (the C library's pow), as torch.optim computes its scalars.
    @inline(__always)
    static func power(_ x: Double, _ y: Double) -> Double { LibM.pow(x, y) }
}
