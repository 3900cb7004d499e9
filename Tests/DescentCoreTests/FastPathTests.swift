import Testing
@testable import DescentCore

// The closed-form fast path (`ClosedFormLoop`) must give bit-identical results to the general
// loop (`TrainingLoop`): every recorded value is compared by its bit pattern.

private func bits(_ xs: [Double]) -> [UInt64] { xs.map(\.bitPattern) }
private func bits(_ x: Double?) -> UInt64? { x?.bitPattern }

/// Expects two runs to agree bit for bit (trajectory, epochs and summary).
private func expectIdentical(_ fast: RunResult, _ general: RunResult, _ label: String) {
    let f = fast.trajectory, g = general.trajectory
    #expect(f.dimension == g.dimension, "\(label)")
    #expect(f.step == g.step, "\(label)")
    #expect(f.epoch == g.epoch, "\(label)")
    #expect(bits(f.lr) == bits(g.lr), "\(label)")
    #expect(bits(f.loss) == bits(g.loss), "\(label)")
    #expect(bits(f.gradNorm) == bits(g.gradNorm), "\(label)")
    #expect(bits(f.params) == bits(g.params), "\(label)")
    #expect(f.epochs == g.epochs, "\(label)")
    let a = fast.summary, b = general.summary
    #expect(a.stopReason == b.stopReason, "\(label)")
    #expect(a.stepsRun == b.stepsRun, "\(label)")
    #expect(bits(a.finalLoss) == bits(b.finalLoss), "\(label)")
    #expect(bits(a.bestLoss) == bits(b.bestLoss), "\(label)")
    #expect(a.bestStep == b.bestStep, "\(label)")
    #expect(bits(a.finalParams) == bits(b.finalParams), "\(label)")
    #expect(bits(a.finalGradNorm) == bits(b.finalGradNorm), "\(label)")
    #expect(bits(a.trainLoss) == bits(b.trainLoss), "\(label)")
    #expect(bits(a.validationLoss) == bits(b.validationLoss), "\(label)")
    #expect(bits(a.validationAccuracy) == bits(b.validationAccuracy), "\(label)")
}

/// Runs both paths, compares them, and returns the fast path's result.
@discardableResult
private func compare(_ objective: any Objective, _ optimizer: OptimizerConfiguration,
                     _ configuration: TrainingConfiguration, _ label: String) -> RunResult {
    let fast = Trainer.run(objective: objective, optimizer: optimizer, configuration: configuration,
                           control: RunControl(), progressEvery: 1024, onProgress: nil, fastPath: true)
    let general = Trainer.run(objective: objective, optimizer: optimizer, configuration: configuration,
                              control: RunControl(), progressEvery: 1024, onProgress: nil, fastPath: false)
    expectIdentical(fast, general, label)
    return fast
}

private let optimizers: [(String, OptimizerConfiguration)] = [
    ("sgd", .sgd(lr: 1e-3, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, maximize: false)),
    ("sgd-momentum", .sgd(lr: 1e-3, momentum: 0.9, dampening: 0.1, nesterov: false, weightDecay: 0, maximize: false)),
    ("sgd-nesterov", .sgd(lr: 1e-3, momentum: 0.9, dampening: 0, nesterov: true, weightDecay: 1e-2, maximize: false)),
    ("adam", .adam(lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, amsgrad: false)),
    ("adam-amsgrad-wd", .adam(lr: 1e-2, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.05, amsgrad: true)),
    ("adamw", .adamw(lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 1e-2, amsgrad: false)),
    ("adamw-amsgrad", .adamw(lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 1e-1, amsgrad: true)),
    ("adam-decoupled-maximize", .adam(lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 1e-1, amsgrad: false,
                                      maximize: true, decoupledWeightDecay: true)),
    ("adagrad", .adagrad(lr: 0.1, lrDecay: 0.01, weightDecay: 0.05, initialAccumulatorValue: 0.1, eps: 1e-10)),
    ("rmsprop-centered-momentum", .rmsprop(lr: 1e-3, alpha: 0.9, eps: 1e-8, weightDecay: 0.01, momentum: 0.5, centered: true)),
    ("nadam", .nadam(lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1, momentumDecay: 4e-3,
                     decoupledWeightDecay: true, maximize: false)),
    ("radam", .radam(lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1, decoupledWeightDecay: false, maximize: false)),
    ("adamax", .adamax(lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1, maximize: false)),
    ("adadelta", .adadelta(lr: 1, rho: 0.9, eps: 1e-6, weightDecay: 0.1, maximize: false)),
    ("rprop", .rprop(lr: 1e-3, etaMinus: 0.5, etaPlus: 1.2, stepSizeMin: 1e-6, stepSizeMax: 50, maximize: false)),
    ("asgd", .asgd(lr: 1e-3, lambd: 1e-2, alpha: 0.75, t0: 100, weightDecay: 0.05, maximize: false)),
]

