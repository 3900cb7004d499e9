/// What experiments must share to run in lockstep: the closed-form objective (kind, constants and dimension),
/// the update rule and the flags that pick its branches, the step budget and the recording settings.
///
/// Everything else may differ per member: θ₀, learning rate, schedule, the rule's hyper-parameters and the
/// stop settings (tolerance, loss target, divergence factor). Two experiments of equal shape advance
/// together; each still gets the trajectory and summary it gets alone, bit for bit.
public struct LockstepShape: Sendable, Equatable {
    /// The objectives with a lane kernel.
    enum Objective: Sendable, Equatable {
        case rosenbrock(RosenbrockObjective)
        case saddle
        case quadratic(QuadraticObjective)
    }

    /// The rules with a lockstep form, with their branch flags.
    enum Rule: Sendable, Equatable {
        case adam(decays: Bool, decoupled: Bool, amsgrad: Bool, maximize: Bool)
        case sgd(decays: Bool, momentum: Bool, nesterov: Bool, maximize: Bool)
        case rmsprop(decays: Bool, centered: Bool, momentum: Bool, maximize: Bool)
        case adagrad(decays: Bool, maximize: Bool)
    }

    let objective: Objective
    let rule: Rule
    let steps: Int
    let recordEvery: Int
    let recordParams: Bool
    let keepsTrajectory: Bool

    /// The shape of a run, or nil when it has none (its objective or rule has no lockstep form, it has data,
    /// θ₀ does not fit, or it records sharpness): such runs take the single-run loops.
    public init?(objective: any DescentCore.Objective, optimizer: OptimizerConfiguration, configuration c: TrainingConfiguration) {
        guard objective.sampleCount == 0, objective.dimension > 0, c.start.count == objective.dimension,
              c.sharpnessEvery == nil, !c.needsGeneralLoop else { return nil }
        switch objective {
        case let o as RosenbrockObjective: self.objective = .rosenbrock(o)
        case is SaddleObjective: self.objective = .saddle
        case let o as QuadraticObjective: self.objective = .quadratic(o)
        default: return nil
        }
        switch optimizer {
        case let .adam(_, _, _, _, wd, amsgrad, maximize, decoupled):
            rule = .adam(decays: wd != 0, decoupled: decoupled, amsgrad: amsgrad, maximize: maximize)
        case let .adamw(_, _, _, _, wd, amsgrad, maximize):
            rule = .adam(decays: wd != 0, decoupled: true, amsgrad: amsgrad, maximize: maximize)
        case let .sgd(_, momentum, _, nesterov, wd, maximize):
            rule = .sgd(decays: wd != 0, momentum: momentum != 0, nesterov: nesterov, maximize: maximize)
        case let .rmsprop(_, _, _, wd, momentum, centered, maximize):
            rule = .rmsprop(decays: wd != 0, centered: centered, momentum: momentum > 0, maximize: maximize)
        case let .adagrad(_, _, wd, _, _, maximize): rule = .adagrad(decays: wd != 0, maximize: maximize)
        // No lockstep form: the lecture's rules, and the rules without a shared per-coordinate function
        // (they run alone, on the single-run loops).
        case .momentumLecture, .adagradLecture, .rmspropLecture, .nadam, .radam, .adamax, .adadelta, .rprop, .asgd, .lbfgs,
             .lion, .adabelief, .yogi, .lamb, .lars, .adan, .sam, .prodigy, .scheduleFreeSGD, .scheduleFreeAdamW, .muon,
             .newton, .saddleFreeNewton, .negativeCurvature:
            return nil
        }
        steps = c.steps
        recordEvery = max(1, c.recordEvery)
        recordParams = c.recordParams
        keepsTrajectory = c.keepsTrajectory
    }

    /// Partitions runs into lockstep groups: indices of equal shape, in order, at most `limit` per group.
    /// Runs without a shape are left out (they run alone).
    public static func groups(_ shapes: [LockstepShape?], limit: Int = .max) -> [[Int]] {
        var groups: [(shape: LockstepShape, members: [Int])] = []
        var closed: [[Int]] = []
        for (i, shape) in shapes.enumerated() {
            guard let shape else { continue }
            if let g = groups.firstIndex(where: { $0.shape == shape }) {
                groups[g].members.append(i)
                if groups[g].members.count >= limit { closed.append(groups.remove(at: g).members) }
            } else if limit <= 1 {
                closed.append([i])
            } else {
                groups.append((shape, [i]))
            }
        }
        return (closed + groups.map(\.members)).sorted { $0[0] < $1[0] }
    }
}
