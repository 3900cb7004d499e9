/// One per-coordinate state vector of an update rule, named as the rule's pseudo-code names it (Adam's m and
/// v, RMSprop's v, SGD's momentum buffer b, the lecture RMSprop's σ), for runs that record their internals.
public struct OptimizerStateVector: Sendable, Equatable {
    /// The name in the rule's pseudo-code (`m`, `v`, `v_max`, `b`, `g_ave`, `state_sum`, `sigma`, `sum`).
    public let name: String
    /// One value per parameter.
    public let values: [Double]

    /// A named state vector.
    public init(_ name: String, _ values: [Double]) { self.name = name; self.values = values }
}

/// An optimizer whose state vectors a run can record (`record_internals`, `OptimizerInternals`).
///
/// The vectors read the state only, so recording them leaves the run's arithmetic as it is. A rule gives the
/// same names in the same order at every step (zeros before its first update), so the columns are fixed when
/// the run starts.
protocol StateReportingOptimizer: Optimizer {
    /// The state vectors after the updates so far.
    var stateVectors: [OptimizerStateVector] { get }
}

extension SGD: StateReportingOptimizer {
    /// The momentum buffer b (none without momentum).
    var stateVectors: [OptimizerStateVector] { momentum == 0 ? [] : [OptimizerStateVector("b", buffer)] }
}

extension Adam: StateReportingOptimizer {
    /// The first and second moments m and v (and v_max with amsgrad), before bias correction.
    var stateVectors: [OptimizerStateVector] {
        [OptimizerStateVector("m", firstMoment), OptimizerStateVector("v", secondMoment)]
            + (amsgrad ? [OptimizerStateVector("v_max", maxSecondMoment)] : [])
    }
}

extension RMSprop: StateReportingOptimizer {
    /// The average of squared gradients v, with `centered` the gradient average g_ave, with momentum the buffer b.
    var stateVectors: [OptimizerStateVector] {
        [OptimizerStateVector("v", squareAverage)]
            + (centered ? [OptimizerStateVector("g_ave", gradientAverage)] : [])
            + (momentum > 0 ? [OptimizerStateVector("b", buffer)] : [])
    }
}

extension Adagrad: StateReportingOptimizer {
    /// The sum of squared gradients (from the initial accumulator value).
    var stateVectors: [OptimizerStateVector] { [OptimizerStateVector("state_sum", stateSum)] }
}

extension MomentumLecture: StateReportingOptimizer {
    /// The movement m (the last update).
    var stateVectors: [OptimizerStateVector] { [OptimizerStateVector("m", movement)] }
}

extension RMSpropLecture: StateReportingOptimizer {
    /// The root-mean-square σ of the step's gradient and the ones before it.
    var stateVectors: [OptimizerStateVector] { [OptimizerStateVector("sigma", sigma)] }
}

extension AdagradLecture: StateReportingOptimizer {
    /// The sum of squared gradients Σ g².
    var stateVectors: [OptimizerStateVector] { [OptimizerStateVector("sum", sumOfSquares)] }
}

extension MomentumCycled: StateReportingOptimizer where Base: StateReportingOptimizer {
    /// The cycled rule's own state vectors.
    var stateVectors: [OptimizerStateVector] { base.stateVectors }
}

extension GroupedOptimizer: StateReportingOptimizer {
    /// Every group's state vectors put together, coordinate by coordinate: the names in the order the groups first
    /// give them, and 0 at the coordinates of a group whose rule keeps no such vector (an SGD group without
    /// momentum beside one with it).
    var stateVectors: [OptimizerStateVector] {
        var names: [String] = []
        var full: [String: [Double]] = [:]
        forEachGroupState { name, scatter in
            if full[name] == nil {
                names.append(name)
                full[name] = [Double](repeating: 0, count: dimensionCount)
            }
            scatter(&full[name]!)
        }
        return names.map { OptimizerStateVector($0, full[$0]!) }
    }
}
