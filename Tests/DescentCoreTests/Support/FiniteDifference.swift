import DescentCore

/// Central finite differences with one Richardson extrapolation, for checking exact derivatives in tests.
///
/// A plain central difference D(h) = (f(x+h) − f(x−h)) / 2h has error O(h²); combining
/// (4·D(h/2) − D(h)) / 3 cancels that term, leaving O(h⁴) truncation. With the default
/// h = 1e-3 (scaled by max(1, |xⱼ|)) the truncation is ~1e-12 and the round-off ~1e-13·|f|,
/// comfortably inside the 1e-6 relative tolerance the derivative tests use.
enum FiniteDifference {
    /// Default base step, relative to max(1, |xⱼ|).
    static let defaultStep = 1e-3

    /// Numerical gradient of a scalar function.
    static func gradient(of f: ([Double]) -> Double, at x: [Double], step: Double = defaultStep) -> [Double] {
        (0..<x.count).map { j in
            richardson(step: step * max(1, abs(x[j]))) { h in
                var plus = x, minus = x
                plus[j] += h; minus[j] -= h
                return (f(plus) - f(minus)) / (2 * h)
            }
        }
    }

    /// Numerical Jacobian of a vector function, `result[i][j] = ∂gᵢ/∂xⱼ`.
    static func jacobian(of g: ([Double]) -> [Double], at x: [Double], step: Double = defaultStep) -> [[Double]] {
        let n = x.count
        let m = g(x).count
        var result = [[Double]](repeating: [Double](repeating: 0, count: n), count: m)
        for j in 0..<n {
            let h = step * max(1, abs(x[j]))
            func column(_ h: Double) -> [Double] {
                var plus = x, minus = x
                plus[j] += h; minus[j] -= h
                let gp = g(plus), gm = g(minus)
                return (0..<m).map { (gp[$0] - gm[$0]) / (2 * h) }
            }
            let coarse = column(h), fine = column(h / 2)
            for i in 0..<m { result[i][j] = (4 * fine[i] - coarse[i]) / 3 }
        }
        return result
    }

    /// Numerical Hessian of a scalar function from differences of its exact gradient, symmetrised.
    static func hessian(ofGradient g: ([Double]) -> [Double], at x: [Double], step: Double = defaultStep) -> [[Double]] {
        let j = jacobian(of: g, at: x, step: step)
        let n = x.count
        return (0..<n).map { r in (0..<n).map { c in 0.5 * (j[r][c] + j[c][r]) } }
    }

    /// Numerical gradient of an objective over the full batch.
    static func gradient(of objective: any Objective, at x: [Double], step: Double = defaultStep) -> [Double] {
        gradient(of: { objective.value(at: $0, batch: .full) }, at: x, step: step)
    }

    /// Numerical Hessian of an objective from central differences of its exact full-batch gradient.
    static func hessian(of objective: any Objective, at x: [Double], step: Double = defaultStep) -> [[Double]] {
        hessian(ofGradient: { exactGradient(of: objective, at: $0) }, at: x, step: step)
    }

    /// The objective's own full-batch gradient.
    static func exactGradient(of objective: any Objective, at x: [Double]) -> [Double] {
        var g = [Double](repeating: 0, count: objective.dimension)
        _ = objective.valueAndGradient(at: x, batch: .full, gradient: &g)
        return g
    }

    /// Largest componentwise error, relative to max(1, largest |reference| entry).
    static func relativeError(_ actual: [Double], _ reference: [Double]) -> Double {
        precondition(actual.count == reference.count, "length mismatch")
        let scale = max(1, reference.map(abs).max() ?? 0)
        let diff = zip(actual, reference).map { abs($0 - $1) }.max() ?? 0
        return diff / scale
    }

    /// Largest entrywise error of two matrices, relative to max(1, largest |reference| entry).
    static func relativeError(_ actual: [[Double]], _ reference: [[Double]]) -> Double {
        relativeError(actual.flatMap { $0 }, reference.flatMap { $0 })
    }

    /// Points with coordinates uniform in [−scale, scale], reproducible from `seed`.
    static func randomPoints(count: Int, dimension: Int, scale: Double, seed: UInt64) -> [[Double]] {
        var rng = SeededRandom(seed: seed)
        return (0..<count).map { _ in (0..<dimension).map { _ in (2 * rng.nextDouble() - 1) * scale } }
    }

    private static func richardson(step h: Double, _ d: (Double) -> Double) -> Double {
        (4 * d(h / 2) - d(h)) / 3
    }
}
