/// Runs an optimizer on an objective and records the trajectory.
public enum Trainer {
    /// Runs `optimizer` (a configuration) on `objective`: opens both once, then runs a loop
    /// specialised for the concrete optimizer type (and, for the common objectives, the concrete
    /// objective type) so no step goes through an existential.
    public static func run(
        objective: any Objective, optimizer: OptimizerConfiguration, configuration: TrainingConfiguration,
        control: RunControl = RunControl(), progressEvery: Int = 1024,
        onProgress: ((TrajectoryChunk) -> Void)? = nil
    ) -> RunResult {
        run(objective: objective, optimizer: optimizer, configuration: configuration, control: control,
            progressEvery: progressEvery, onProgress: onProgress, fastPath: true)
    }

    /// `run` with a switch for the closed-form fast path (`fastPath: false` forces the general
    /// loop; the tests compare both bit for bit).
    static func run(
        objective: any Objective, optimizer: OptimizerConfiguration, configuration: TrainingConfiguration,
        control: RunControl, progressEvery: Int, onProgress: ((TrajectoryChunk) -> Void)?, fastPath: Bool
    ) -> RunResult {
        let n = objective.dimension
        // Transforms, averages and loss-observing schedules run on the general loop only.
        let fastPath = fastPath && !configuration.needsGeneralLoop
        if !configuration.parameterGroups.isEmpty {
            return dispatch(objective, GroupedOptimizer(groups: configuration.parameterGroups, dimension: n,
                                                        schedule: configuration.schedule),
                            configuration, control, progressEvery, onProgress)
        }
        switch optimizer {
        case let .sgd(_, momentum, dampening, nesterov, weightDecay, maximize):
            return dispatchFast(objective, SGD(dimension: n, momentum: momentum, dampening: dampening, nesterov: nesterov,
                                               weightDecay: weightDecay, maximize: maximize),
                                configuration, control, progressEvery, onProgress, fastPath: fastPath)
        case let .momentumLecture(_, momentum):
            return dispatch(objective, MomentumLecture(dimension: n, momentum: momentum),
                            configuration, control, progressEvery, onProgress)
        case let .adagrad(_, lrDecay, weightDecay, initial, eps, maximize):
            return dispatchFast(objective, Adagrad(dimension: n, learningRateDecay: lrDecay, weightDecay: weightDecay,
                                                   initialAccumulatorValue: initial, epsilon: eps, maximize: maximize),
                                configuration, control, progressEvery, onProgress, fastPath: fastPath)
        case let .adagradLecture(_, sqrtDecay, eps):
            return dispatch(objective, AdagradLecture(dimension: n, sqrtDecay: sqrtDecay, epsilon: eps),
                            configuration, control, progressEvery, onProgress)
        case let .rmsprop(_, alpha, eps, weightDecay, momentum, centered, maximize):
            return dispatchFast(objective, RMSprop(dimension: n, alpha: alpha, epsilon: eps, weightDecay: weightDecay,
                                                   momentum: momentum, centered: centered, maximize: maximize),
                                configuration, control, progressEvery, onProgress, fastPath: fastPath)
        case let .rmspropLecture(_, alpha, eps):
            return dispatch(objective, RMSpropLecture(dimension: n, alpha: alpha, epsilon: eps),
                            configuration, control, progressEvery, onProgress)
        case let .adam(_, beta1, beta2, eps, weightDecay, amsgrad, maximize, decoupled):
            return dispatchFast(objective, Adam(dimension: n, beta1: beta1, beta2: beta2, epsilon: eps, weightDecay: weightDecay,
                                                amsgrad: amsgrad, decoupled: decoupled, maximize: maximize),
                                configuration, control, progressEvery, onProgress, fastPath: fastPath)
        case let .adamw(_, beta1, beta2, eps, weightDecay, amsgrad, maximize):
            return dispatchFast(objective, AdamW.make(dimension: n, beta1: beta1, beta2: beta2, epsilon: eps,
                                                      weightDecay: weightDecay, amsgrad: amsgrad, maximize: maximize),
                                configuration, control, progressEvery, onProgress, fastPath: fastPath)
        case let .nadam(_, beta1, beta2, eps, weightDecay, momentumDecay, decoupled, maximize):
            return dispatchFast(objective, NAdam(dimension: n, beta1: beta1, beta2: beta2, epsilon: eps, weightDecay: weightDecay,
                                                 momentumDecay: momentumDecay, decoupledWeightDecay: decoupled, maximize: maximize),
                                configuration, control, progressEvery, onProgress, fastPath: fastPath)
        case let .radam(_, beta1, beta2, eps, weightDecay, decoupled, maximize):
            return dispatchFast(objective, RAdam(dimension: n, beta1: beta1, beta2: beta2, epsilon: eps, weightDecay: weightDecay,
                                                 decoupledWeightDecay: decoupled, maximize: maximize),
                                configuration, control, progressEvery, onProgress, fastPath: fastPath)
        case let .adamax(_, beta1, beta2, eps, weightDecay, maximize):
            return dispatchFast(objective, Adamax(dimension: n, beta1: beta1, beta2: beta2, epsilon: eps, weightDecay: weightDecay,
                                                  maximize: maximize),
                                configuration, control, progressEvery, onProgress, fastPath: fastPath)
        case let .adadelta(_, rho, eps, weightDecay, maximize):
            return dispatchFast(objective, Adadelta(dimension: n, rho: rho, epsilon: eps, weightDecay: weightDecay, maximize: maximize),
                                configuration, control, progressEvery, onProgress, fastPath: fastPath)
        case let .rprop(_, etaMinus, etaPlus, stepSizeMin, stepSizeMax, maximize):
            return dispatchFast(objective, Rprop(dimension: n, etaMinus: etaMinus, etaPlus: etaPlus, stepSizeMin: stepSizeMin,
                                                 stepSizeMax: stepSizeMax, maximize: maximize),
                                configuration, control, progressEvery, onProgress, fastPath: fastPath)
        case let .asgd(_, lambd, alpha, t0, weightDecay, maximize):
            return dispatchFast(objective, ASGD(dimension: n, lambd: lambd, alpha: alpha, t0: t0, weightDecay: weightDecay,
                                                maximize: maximize),
                                configuration, control, progressEvery, onProgress, fastPath: fastPath)
        case let .lbfgs(_, maxIter, maxEval, toleranceGrad, toleranceChange, historySize, strongWolfe):
            // L-BFGS evaluates the objective itself: open the existential to give it the concrete type.
            func run<Concrete: Objective>(_ concrete: Concrete) -> RunResult {
                dispatch(concrete, LBFGS(objective: concrete, maxIterations: maxIter, maxEvaluations: maxEval,
                                         toleranceGrad: toleranceGrad, toleranceChange: toleranceChange,
                                         historySize: historySize, strongWolfe: strongWolfe),
                         configuration, control, progressEvery, onProgress)
            }
            return run(objective)
        case .lion, .adabelief, .yogi, .lamb, .lars, .adan, .prodigy, .scheduleFreeSGD, .scheduleFreeAdamW:
            return runOptax(objective: objective, optimizer: optimizer, configuration: configuration, control: control,
                            progressEvery: progressEvery, onProgress: onProgress, fastPath: fastPath)
        case let .sam(rule):
            // SAM and ASAM evaluate the objective themselves: open the existential to give them the concrete type.
            func run<Concrete: Objective>(_ concrete: Concrete) -> RunResult {
                switch rule {
                case let .optax(_, rho, momentum, nesterov):
                    dispatch(concrete, SAM(objective: concrete, rho: rho, momentum: momentum, nesterov: nesterov),
                             configuration, control, progressEvery, onProgress)
                case let .adaptive(_, rho, eta, momentum, dampening, weightDecay, nesterov):
                    dispatch(concrete, ASAM(objective: concrete, rho: rho, eta: eta,
                                            base: SGD(dimension: concrete.dimension, momentum: momentum, dampening: dampening,
                                                      nesterov: nesterov, weightDecay: weightDecay)),
                             configuration, control, progressEvery, onProgress)
                }
            }
            return run(objective)
        case let .muon(_, coefficients, nsSteps, beta, eps, weightDecay, nesterov, adamB1, adamB2, adamEpsRoot, adamWeightDecay, rms):
            precondition(coefficients.count == 3, "ns_coeffs holds 3 numbers (checked by the spec)")
            let c = (coefficients[0], coefficients[1], coefficients[2])
            return dispatch(objective, Muon(dimension: n, matrices: Muon.weightMatrices(of: objective), coefficients: c, steps: nsSteps,
                                            beta: beta, epsilon: eps, weightDecay: weightDecay, nesterov: nesterov,
                                            adamBeta1: adamB1, adamBeta2: adamB2, adamEpsilonRoot: adamEpsRoot,
                                            adamWeightDecay: adamWeightDecay, consistentRMS: rms),
                            configuration, control, progressEvery, onProgress)
        case let .newton(_, damping, m):
            return dispatch(objective, DampedNewton(objective: objective, damping: damping, krylovDimension: m),
                            configuration, control, progressEvery, onProgress)
        case let .saddleFreeNewton(_, damping, m):
            return dispatch(objective, SaddleFreeNewton(objective: objective, damping: damping, krylovDimension: m),
                            configuration, control, progressEvery, onProgress)
        case let .negativeCurvature(_, gradTol, escapeStep):
            return dispatch(objective, NegativeCurvatureDescent(objective: objective, gradientTolerance: gradTol, escapeStep: escapeStep),
                            configuration, control, progressEvery, onProgress)
        }
    }

