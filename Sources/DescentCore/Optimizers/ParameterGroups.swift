/// One of torch's parameter groups, resolved against a model: the coordinates of its tensors and the rule with
/// the group's options.
public struct ParameterGroup: Sendable, Equatable {
    /// The group's tensors as ranges of θ, in θ order, disjoint.
    public var ranges: [Range<Int>]
    /// The update rule with the group's options (the optimizer's where the group sets none); its `lr` is the
    /// group's initial rate, which the schedule scales.
    public var optimizer: OptimizerConfiguration

    /// A group of the coordinates `ranges` updated by `optimizer`.
    public init(ranges: [Range<Int>], optimizer: OptimizerConfiguration) {
        self.ranges = ranges; self.optimizer = optimizer
    }

    /// Number of coordinates.
    public var count: Int { ranges.reduce(0) { $0 + $1.count } }
}

/// torch.optim's parameter groups: one optimizer whose tensors are split into groups, each group updated with its
/// own options and its own learning rate.
///
/// Every rule offered with groups (`OptimizerKind.acceptsParameterGroups`) updates each coordinate from its own
/// gradient and state with the group's options, as torch's single-tensor code path does per tensor, so a group is
/// run as that rule on the group's coordinates gathered into one contiguous vector, and the result is
/// bit-identical to torch's. Per step t (torch: `optimizer.step()`, then `scheduler.step()`):
/// ```
/// for each group G (initial rate γ_G, its options):
///     γ ← schedule(t, base γ_G)         # torch: each group's lr from its own initial_lr
///         (ReduceLROnPlateau: the group's own rate, reduced as torch's _reduce_lr reduces each group's)
///     θ_G ← rule_G(θ_G, g_G, γ)
/// ```
/// The trajectory's `lr` column is the optimizer's own rate scheduled (the rate of the tensors in no group).
struct GroupedOptimizer: Optimizer {
    /// One group's rule and state, with scratch vectors for its gathered coordinates.
    fileprivate struct Member {
        var rule: any Optimizer
        let ranges: [Range<Int>]
        let baseRate: Double
        var plateau: PlateauTracker?
        var theta: [Double]
        var gradient: [Double]
    }

    private var members: [Member]
    private let schedule: LearningRateSchedule
    private let dimension: Int
    /// Steps taken (torch's `last_epoch` of the schedule).
    private var t = 0

    /// The groups' rules for `dimension` parameters under `schedule`; `groups` cover every coordinate once.
    init(groups: [ParameterGroup], dimension: Int, schedule: LearningRateSchedule) {
        self.schedule = schedule
        self.dimension = dimension
        members = groups.map { group in
            let rate = group.optimizer.learningRate
            var plateau: PlateauTracker? = nil
            if case let .reduceOnPlateau(rule) = schedule { plateau = PlateauTracker(rule, rate: rate) }
            return Member(rule: group.optimizer.groupRule(dimension: group.count), ranges: group.ranges, baseRate: rate,
                          plateau: plateau, theta: [Double](repeating: 0, count: group.count),
                          gradient: [Double](repeating: 0, count: group.count))
        }
    }

    /// One step of every group at its own rate; `learningRate` (the optimizer's own) is not used.
    mutating func step(parameters: inout [Double], gradient: inout [Double], learningRate _: Double) {
        for m in members.indices {
            let rate = members[m].plateau?.rate ?? schedule.learningRate(at: t, base: members[m].baseRate)
            members[m].step(&parameters, &gradient, rate: rate)
        }
        t += 1
    }

    /// Feeds every group's ReduceLROnPlateau with the batch loss of the step just taken.
    mutating func observe(loss: Double) {
        for m in members.indices { members[m].plateau?.observe(loss) }
    }

    /// Number of coordinates over all groups.
    var dimensionCount: Int { dimension }

    /// Calls `body` with each group's state vectors in turn, each with a function that writes the vector to its
    /// group's coordinates of a full-length vector.
    func forEachGroupState(_ body: (String, (inout [Double]) -> Void) -> Void) {
        for member in members {
            guard let reporting = member.rule as? any StateReportingOptimizer else { continue }
            for vector in reporting.stateVectors {
                body(vector.name) { full in member.scatter(vector.values, into: &full) }
            }
        }
    }

    /// ASGD's average (`ax`) of every group put together; nil when the rule keeps none.
    var averagedParameters: [Double]? {
        var average = [Double](repeating: 0, count: dimension)
        for member in members {
            guard let averaging = member.rule as? any AveragingOptimizer else { return nil }
            member.scatter(averaging.averagedParameters, into: &average)
        }
        return average
    }
}

