extension Trainer {
    /// Runs one of the optax-named rules with a raw-buffer step (fast path where the objective has a raw-buffer kernel);
    /// the layer-wise ones (LAMB, LARS) get the objective's parameter tensors.
    static func runOptax(
        objective: any Objective, optimizer: OptimizerConfiguration, configuration: TrainingConfiguration, control: RunControl,
        progressEvery: Int, onProgress: ((TrajectoryChunk) -> Void)?, fastPath: Bool
    ) -> RunResult {
        let n = objective.dimension
        func run<P: RawStepOptimizer>(_ rule: P) -> RunResult {
            dispatchFast(objective, rule, configuration, control, progressEvery, onProgress, fastPath: fastPath)
        }
        switch optimizer {
        case let .lion(_, b1, b2, weightDecay):
            return run(Lion(dimension: n, beta1: b1, beta2: b2, weightDecay: weightDecay))
        case let .adabelief(_, b1, b2, eps, epsRoot, nesterov):
            return run(AdaBelief(dimension: n, beta1: b1, beta2: b2, epsilon: eps, epsilonRoot: epsRoot, nesterov: nesterov))
        case let .yogi(_, b1, b2, eps, initial):
            return run(Yogi(dimension: n, beta1: b1, beta2: b2, epsilon: eps, initialAccumulatorValue: initial))
        case let .lamb(_, b1, b2, eps, epsRoot, weightDecay):
            return run(LAMB(dimension: n, beta1: b1, beta2: b2, epsilon: eps, epsilonRoot: epsRoot, weightDecay: weightDecay,
                            tensors: parameterTensors(of: objective)))
        case let .lars(_, weightDecay, trustCoefficient, eps, momentum, nesterov):
            return run(LARS(dimension: n, weightDecay: weightDecay, trustCoefficient: trustCoefficient, epsilon: eps,
                            momentum: momentum, nesterov: nesterov, tensors: parameterTensors(of: objective)))
        case let .adan(_, b1, b2, b3, eps, epsRoot, weightDecay):
            return run(Adan(dimension: n, beta1: b1, beta2: b2, beta3: b3, epsilon: eps, epsilonRoot: epsRoot,
                            weightDecay: weightDecay))
        case let .prodigy(_, beta1, beta2, beta3, eps, estimLR0, estimLRCoef, weightDecay, safeguardWarmup):
            return run(Prodigy(dimension: n, beta1: beta1, beta2: beta2, beta3: beta3, epsilon: eps, initialEstimate: estimLR0,
                               estimateCoefficient: estimLRCoef, weightDecay: weightDecay, safeguardWarmup: safeguardWarmup))
        case let .scheduleFreeSGD(_, b1, weightDecay, power):
            return run(ScheduleFree(start: configuration.start, base: .sgd, beta: b1, weightPower: power, weightDecay: weightDecay))
        case let .scheduleFreeAdamW(_, b1, b2, eps, weightDecay, power):
            return run(ScheduleFree(start: configuration.start, base: .adamw(beta2: b2, epsilon: eps), beta: b1, weightPower: power,
                                    weightDecay: weightDecay))
        default:
            preconditionFailure("runOptax is called for the optax-named rules only")
        }
    }
}
