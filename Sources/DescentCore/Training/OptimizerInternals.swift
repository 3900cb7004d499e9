/// The optimizer internals a run records with each row when its spec sets `record_internals`.
///
/// Row t (the row whose θ is θ_t, after t updates) holds, in this order:
/// - each state vector of the rule (`StateReportingOptimizer`: Adam's m and v, RMSprop's v, SGD's momentum
///   buffer b, …) after t updates: per coordinate as `name[i]` when the model has at most
///   `perCoordinateLimit` parameters, else its Euclidean norm as `name_norm`;
/// - the averaged point after t updates when the run keeps one (ASGD's θ̄, or the `ema`/`polyak` transform's
///   average, which is θ_t until the first update): `avg[i]`, or `avg_norm`;
/// - `update_norm` ‖θ_t − θ_{t−1}‖ and `effective_lr` ‖θ_t − θ_{t−1}‖ / ‖g_{t−1}‖, the rate plain gradient
///   descent would need for a step of the same length (g_{t−1} is the gradient the rule was given, after any
///   transforms; 0 when ‖g_{t−1}‖ = 0); both 0 at step 0.
///
/// Everything here reads θ, the gradient and the rule's state; it writes only its own copies, so a run's
/// trajectory and summary are bit-identical with and without internals (tested). The price, paid only by runs
/// that ask: a copy of θ per step and one pass over the state per recorded row; such runs take the general loop.
struct OptimizerInternals {
    /// Largest dimension whose state vectors are recorded per coordinate (above: their norms).
    static let perCoordinateLimit = 8

    /// The column names, fixed when the run starts.
    let names: [String]
    private let dimension: Int
    private let averaged: Bool
    /// θ before the last update.
    private var previous: [Double]
    /// ‖g‖ of the gradient handed to the last update.
    private var lastGradientNorm = 0.0
    private var updateNorm = 0.0
    private var effectiveRate = 0.0

    /// The internals of `optimizer` on `dimension` parameters; `averaging` when the run keeps a parameter average.
    init<P: Optimizer>(optimizer: P, dimension n: Int, averaging: Bool) {
        dimension = n
        let vectors = (optimizer as? any StateReportingOptimizer)?.stateVectors.map(\.name) ?? []
        averaged = averaging || optimizer is any AveragingOptimizer || (optimizer as? GroupedOptimizer)?.averagedParameters != nil
        func columns(_ name: String) -> [String] {
            n <= Self.perCoordinateLimit ? (0..<n).map { "\(name)[\($0)]" } : ["\(name)_norm"]
        }
        names = vectors.flatMap(columns) + (averaged ? columns("avg") : []) + ["update_norm", "effective_lr"]
        previous = [Double](repeating: 0, count: n)
    }

    /// Notes θ and the gradient the rule is about to be given.
    mutating func willUpdate(_ theta: [Double], gradient: [Double]) {
        var squares = 0.0
        for i in 0..<dimension { previous[i] = theta[i]; squares += gradient[i] * gradient[i] }
        lastGradientNorm = squares.squareRoot()
    }

    /// Measures the update just made, which led to `theta`.
    mutating func didUpdate(_ theta: [Double]) {
        var squares = 0.0
        for i in 0..<dimension {
            let d = theta[i] - previous[i]
            squares += d * d
        }
        updateNorm = squares.squareRoot()
        effectiveRate = lastGradientNorm > 0 ? updateNorm / lastGradientNorm : 0
    }

    /// Writes the row's values (`names.count` of them) to `out`: `optimizer`'s state, the average `average`
    /// (or θ when the run's average has no point yet), the last update's size.
    func write<P: Optimizer>(to out: UnsafeMutablePointer<Double>, optimizer: P, theta: [Double], average: [Double]?) {
        var k = 0
        func put(_ values: [Double]) {
            if dimension <= Self.perCoordinateLimit {
                for v in values { out[k] = v; k += 1 }
            } else {
                var squares = 0.0
                for v in values { squares += v * v }
                out[k] = squares.squareRoot(); k += 1
            }
        }
        if let reporting = optimizer as? any StateReportingOptimizer {
            for vector in reporting.stateVectors { put(vector.values) }
        }
        if averaged {
            if let asgd = optimizer as? any AveragingOptimizer {
                put(asgd.averagedParameters)
            } else if let grouped = optimizer as? GroupedOptimizer, let groupsAverage = grouped.averagedParameters {
                put(groupsAverage)  // ASGD in every group: their averages put together
            } else {
                put(average.flatMap { $0.isEmpty ? nil : $0 } ?? theta)
            }
        }
        out[k] = updateNorm; out[k + 1] = effectiveRate
    }
}