private let objectives: [(String, any Objective, [Double])] = [
    ("rosenbrock-2d", RosenbrockObjective(), [-1.2, 1]),
    ("rosenbrock-5d", RosenbrockObjective(a: 1.5, b: 50, dimension: 5), [-1, 0.5, 0.2, -0.3, 1.1]),
    ("saddle", SaddleObjective(), [0.3, -0.2]),
    ("quadratic-ill", QuadraticObjective.illConditioned(dimension: 3, kappa: 30), [1, -2, 0.5]),
    ("quadratic", QuadraticObjective(a: Matrix([[2, 0.3], [0.1, 1]]), b: [0.5, -1]), [0.7, 0.9]),
]

private let schedules: [(String, LearningRateSchedule)] = [
    ("constant", .constant),
    ("step", .step(stepSize: 37, gamma: 0.7)),
    ("cosine", .cosine(tMax: 250, etaMin: 1e-4)),
    ("warmup-exponential", .linearWarmup(warmupSteps: 20, startFactor: 0.1, then: .exponential(gamma: 0.995))),
    ("one-cycle", .oneCycle(maxLR: 2e-2, totalSteps: 300, pctStart: 0.3, divFactor: 25, finalDivFactor: 1e4)),
]

@Test func fastPathMatchesGeneralPathForEveryObjectiveAndOptimizer() {
    for (objectiveName, objective, start) in objectives {
        for (optimizerName, optimizer) in optimizers {
            let config = TrainingConfiguration(start: start, steps: 300, learningRate: optimizer.learningRate)
            compare(objective, optimizer, config, "\(objectiveName) \(optimizerName)")
        }
    }
}

@Test func fastPathMatchesGeneralPathWithSchedulesAndSparseRecording() {
    for (scheduleName, schedule) in schedules {
        for (optimizerName, optimizer) in optimizers {
            for (recordEvery, recordParams) in [(1, true), (3, true), (7, false), (300, true), (1000, false)] {
                var config = TrainingConfiguration(start: [-1.2, 1], steps: 300, learningRate: optimizer.learningRate,
                                                   schedule: schedule)
                config.recordEvery = recordEvery
                config.recordParams = recordParams
                compare(RosenbrockObjective(), optimizer, config,
                        "\(scheduleName) \(optimizerName) every \(recordEvery) params \(recordParams)")
            }
        }
    }
}

@Test func fastPathMatchesGeneralPathOnEveryStopReason() {
    // Each case checks that its stop reason was really reached (cancellation: the next test), so a
    // case that stops for another reason cannot pass as a comparison of the wrong thing.
    let sgd = OptimizerConfiguration.sgd(lr: 1e-2, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0,
                                         maximize: false)
    // Divergence: SGD with a step far too large for Rosenbrock's valley.
    var diverging = TrainingConfiguration(start: [-1.2, 1], steps: 1000, learningRate: 0.05)
    diverging.divergenceFactor = 1e6
    let exploded = compare(RosenbrockObjective(), .sgd(lr: 0.05, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0,
                                                       maximize: false), diverging, "diverged")
    #expect(exploded.summary.stopReason == .diverged && exploded.summary.stepsRun < 1000)
    #expect(exploded.summary.finalLoss.isFinite, "stopped by the growth factor, before the loss overflowed")
    // Maximizing blows up to infinity (non-finite loss or gradient).
    var maximizing = TrainingConfiguration(start: [1, 2], steps: 5000, learningRate: 0.5)
    maximizing.divergenceFactor = .infinity
    let nonFinite = compare(QuadraticObjective.illConditioned(dimension: 2, kappa: 10),
                            .sgd(lr: 0.5, momentum: 0.5, dampening: 0, nesterov: true, weightDecay: 0, maximize: true), maximizing,
                            "non-finite")
    #expect(nonFinite.summary.stopReason == .diverged && nonFinite.summary.stepsRun < 5000)
    #expect(!nonFinite.summary.finalLoss.isFinite || !nonFinite.summary.finalGradNorm.isFinite)
    // Gradient tolerance and loss target.
    var tolerance = TrainingConfiguration(start: [1, 2], steps: 10000, learningRate: 1e-2)
    tolerance.gradNormTolerance = 1e-3
    let flat = compare(QuadraticObjective.illConditioned(dimension: 2, kappa: 10), sgd, tolerance, "gradient tolerance")
    #expect(flat.summary.stopReason == .gradientTolerance && flat.summary.stepsRun < 10000)
    var target = TrainingConfiguration(start: [0.3, -0.2], steps: 10000, learningRate: 1e-2)
    target.lossTarget = 1e-4
    let reached = compare(SaddleObjective(), sgd, target, "loss target")
    #expect(reached.summary.stopReason == .lossTarget && reached.summary.stepsRun < 10000)
    // The budget: every step taken, no other reason met.
    let budget = compare(RosenbrockObjective(), sgd, TrainingConfiguration(start: [-1.2, 1], steps: 50, learningRate: 1e-3), "budget")
    #expect(budget.summary.stopReason == .budget && budget.summary.stepsRun == 50)
    // Zero steps: only the final point.
    let none = compare(RosenbrockObjective(), sgd, TrainingConfiguration(start: [-1.2, 1], steps: 0, learningRate: 1e-2), "zero steps")
    #expect(none.summary.stopReason == .budget && none.summary.stepsRun == 0)
}