    /// The closed-form fast path (`ClosedFormLoop`) when `fastPath` is set and the objective has
    /// a raw-buffer kernel; otherwise `dispatch`.
    static func dispatchFast<P: RawStepOptimizer>(
        _ objective: any Objective, _ optimizer: P, _ configuration: TrainingConfiguration, _ control: RunControl,
        _ progressEvery: Int, _ onProgress: ((TrajectoryChunk) -> Void)?, fastPath: Bool
    ) -> RunResult {
        // Momentum cycling (checked by the spec: the optimizers with torch's `momentum` or `betas`) wraps the
        // optimizer, once per run, and runs on the general loop.
        if configuration.schedule.momentumCycle != nil, let cycling = optimizer as? any MomentumCycling {
            func cycled<Q: MomentumCycling>(_ q: Q) -> RunResult {
                dispatch(objective, MomentumCycled(q, schedule: configuration.schedule), configuration, control, progressEvery, onProgress)
            }
            return cycled(cycling)
        }
        func fast<O: ClosedFormKernel>(_ o: O) -> RunResult? {
            guard ClosedFormLoop<O, P>.applies(to: o, configuration) else { return nil }
            return ClosedFormLoop(objective: o, optimizer: optimizer, configuration: configuration)
                .run(control: control, progressEvery: progressEvery, onProgress: onProgress)
        }
        if fastPath {
            switch objective {
            case let o as RosenbrockObjective: if let result = fast(o) { return result }
            case let o as SaddleObjective: if let result = fast(o) { return result }
            case let o as QuadraticObjective: if let result = fast(o) { return result }
            default: break
            }
        }
        return dispatch(objective, optimizer, configuration, control, progressEvery, onProgress)
    }

    /// Picks a loop specialised for the objective's concrete type when it is a common one.
    static func dispatch<P: Optimizer>(
        _ objective: any Objective, _ optimizer: P, _ configuration: TrainingConfiguration, _ control: RunControl,
        _ progressEvery: Int, _ onProgress: ((TrajectoryChunk) -> Void)?
    ) -> RunResult {
        func special<O: Objective>(_ o: O) -> RunResult {
            TrainingLoop(objective: o, optimizer: optimizer, configuration: configuration)
                .run(control: control, progressEvery: progressEvery, onProgress: onProgress)
        }
        switch objective {
        case let o as RosenbrockObjective: return special(o)
        case let o as QuadraticObjective: return special(o)
        case let o as SaddleObjective: return special(o)
        case let o as MLPObjective: return special(o)
        case let o as LinearRegressionObjective: return special(o)
        default: return special(objective)  // implicitly opened: generic, not specialised
        }
    }
}
