/// The trace of a Hessian: exact from n products with unit vectors, or estimated by Hutchinson's method.
public enum HessianTrace {
    /// A trace estimate with its uncertainty.
    public struct Estimate: Sendable, Equatable, Codable {
        /// tr(H), exact or estimated.
        public var value: Double
        /// Standard error of `value`: 0 when exact; s/√m for Hutchinson (s the sample standard deviation
        /// of the m probe values, nil when m < 2).
        public var standardError: Double?
        /// `exact` or `hutchinson`.
        public var method: String
        /// Probes used (0 when exact).
        public var probes: Int
    }

    /// tr(H) = Σᵢ eᵢᵀHeᵢ from n products with the unit vectors (no n×n matrix is stored).
    public static func exact(dimension n: Int, multiply: ([Double]) -> [Double]) -> Estimate {
        var e = [Double](repeating: 0, count: n)
        var sum = 0.0
        for i in 0..<n {
            e[i] = 1
            sum += multiply(e)[i]
            e[i] = 0
        }
        return Estimate(value: sum, standardError: 0, method: "exact", probes: 0)
    }

    /// Hutchinson's estimator (Hutchinson 1990): tr(H) ≈ (1/m) Σⱼ zⱼᵀHzⱼ over m Rademacher probes zⱼ.
    ///
    /// Each zᵀHz is an unbiased estimate of tr(H) with variance 2 Σ_{i≠j} H²ᵢⱼ; the reported standard
    /// error is the sample standard deviation (m − 1 in the denominator) over √m. Probes come from
    /// `rademacherProbe`, one after another from one generator seeded by `seed`.
    public static func hutchinson(dimension n: Int, probes m: Int, seed: UInt64, multiply: ([Double]) -> [Double]) -> Estimate {
        var rng = SeededRandom(seed: seed)
        var samples: [Double] = []
        samples.reserveCapacity(m)
        for _ in 0..<max(m, 0) {
            let z = rademacherProbe(n, &rng)
            samples.append(VectorMath.dot(z, multiply(z)))
        }
        let (mean, error) = meanAndStandardError(samples)
        return Estimate(value: mean, standardError: error, method: "hutchinson", probes: samples.count)
    }

    /// A vector of n independent ±1 entries: entry i is +1 when the generator's i-th 64-bit draw is even,
    /// −1 when odd (one draw per entry).
    public static func rademacherProbe(_ n: Int, _ rng: inout SeededRandom) -> [Double] {
        (0..<n).map { _ in rng.next() & 1 == 0 ? 1.0 : -1.0 }
    }

    /// Sample mean and its standard error s/√m (nil below two samples).
    static func meanAndStandardError(_ samples: [Double]) -> (mean: Double, error: Double?) {
        let m = Double(samples.count)
        guard samples.count > 0 else { return (.nan, nil) }
        let mean = samples.reduce(0, +) / m
        guard samples.count > 1 else { return (mean, nil) }
        let variance = samples.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (m - 1)
        return (mean, (variance / m).squareRoot())
    }
}