/// Cancels from the progress callback once `cancelAt` steps are done; returns the result and the chunks.
private func cancelledRun(fastPath: Bool, cancelAt: Int) -> (RunResult, [TrajectoryChunk]) {
    let control = RunControl()
    var chunks: [TrajectoryChunk] = []
    let optimizer = OptimizerConfiguration.adam(lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0,
                                                amsgrad: true)
    var config = TrainingConfiguration(start: [-1.2, 1], steps: 10000, learningRate: 1e-2,
                                       schedule: .cosine(tMax: 10000, etaMin: 0))
    config.recordEvery = 3
    let result = Trainer.run(objective: RosenbrockObjective(), optimizer: optimizer, configuration: config,
                             control: control, progressEvery: 7, onProgress: { chunk in
                                 chunks.append(chunk)
                                 if chunk.stepsDone >= cancelAt { control.cancel() }
                             }, fastPath: fastPath)
    return (result, chunks)
}

@Test func fastPathMatchesGeneralPathWhenCancelledAndReportsTheSameChunks() {
    let (fast, fastChunks) = cancelledRun(fastPath: true, cancelAt: 100)
    let (general, generalChunks) = cancelledRun(fastPath: false, cancelAt: 100)
    #expect(fast.summary.stopReason == .cancelled)
    #expect(fast.summary.stepsRun == 105)
    expectIdentical(fast, general, "cancelled")
    #expect(fastChunks.count == generalChunks.count)
    for (a, b) in zip(fastChunks, generalChunks) {
        #expect(a.stepsDone == b.stepsDone)
        #expect(a.records.step == b.records.step)
        #expect(bits(a.records.loss) == bits(b.records.loss))
        #expect(bits(a.records.params) == bits(b.records.params))
        #expect(a.records.epochs == b.records.epochs)
    }
    // Cancelled before the first step.
    let control = RunControl()
    control.cancel()
    let config = TrainingConfiguration(start: [-1.2, 1], steps: 100, learningRate: 1e-3)
    let adam = OptimizerConfiguration.adam(lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, amsgrad: false)
    let a = Trainer.run(objective: RosenbrockObjective(), optimizer: adam, configuration: config, control: control,
                        progressEvery: 10, onProgress: nil, fastPath: true)
    let b = Trainer.run(objective: RosenbrockObjective(), optimizer: adam, configuration: config, control: control,
                        progressEvery: 10, onProgress: nil, fastPath: false)
    #expect(a.summary.stepsRun == 0)
    expectIdentical(a, b, "cancelled before start")
}

