import Testing
@testable import DescentCore

// Windowed recording (`TrainingConfiguration.keepsTrajectory` false) reuses one report interval's rows: the
// rows a run reports must be exactly those of the same run keeping its trajectory (every column by bit
// pattern, the same chunk boundaries and epoch records), the summary the same, on every loop (closed-form fast
// path, general loop, models with mini-batches and epochs, lockstep groups).

private func bits(_ xs: [Double]) -> [UInt64] { xs.map(\.bitPattern) }

/// Every chunk a run reported, and their rows concatenated.
private final class Chunks: @unchecked Sendable {  // one test thread
    var stepsDone: [Int] = []
    var counts: [Int] = []
    var rows: Trajectory
    let control = RunControl()
    let cancelAfter: Int?
    init(dimension: Int, cancelAfter: Int? = nil) { rows = Trajectory(dimension: dimension); self.cancelAfter = cancelAfter }
    func receive(_ chunk: TrajectoryChunk) {
        let r = chunk.records
        stepsDone.append(chunk.stepsDone); counts.append(r.count)
        rows.step += r.step; rows.epoch += r.epoch; rows.lr += r.lr; rows.loss += r.loss; rows.gradNorm += r.gradNorm
        rows.params += r.params; rows.epochs += r.epochs
        if let cancelAfter, chunk.stepsDone >= cancelAfter { control.cancel() }
    }
}

/// Expects the windowed run's reports to be the kept run's reports and its trajectory, and the summaries equal.
private func expectSameRows(kept: RunResult, keptChunks: Chunks, windowed: RunResult, windowedChunks: Chunks, _ label: String) {
    let (k, w) = (kept.trajectory, windowedChunks.rows)
    #expect(windowed.trajectory.count == 0 && windowed.trajectory.params.isEmpty && windowed.trajectory.epochs.isEmpty, "\(label)")
    #expect(k.count > 0, "\(label): the kept run recorded rows")
    #expect(w.step == k.step && w.epoch == k.epoch, "\(label)")
    #expect(bits(w.lr) == bits(k.lr) && bits(w.loss) == bits(k.loss) && bits(w.gradNorm) == bits(k.gradNorm), "\(label)")
    #expect(bits(w.params) == bits(k.params), "\(label)")
    #expect(w.epochs == k.epochs, "\(label)")
    #expect(windowedChunks.stepsDone == keptChunks.stepsDone && windowedChunks.counts == keptChunks.counts, "\(label)")
    let (s, t) = (kept.summary, windowed.summary)
    #expect(s.stopReason == t.stopReason && s.stepsRun == t.stepsRun && s.bestStep == t.bestStep, "\(label)")
    #expect(s.finalLoss.bitPattern == t.finalLoss.bitPattern && bits(s.finalParams) == bits(t.finalParams), "\(label)")
}

/// Runs `configuration` kept and windowed through `Trainer.run` (fast path or not) and compares them.
private func compareRun(_ objective: any Objective, _ optimizer: OptimizerConfiguration, _ configuration: TrainingConfiguration,
                        progressEvery: Int, fastPath: Bool, cancelAfter: Int? = nil, _ label: String) {
    func run(keep: Bool) -> (RunResult, Chunks) {
        var c = configuration
        c.keepsTrajectory = keep
        let chunks = Chunks(dimension: objective.dimension, cancelAfter: cancelAfter)
        let result = Trainer.run(objective: objective, optimizer: optimizer, configuration: c, control: chunks.control,
                                 progressEvery: progressEvery, onProgress: chunks.receive, fastPath: fastPath)
        return (result, chunks)
    }
    let (kept, keptChunks) = run(keep: true), (windowed, windowedChunks) = run(keep: false)
    expectSameRows(kept: kept, keptChunks: keptChunks, windowed: windowed, windowedChunks: windowedChunks, label)
}

private let adam = OptimizerConfiguration.adam(lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, amsgrad: false)

@Test func windowedRunsReportTheKeptRowsOnTheFastPathAndTheGeneralLoop() {
    for fastPath in [true, false] {
        for (progressEvery, recordEvery, recordParams) in [(1, 1, true), (7, 1, true), (64, 3, false), (50, 7, true),
                                                           (1000, 1, true), (10, 25, true)] {
            var c = TrainingConfiguration(start: [-1.2, 1], steps: 301, learningRate: 1e-2, schedule: .cosine(tMax: 301, etaMin: 0))
            c.recordEvery = recordEvery
            c.recordParams = recordParams
            compareRun(RosenbrockObjective(), adam, c, progressEvery: progressEvery, fastPath: fastPath,
                       "fast \(fastPath) every \(progressEvery)/\(recordEvery) params \(recordParams)")
        }
    }
}

