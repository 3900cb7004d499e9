/// The element-wise tensor operations torch.optim's single-tensor code paths are made of, rounded
/// as PyTorch's CPU kernels round them (float64; measured against torch 2.13, whose kernels contract
/// a·b + c into one fused multiply-add).
///
/// Our optimizers state their updates in these terms so that a trajectory matches torch's bit for
/// bit, not only to within rounding that a long run could amplify. `fma(x, y, z)` below is x·y + z
/// rounded once (`z.addingProduct(x, y)`).
enum Torch {
    /// `a.add(b, alpha=α)` / `a.add_(b, alpha=α)`: fma(α, b, a).
    @inline(__always)
    static func add(_ a: Double, _ b: Double, alpha: Double) -> Double { a.addingProduct(alpha, b) }

    /// `a.addcmul_(b, c, value=v)`: fma(v·b, c, a).
    @inline(__always)
    static func addcmul(_ a: Double, _ b: Double, _ c: Double, value: Double) -> Double { a.addingProduct(value * b, c) }

    /// `a.addcdiv_(b, c, value=v)`: a + (v·b)/c (no fusion: the product is divided first).
    @inline(__always)
    static func addcdiv(_ a: Double, _ b: Double, _ c: Double, value: Double) -> Double { a + (value * b) / c }

    /// `a.lerp_(b, w)`: fma(w, b − a, a) for |w| < ½, else fma(−(b − a), 1 − w, b).
    @inline(__always)
    static func lerp(_ a: Double, _ b: Double, weight w: Double) -> Double {
        let difference = b - a
        return abs(w) < 0.5 ? a.addingProduct(w, difference) : b.addingProduct(-difference, 1 - w)
    }

    /// `a.mul_(β).add_(b, alpha=α)`: fma(α, b, β·a).
    @inline(__always)
    static func scaleAdd(_ a: Double, _ beta: Double, _ b: Double, alpha: Double) -> Double { (beta * a).addingProduct(alpha, b) }

    /// `a.mul_(β).addcmul_(b, b, value=v)` (a running mean of squares): fma(v·b, b, β·a).
    @inline(__always)
    static func scaleAddSquare(_ a: Double, _ beta: Double, _ b: Double, value: Double) -> Double {
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