@Test func fastLoopRunsDirectlyAndMatchesTheTrainingLoop() {
    // The fast loop itself (not only the dispatch) against the general loop, with the same optimizer value.
    let config = TrainingConfiguration(start: [-1.2, 1], steps: 2000, learningRate: 1e-3)
    let adam = Adam(dimension: 2)
    #expect(ClosedFormLoop<RosenbrockObjective, Adam>.applies(to: RosenbrockObjective(), config))
    let fast = ClosedFormLoop(objective: RosenbrockObjective(), optimizer: adam, configuration: config)
        .run(control: RunControl(), progressEvery: 1024, onProgress: nil)
    let general = TrainingLoop(objective: RosenbrockObjective(), optimizer: adam, configuration: config)
        .run(control: RunControl(), progressEvery: 1024, onProgress: nil)
    expectIdentical(fast, general, "direct")
    // A start of the wrong length is left to the general loop.
    let wrong = TrainingConfiguration(start: [1, 2, 3], steps: 10, learningRate: 1e-3)
    #expect(!ClosedFormLoop<RosenbrockObjective, Adam>.applies(to: RosenbrockObjective(), wrong))
}

@Test func rawOptimizerStepsMatchArraySteps() {
    // The array entry points forward to the raw ones; check a raw run against an array run anyway.
    var a1 = Adam(dimension: 3, weightDecay: 0.1, amsgrad: true), a2 = a1
    var s1 = SGD(dimension: 3, momentum: 0.9, dampening: 0.2, nesterov: false, weightDecay: 0.01), s2 = s1
    var p1: [Double] = [1, -2, 3], q1 = p1
    var p2 = p1, q2 = p1
    for k in 0..<50 {
        var g: [Double] = [Double(k).squareRoot(), -0.5 * Double(k), 1 / Double(k + 1)]
        var h = g
        a1.step(parameters: &p1, gradient: &g, learningRate: 1e-2)
        s1.step(parameters: &q1, gradient: &h, learningRate: 1e-2)
        g.withUnsafeBufferPointer { gb in
            p2.withUnsafeMutableBufferPointer { a2.step(parameters: $0.baseAddress!, gradient: gb.baseAddress!, count: 3,
                                                        learningRate: 1e-2) }
            q2.withUnsafeMutableBufferPointer { s2.step(parameters: $0.baseAddress!, gradient: gb.baseAddress!, count: 3,
                                                        learningRate: 1e-2) }
        }
    }
    #expect(bits(p1) == bits(p2))
    #expect(bits(q1) == bits(q2))
    #expect(a1.stepCount == 50 && a2.stepCount == 50)
}

@Test(arguments: [4, 7, 13, 337])
func adamKernelBlocksMatchTheSwiftLoopBitForBit(dimension n: Int) {
    // Whole blocks of four coordinates take CLaneMath's Adam kernel where the CPU has FMA3; the tail (and every
    // coordinate with `useKernel` off) the Swift loop. β₂ = 0.5 settles the bias corrections within the run.
    let variants: [Adam] = [
        Adam(dimension: n), Adam(dimension: n, beta2: 0.5), Adam(dimension: n, weightDecay: 0.1),
        Adam(dimension: n, weightDecay: 0.1, decoupled: true), Adam(dimension: n, amsgrad: true),
        Adam(dimension: n, beta1: 0.2, maximize: true),
    ]
    for (v, variant) in variants.enumerated() {
        var kernel = variant, loop = variant
        loop.useKernel = false
        var rng = SeededRandom(seed: UInt64(17 + v))
        var p = (0..<n).map { _ in rng.nextDouble() * 4 - 2 }
        var q = p
        for step in 0..<120 {
            var g = (0..<n).map { _ in (rng.nextDouble() - 0.5) * 10 }
            if step % 7 == 0 { g[0] = 0; g[n - 1] = -0.0 }
            if step % 11 == 0 { g[n / 2] = 1e-300 }
            var h = g
            let lr = 1e-2 / Double(1 + step % 5)
            kernel.step(parameters: &p, gradient: &g, learningRate: lr)
            loop.step(parameters: &q, gradient: &h, learningRate: lr)
        }
        #expect(p.map(\.bitPattern) == q.map(\.bitPattern), "variant \(v)")
        #expect(kernel.firstMoment.map(\.bitPattern) == loop.firstMoment.map(\.bitPattern), "variant \(v)")
        #expect(kernel.secondMoment.map(\.bitPattern) == loop.secondMoment.map(\.bitPattern), "variant \(v)")
        #expect(kernel.maxSecondMoment.map(\.bitPattern) == loop.maxSecondMoment.map(\.bitPattern), "variant \(v)")
        #expect(kernel.firstMoment.count == n)
    }
}