@Test func windowedRunsReportTheKeptRowsWhenStoppedEarly() {
    for fastPath in [true, false] {
        var tolerance = TrainingConfiguration(start: [0.3, -0.2], steps: 500, learningRate: 0.1)
        tolerance.gradNormTolerance = 0.05
        compareRun(QuadraticObjective(a: Matrix([[2, 0.3], [0.1, 1]]), b: [0.5, -1]), adam, tolerance, progressEvery: 16,
                   fastPath: fastPath, "tolerance fast \(fastPath)")
        var diverging = TrainingConfiguration(start: [-1.2, 1], steps: 500, learningRate: 5)
        diverging.divergenceFactor = 2
        compareRun(RosenbrockObjective(), .sgd(lr: 5, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, maximize: false),
                   diverging, progressEvery: 3, fastPath: fastPath, "diverged fast \(fastPath)")
        compareRun(RosenbrockObjective(), adam, TrainingConfiguration(start: [-1.2, 1], steps: 500, learningRate: 1e-2),
                   progressEvery: 32, fastPath: fastPath, cancelAfter: 96, "cancelled fast \(fastPath)")
    }
}

@Test func windowedModelRunsReportTheKeptRowsAndEpochs() {
    let moons = SyntheticDataset.twoMoons(samples: 70, noise: 0.1, seed: 4)
    let mlp = MLPObjective(training: moons, hiddenLayers: [5, 4], activation: .tanh)
    let normalized = MLPObjective(training: moons, hiddenLayers: [4], activation: .relu, batchNorm: BatchNormOptions(epsilon: 1e-5))
    let logistic = LogisticRegressionObjective(training: moons)
    let models: [(String, any Objective, [Double])] = [
        ("mlp", mlp, mlp.initialParameters(seed: 2)),
        ("mlp-batchnorm", normalized, normalized.initialParameters(seed: 2)),
        ("logistic", logistic, logistic.initialParameters(seed: 2)),
    ]
    for (name, model, start) in models {
        for (progressEvery, recordEvery, evaluateEvery) in [(5, 1, nil), (16, 3, 7), (1, 2, nil)] as [(Int, Int, Int?)] {
            var c = TrainingConfiguration(start: start, steps: 60, learningRate: 1e-2)
            c.batchSize = 16
            c.recordEvery = recordEvery
            c.evaluateEvery = evaluateEvery
            compareRun(model, adam, c, progressEvery: progressEvery, fastPath: true, "\(name) every \(progressEvery)/\(recordEvery)")
        }
    }
}

// Both report paths of a windowed group: straight from a whole staged interval (the default limit), and through the
// members' columns (a limit no interval fits). Six members leave a block part-empty; eight fill two.
@Test(arguments: [Trainer.lockstepMaxStagedBytes, 0], [6, 8])
func windowedLockstepMembersReportTheRowsOfTheirKeptRunsAlone(maxStagedBytes: Int, count: Int) {
    let rules: [OptimizerConfiguration] = [
        adam, .sgd(lr: 1e-3, momentum: 0.9, dampening: 0, nesterov: true, weightDecay: 1e-2, maximize: false),
        .rmsprop(lr: 1e-3, alpha: 0.9, eps: 1e-6, weightDecay: 0, momentum: 0.5, centered: true),
        .adagrad(lr: 1e-1, lrDecay: 1e-3, weightDecay: 0, initialAccumulatorValue: 0.1, eps: 1e-10),
    ]
    for rule in rules {
        for (progressEvery, recordEvery) in [(1, 1), (13, 1), (40, 3), (1000, 1)] {
            // One member stops at a gradient tolerance, one at a loss target, one cancels itself.
            func configuration(_ i: Int, keep: Bool) -> TrainingConfiguration {
                var c = TrainingConfiguration(start: [-1.2 + 0.05 * Double(i), 1], steps: 257, learningRate: rule.learningRate * Double(i + 1))
                c.recordEvery = recordEvery
                c.keepsTrajectory = keep
                if i == 1 { c.gradNormTolerance = 2 }
                if i == 2 { c.lossTarget = 3 }
                return c
            }
            let chunks = (0..<count).map { Chunks(dimension: 2, cancelAfter: $0 == 4 ? 100 : nil) }
            let group = Trainer.runLockstep((0..<count).map { i in
                LockstepMember(objective: RosenbrockObjective(), optimizer: rule, configuration: configuration(i, keep: false),
                               control: chunks[i].control, onProgress: chunks[i].receive)
            }, progressEvery: progressEvery, maxStagedBytes: maxStagedBytes)
            for i in 0..<count {
                let keptChunks = Chunks(dimension: 2, cancelAfter: i == 4 ? 100 : nil)
                let kept = Trainer.run(objective: RosenbrockObjective(), optimizer: rule, configuration: configuration(i, keep: true),
                                       control: keptChunks.control, progressEvery: progressEvery, onProgress: keptChunks.receive)
                expectSameRows(kept: kept, keptChunks: keptChunks, windowed: group[i], windowedChunks: chunks[i],
                               "\(rule.learningRate) every \(progressEvery)/\(recordEvery) member \(i)")
            }
        }
    }
}

@Test func windowedColumnsHoldOneReportIntervalNotTheRun() {
    var c = TrainingConfiguration(start: [0, 0], steps: 1_000_000, learningRate: 1)
    #expect(c.columnRows(reportEvery: 1024) == 1_000_001)
    c.keepsTrajectory = false
    #expect(c.columnRows(reportEvery: 1024) == 1026)
    c.recordEvery = 10
    #expect(c.columnRows(reportEvery: 1024) == 105)
    c.steps = 20
    #expect(c.columnRows(reportEvery: 1024) == 3)  // never more than the whole run's rows
}