extension GroupedOptimizer.Member {
    /// Gathers the group's θ and g, steps its rule at `rate`, and writes θ back.
    mutating func step(_ parameters: inout [Double], _ gradient: inout [Double], rate: Double) {
        var k = 0
        for range in ranges {
            for i in range { theta[k] = parameters[i]; self.gradient[k] = gradient[i]; k += 1 }
        }
        rule.step(parameters: &theta, gradient: &self.gradient, learningRate: rate)
        scatter(theta, into: &parameters)
    }

    /// Writes the group's values `values` (gathered order) to their coordinates in `full`.
    func scatter(_ values: [Double], into full: inout [Double]) {
        var k = 0
        for range in ranges {
            for i in range { full[i] = values[k]; k += 1 }
        }
    }
}

extension OptimizerConfiguration {
    /// The rule of one parameter group of `dimension` coordinates (its rate comes with each step).
    /// - Precondition: the rule accepts parameter groups (`OptimizerKind.acceptsParameterGroups`), which the spec
    ///   check guarantees.
    func groupRule(dimension n: Int) -> any Optimizer {
        switch self {
        case let .sgd(_, momentum, dampening, nesterov, weightDecay, maximize):
            SGD(dimension: n, momentum: momentum, dampening: dampening, nesterov: nesterov, weightDecay: weightDecay,
                maximize: maximize)
        case let .adagrad(_, lrDecay, weightDecay, initial, eps, maximize):
            Adagrad(dimension: n, learningRateDecay: lrDecay, weightDecay: weightDecay, initialAccumulatorValue: initial,
                    epsilon: eps, maximize: maximize)
        case let .rmsprop(_, alpha, eps, weightDecay, momentum, centered, maximize):
            RMSprop(dimension: n, alpha: alpha, epsilon: eps, weightDecay: weightDecay, momentum: momentum, centered: centered,
                    maximize: maximize)
        case let .adam(_, beta1, beta2, eps, weightDecay, amsgrad, maximize, decoupled):
            Adam(dimension: n, beta1: beta1, beta2: beta2, epsilon: eps, weightDecay: weightDecay, amsgrad: amsgrad,
                 decoupled: decoupled, maximize: maximize)
        case let .adamw(_, beta1, beta2, eps, weightDecay, amsgrad, maximize):
            AdamW.make(dimension: n, beta1: beta1, beta2: beta2, epsilon: eps, weightDecay: weightDecay, amsgrad: amsgrad,
                       maximize: maximize)
        case let .nadam(_, beta1, beta2, eps, weightDecay, momentumDecay, decoupled, maximize):
            NAdam(dimension: n, beta1: beta1, beta2: beta2, epsilon: eps, weightDecay: weightDecay, momentumDecay: momentumDecay,
                  decoupledWeightDecay: decoupled, maximize: maximize)
        case let .radam(_, beta1, beta2, eps, weightDecay, decoupled, maximize):
            RAdam(dimension: n, beta1: beta1, beta2: beta2, epsilon: eps, weightDecay: weightDecay,
                  decoupledWeightDecay: decoupled, maximize: maximize)
        case let .adamax(_, beta1, beta2, eps, weightDecay, maximize):
            Adamax(dimension: n, beta1: beta1, beta2: beta2, epsilon: eps, weightDecay: weightDecay, maximize: maximize)
        case let .adadelta(_, rho, eps, weightDecay, maximize):
            Adadelta(dimension: n, rho: rho, epsilon: eps, weightDecay: weightDecay, maximize: maximize)
        case let .rprop(_, etaMinus, etaPlus, stepSizeMin, stepSizeMax, maximize):
            Rprop(dimension: n, etaMinus: etaMinus, etaPlus: etaPlus, stepSizeMin: stepSizeMin, stepSizeMax: stepSizeMax,
                  maximize: maximize)
        case let .asgd(_, lambd, alpha, t0, weightDecay, maximize):
            ASGD(dimension: n, lambd: lambd, alpha: alpha, t0: t0, weightDecay: weightDecay, maximize: maximize)
        case .momentumLecture, .adagradLecture, .rmspropLecture, .lbfgs, .lion, .adabelief, .yogi, .lamb, .lars, .adan, .sam,
             .prodigy, .scheduleFreeSGD, .scheduleFreeAdamW, .muon, .newton, .saddleFreeNewton, .negativeCurvature:
            preconditionFailure("\(self) takes no parameter groups (OptimizerKind.acceptsParameterGroups)")
        }
    }
}
