import CLaneMath
import Testing
@testable import DescentCore

// Lockstep groups (`Trainer.runLockstep`) must give every member the trajectory, progress reports and
// summary it gets run alone (`Trainer.run`), bit for bit: every recorded column is compared by bit pattern.

private func bits(_ xs: [Double]) -> [UInt64] { xs.map(\.bitPattern) }
private func bits(_ x: Double?) -> UInt64? { x?.bitPattern }

/// Expects two runs to agree bit for bit (trajectory and summary).
private func expectIdentical(_ a: RunResult, _ b: RunResult, _ label: String) {
    let f = a.trajectory, g = b.trajectory
    #expect(f.step == g.step, "\(label)")
    #expect(f.epoch == g.epoch, "\(label)")
    #expect(bits(f.lr) == bits(g.lr), "\(label)")
    #expect(bits(f.loss) == bits(g.loss), "\(label)")
    #expect(bits(f.gradNorm) == bits(g.gradNorm), "\(label)")
    #expect(bits(f.params) == bits(g.params), "\(label)")
    let s = a.summary, t = b.summary
    #expect(s.stopReason == t.stopReason, "\(label)")
    #expect(s.stepsRun == t.stepsRun, "\(label)")
    #expect(bits(s.finalLoss) == bits(t.finalLoss) && bits(s.bestLoss) == bits(t.bestLoss), "\(label)")
    #expect(s.bestStep == t.bestStep, "\(label)")
    #expect(bits(s.finalParams) == bits(t.finalParams) && bits(s.finalGradNorm) == bits(t.finalGradNorm), "\(label)")
}

/// A member's progress reports: (steps done, steps of the rows, their losses' bits).
private typealias Reports = [(Int, [Int], [UInt64])]

/// A member whose progress reports are collected into `reports[index]`, and which cancels itself once
/// `cancelAfter` steps are reported (if set).
private final class Recorder: @unchecked Sendable {  // one test thread
    var reports: Reports = []
    func member(_ objective: any Objective, _ optimizer: OptimizerConfiguration, _ config: TrainingConfiguration,
                cancelAfter: Int? = nil) -> LockstepMember {
        let control = RunControl()
        return LockstepMember(objective: objective, optimizer: optimizer, configuration: config, control: control) { [self] chunk in
            reports.append((chunk.stepsDone, chunk.records.step, bits(chunk.records.loss)))
            if let cancelAfter, chunk.stepsDone >= cancelAfter { control.cancel() }
        }
    }
}

/// Runs `members` (made by `make`, once for the group and again for each alone run) and compares each member.
private func compareGroup(_ label: String, progressEvery: Int = 64,
                          _ make: (Recorder, Int) -> LockstepMember, count: Int) -> [RunResult] {
    let groupRecorders = (0..<count).map { _ in Recorder() }
    let group = Trainer.runLockstep((0..<count).map { make(groupRecorders[$0], $0) }, progressEvery: progressEvery)
    #expect(group.count == count, "\(label)")
    for i in 0..<min(count, group.count) {
        let recorder = Recorder()
        let member = make(recorder, i)
        let alone = Trainer.run(objective: member.objective, optimizer: member.optimizer, configuration: member.configuration,
                                control: member.control, progressEvery: progressEvery, onProgress: member.onProgress)
        expectIdentical(group[i], alone, "\(label) member \(i)")
        let (a, b) = (groupRecorders[i].reports, recorder.reports)
        #expect(a.map(\.0) == b.map(\.0) && a.map(\.1) == b.map(\.1) && a.map(\.2) == b.map(\.2), "\(label) member \(i) reports")
    }
    return group
}

private let rules: [(String, OptimizerConfiguration)] = [
    ("sgd", .sgd(lr: 1e-3, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, maximize: false)),
    ("sgd-momentum", .sgd(lr: 1e-3, momentum: 0.9, dampening: 0.1, nesterov: false, weightDecay: 0, maximize: false)),
    ("sgd-nesterov-wd", .sgd(lr: 1e-3, momentum: 0.9, dampening: 0, nesterov: true, weightDecay: 1e-2, maximize: false)),
    ("sgd-maximize", .sgd(lr: 1e-4, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, maximize: true)),
    ("adam", .adam(lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, amsgrad: false)),
    ("adam-amsgrad-wd", .adam(lr: 1e-2, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.05, amsgrad: true)),
    ("adamw", .adamw(lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 1e-2, amsgrad: false)),
    ("adamw-amsgrad", .adamw(lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 1e-1, amsgrad: true)),
    ("rmsprop", .rmsprop(lr: 1e-3, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false)),
    ("rmsprop-centered-momentum-wd", .rmsprop(lr: 1e-3, alpha: 0.9, eps: 1e-6, weightDecay: 1e-2, momentum: 0.5, centered: true)),
    ("adagrad", .adagrad(lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10)),
    ("adagrad-decay-wd", .adagrad(lr: 1e-1, lrDecay: 1e-3, weightDecay: 1e-2, initialAccumulatorValue: 0.1, eps: 1e-10)),
    ("adam-decoupled-maximize", .adam(lr: 1e-4, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 1e-2, amsgrad: false,
                                      maximize: true, decoupledWeightDecay: true)),
    ("adamw-amsgrad-maximize", .adamw(lr: 1e-4, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 1e-2, amsgrad: true, maximize: true)),
    ("rmsprop-centered-maximize-wd", .rmsprop(lr: 1e-4, alpha: 0.9, eps: 1e-8, weightDecay: 1e-2, momentum: 0, centered: true,
                                              maximize: true)),
    ("adagrad-maximize-wd", .adagrad(lr: 1e-3, lrDecay: 0, weightDecay: 1e-2, initialAccumulatorValue: 0, eps: 1e-10, maximize: true)),
]

private let objectives: [(String, any Objective, [Double])] = [
    ("rosenbrock-2d", RosenbrockObjective(), [-1.2, 1]),
    ("rosenbrock-5d", RosenbrockObjective(a: 1.5, b: 50, dimension: 5), [-1, 0.5, 0.2, -0.3, 1.1]),
    ("saddle", SaddleObjective(), [0.3, -0.2]),
    ("quadratic", QuadraticObjective(a: Matrix([[2, 0.3], [0.1, 1]]), b: [0.5, -1]), [0.7, 0.9]),
]

private let schedules: [(String, LearningRateSchedule)] = [
    ("constant", .constant),
    ("step", .step(stepSize: 37, gamma: 0.7)),
    ("cosine", .cosine(tMax: 250, etaMin: 1e-4)),
    ("warmup-exponential", .linearWarmup(warmupSteps: 20, startFactor: 0.1, then: .exponential(gamma: 0.995))),
]

/// Member `i` of a sweep: its own rate, start and stop settings (one of them per member), and every other
/// member on the constant schedule instead of `schedule`.
private func sweepMember(_ i: Int, start: [Double], base: Double, schedule: LearningRateSchedule, steps: Int) -> TrainingConfiguration {
    let factors = [1, 0.5, 2, 0.25, 4, 1.5, 30]
    var c = TrainingConfiguration(start: start.map { $0 * (1 + 0.01 * Double(i)) }, steps: steps,
                                  learningRate: base * factors[i % factors.count], schedule: i % 2 == 0 ? schedule : .constant)
    switch i {
    case 1: c.gradNormTolerance = 0.5
    case 2: c.lossTarget = 0.05
    case 6: c.divergenceFactor = 2
    default: break
    }
    return c
}

@Test func lockstepMembersMatchTheirRunsAloneForEveryRuleObjectiveAndSchedule() {
    var reasons: Set<StopReason> = []
    for (objectiveName, objective, start) in objectives {
        for (ruleName, rule) in rules {
            for (scheduleName, schedule) in schedules {
                // 7 members: two blocks, one lane of padding; one cancels itself after 128 steps.
                let group = compareGroup("\(objectiveName) \(ruleName) \(scheduleName)", { recorder, i in
                    recorder.member(objective, rule, sweepMember(i, start: start, base: rule.learningRate, schedule: schedule, steps: 300),
                                    cancelAfter: i == 3 ? 128 : nil)
                }, count: 7)
                reasons.formUnion(group.map(\.summary.stopReason))
            }
        }
    }
    #expect(reasons == [.budget, .gradientTolerance, .lossTarget, .diverged, .cancelled], "every way out of a group was taken")
}

@Test func lockstepMembersMatchWithSparseRecordingAndWithoutParameters() {
    for (recordEvery, recordParams) in [(3, true), (7, false), (300, true), (1000, false)] {
        for (ruleName, rule) in rules {
            compareGroup("every \(recordEvery) params \(recordParams) \(ruleName)", progressEvery: 50, { recorder, i in
                var c = sweepMember(i, start: [-1.2, 1], base: rule.learningRate, schedule: .cosine(tMax: 300, etaMin: 0), steps: 300)
                c.recordEvery = recordEvery
                c.recordParams = recordParams
                return recorder.member(RosenbrockObjective(), rule, c)
            }, count: 5)
        }
    }
}

@Test func lockstepMembersMayDifferInTheirRulesHyperParameters() {
    let group = compareGroup("adam betas", { recorder, i in
        let optimizer = OptimizerConfiguration.adam(lr: 1e-2, beta1: 0.8 + 0.02 * Double(i), beta2: 0.99 + 0.001 * Double(i),
                                                    eps: 1e-8 * Double(i + 1), weightDecay: 0, amsgrad: false)
        return recorder.member(RosenbrockObjective(), optimizer, TrainingConfiguration(start: [-1.2, 1], steps: 200, learningRate: 1e-2))
    }, count: 6)
    #expect(group.map(\.summary.stepsRun) == Array(repeating: 200, count: 6))
}

/// β₁ on both sides of ½ within one block: torch's lerp takes fma(w, b − a, a) where w = 1 − β₁ < ½ and
/// fma(−(b − a), 1 − w, b) elsewhere, lane by lane (β₁ = ½ exactly takes the second), with and without amsgrad,
/// decoupled decay and maximize, so every branch of the four-lane kernel meets the scalar run.
@Test func lockstepAdamMembersWithBetaOneOnBothSidesOfAHalfMatchTheirRunsAlone() {
    let betas = [0.9, 0.3, 0.5, 0.7, 0.05, 0.55, 0.45]
    for (amsgrad, decoupled, maximize) in [(false, false, false), (true, true, false), (true, false, true)] {
        compareGroup("adam beta1 mixed amsgrad \(amsgrad) decoupled \(decoupled) maximize \(maximize)", { recorder, i in
            let optimizer = OptimizerConfiguration.adam(lr: 1e-2, beta1: betas[i], beta2: 0.99, eps: 1e-8,
                                                        weightDecay: decoupled ? 1e-2 : 0, amsgrad: amsgrad, maximize: maximize,
                                                        decoupledWeightDecay: decoupled)
            let c = TrainingConfiguration(start: [-1.2, 1], steps: 300, learningRate: maximize ? 1e-4 : 1e-2 * Double(i + 1))
            return recorder.member(RosenbrockObjective(), optimizer, c)
        }, count: betas.count)
    }
}

@Test func lockstepMemberCancelledBeforeStartStopsAtStepZeroAndTheOthersRunOn() {
    let cancelled = LockstepMember(objective: SaddleObjective(), optimizer: rules[4].1,
                                   configuration: TrainingConfiguration(start: [0.3, -0.2], steps: 100, learningRate: 1e-2))
    cancelled.control.cancel()
    let results = Trainer.runLockstep([cancelled, LockstepMember(objective: SaddleObjective(), optimizer: rules[4].1,
                                                                 configuration: cancelled.configuration)])
    #expect(results[0].summary.stopReason == .cancelled && results[0].summary.stepsRun == 0)
    #expect(results[1].summary.stopReason == .budget && results[1].summary.stepsRun == 100)
}

@Test func runLockstepRunsMembersOfOtherShapesAloneInOrder() {
    let adam = rules[4].1
    let members = [
        LockstepMember(objective: RosenbrockObjective(), optimizer: adam, configuration: TrainingConfiguration(start: [-1.2, 1], steps: 50, learningRate: 1e-2)),
        LockstepMember(objective: RosenbrockObjective(), optimizer: .momentumLecture(lr: 1e-3, momentum: 0.9),
                       configuration: TrainingConfiguration(start: [-1.2, 1], steps: 50, learningRate: 1e-3)),
        LockstepMember(objective: SaddleObjective(), optimizer: adam, configuration: TrainingConfiguration(start: [0.3, -0.2], steps: 50, learningRate: 1e-2)),
        LockstepMember(objective: RosenbrockObjective(), optimizer: adam, configuration: TrainingConfiguration(start: [-1, 1], steps: 50, learningRate: 2e-2)),
    ]
    let results = Trainer.runLockstep(members)
    for (i, member) in members.enumerated() {
        let alone = Trainer.run(objective: member.objective, optimizer: member.optimizer, configuration: member.configuration)
        expectIdentical(results[i], alone, "member \(i)")
    }
}

@Test func lockstepShapeSeparatesWhatMustBeShared() {
    let adam = rules[4].1
    let base = TrainingConfiguration(start: [-1.2, 1], steps: 100, learningRate: 1e-2)
    func shape(_ o: any Objective = RosenbrockObjective(), _ p: OptimizerConfiguration = adam, _ c: TrainingConfiguration = base) -> LockstepShape? {
        LockstepShape(objective: o, optimizer: p, configuration: c)
    }
    var otherRate = base; otherRate.learningRate = 0.5; otherRate.schedule = .cosine(tMax: 100, etaMin: 0); otherRate.start = [0, 0]
    #expect(shape() == shape(RosenbrockObjective(), adam, otherRate))
    var otherSteps = base; otherSteps.steps = 101
    var otherRecording = base; otherRecording.recordEvery = 2
    #expect(shape() != shape(RosenbrockObjective(), adam, otherSteps))
    #expect(shape() != shape(RosenbrockObjective(), adam, otherRecording))
    #expect(shape() != shape(RosenbrockObjective(b: 10)))
    #expect(shape() != shape(RosenbrockObjective(), rules[5].1))
    #expect(shape(RosenbrockObjective(), .rmspropLecture(lr: 1e-2, alpha: 0.9, eps: 1e-8)) == nil)
    #expect(shape(RosenbrockObjective(), .nadam(lr: 2e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, momentumDecay: 4e-3,
                                               decoupledWeightDecay: false, maximize: false)) == nil)
    // maximize and decoupled weight decay are branch flags: part of the shape.
    let adamMaximizing = OptimizerConfiguration.adam(lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, amsgrad: false,
                                                      maximize: true)
    #expect(shape() != shape(RosenbrockObjective(), adamMaximizing))
    let adamDecoupled = OptimizerConfiguration.adam(lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 1e-2, amsgrad: false,
                                                    decoupledWeightDecay: true)
    let adamw = OptimizerConfiguration.adamw(lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 1e-2, amsgrad: false)
    #expect(shape(RosenbrockObjective(), adamDecoupled) == shape(RosenbrockObjective(), adamw))
    let moons = SyntheticDataset.twoMoons(samples: 16, noise: 0.1, seed: 1)
    let model = LogisticRegressionObjective(training: moons)
    #expect(shape(model, adam, TrainingConfiguration(start: [Double](repeating: 0, count: model.dimension), steps: 10, learningRate: 1e-2)) == nil)
}

@Test func lockstepGroupsKeepOrderAndRespectTheLimit() {
    let a = LockstepShape(objective: SaddleObjective(), optimizer: rules[4].1, configuration: TrainingConfiguration(start: [0, 0], steps: 5, learningRate: 1))
    let b = LockstepShape(objective: SaddleObjective(), optimizer: rules[0].1, configuration: TrainingConfiguration(start: [0, 0], steps: 5, learningRate: 1))
    #expect(LockstepShape.groups([a, b, nil, a, a, b], limit: 2) == [[0, 3], [1, 5], [4]])
    #expect(LockstepShape.groups([a, b, nil, a, a, b]) == [[0, 3, 4], [1, 5]])
}

@Test func lockstepLanesTakeTheirOwnLerpBranchInMixedAndUniformBlocks() {
    // torch's lerp rounds one of two ways by |w| < ½ (w = 1 − β₁ for Adam, 1 − α for centered RMSprop). A block
    // whose lanes agree computes only their branch: block 0 mixes both, block 1 is all far, block 2 all near,
    // block 3 is one member and padding.
    let betas = [0.9, 0.3, 0.5, 0.6, 0.2, 0.1, 0.4, 0.45, 0.95, 0.8, 0.7, 0.85, 0.3]
    _ = compareGroup("adam lerp branches", { recorder, i in
        let optimizer = OptimizerConfiguration.adam(lr: 1e-2, beta1: betas[i], beta2: 0.999, eps: 1e-8, weightDecay: 0, amsgrad: false)
        return recorder.member(RosenbrockObjective(), optimizer, TrainingConfiguration(start: [-1.2, 1], steps: 150, learningRate: 1e-2))
    }, count: betas.count)
    _ = compareGroup("centered rmsprop lerp branches", { recorder, i in
        let optimizer = OptimizerConfiguration.rmsprop(lr: 1e-3, alpha: betas[i], eps: 1e-8, weightDecay: 0, momentum: 0, centered: true)
        return recorder.member(SaddleObjective(), optimizer, TrainingConfiguration(start: [0.3, -0.2], steps: 150, learningRate: 1e-3))
    }, count: betas.count)
}

@Test func lanesSquareRootGivesEachLaneTheBitsOfTheScalarSquareRoot() {
    // `Lanes.squareRoot()` is the vector instruction (CLaneMath); every lane must have `Double.squareRoot()`'s
    // bits, including signed zeros, subnormals, infinities, negative inputs (NaN) and NaN payloads.
    var values: [Double] = [0, -0.0, 1, 2, 4, 0.5, .leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude,
                            .infinity, -.infinity, -1, -.leastNonzeroMagnitude, .nan, -.nan,
                            Double(bitPattern: 0x7FF8_0000_0000_1234), Double(bitPattern: 0xFFF8_0000_dead_beef),
                            1e-300, 1e300, 1e-8, 0.999, 1.0000000000000002]
    var random = SeededRandom(seed: 18)
    for _ in 0..<4000 {
        values.append(Double(bitPattern: random.next() & 0x7FFF_FFFF_FFFF_FFFF))  // any positive bit pattern
        values.append(random.nextDouble() * 1e-3)
    }
    while values.count % 4 != 0 { values.append(3) }
    var mismatches = 0
    for start in stride(from: 0, to: values.count, by: 4) {
        let lanes = Lanes(values[start], values[start + 1], values[start + 2], values[start + 3]).squareRoot()
        for k in 0..<4 where lanes[k].bitPattern != values[start + k].squareRoot().bitPattern { mismatches += 1 }
    }
    #expect(mismatches == 0)
    // Generic code over `LaneArithmetic` (the update rules) reaches the same root.
    func root<V: LaneArithmetic>(_ x: V) -> V { x.squareRoot() }
    #expect(root(Lanes(2, 3, 5, 7)) == Lanes(2.0.squareRoot(), 3.0.squareRoot(), 5.0.squareRoot(), 7.0.squareRoot()))
}

@Test func lanesFusedMultiplyAddGivesEachLaneTheBitsOfTheScalarOne() {
    // `Lanes.addingProduct` is one FMA3 instruction when the CPU has it, else the C library's fma per lane (CLaneMath);
    // every lane must have `Double.addingProduct`'s bits on both paths, NaN payloads included: which NaN an fma returns
    // depends on the order it takes its operands in.
    let specials: [Double] = [0, -0.0, 1, -1, 0.5, 3, .leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude,
                              .infinity, -.infinity, .nan, -.nan, Double(bitPattern: 0x7FF8_0000_0000_1234),
                              Double(bitPattern: 0xFFF8_0000_dead_beef), 1e-300, 1e300, 1.0000000000000002]
    var triples: [(Double, Double, Double)] = []
    for x in specials { for y in specials { for z in specials { triples.append((x, y, z)) } } }
    var random = SeededRandom(seed: 18)
    for _ in 0..<4000 {
        let x = random.nextDouble() * 4 - 2, y = random.nextDouble() * 4 - 2
        triples.append((x, y, -(x * y)))  // cancellation: where one rounding differs from two
        triples.append((Double(bitPattern: random.next()), Double(bitPattern: random.next()), Double(bitPattern: random.next())))
    }
    while triples.count % 4 != 0 { triples.append((1, 1, 1)) }
    var mismatches = (dispatched: 0, library: 0, instruction: 0)
    for start in stride(from: 0, to: triples.count, by: 4) {
        let t = triples[start..<start + 4]
        let x = Lanes(t.map(\.0)), y = Lanes(t.map(\.1)), z = Lanes(t.map(\.2))
        let dispatched = z.addingProduct(x, y), library = descent_lanes_fma_library(x, y, z)
        var instruction = library
        if descent_lanes_fma_available() != 0 {
            withUnsafePointer(to: x) { xp in
                withUnsafePointer(to: y) { yp in
                    withUnsafePointer(to: z) { zp in
                        withUnsafeMutablePointer(to: &instruction) { out in
                            descent_lanes_fma_instruction(UnsafeRawPointer(xp).assumingMemoryBound(to: Double.self),
                                                          UnsafeRawPointer(yp).assumingMemoryBound(to: Double.self),
                                                          UnsafeRawPointer(zp).assumingMemoryBound(to: Double.self),
                                                          UnsafeMutableRawPointer(out).assumingMemoryBound(to: Double.self))
                        }
                    }
                }
            }
        }
        for (k, triple) in t.enumerated() {
            let scalar = triple.2.addingProduct(triple.0, triple.1).bitPattern
            if dispatched[k].bitPattern != scalar { mismatches.dispatched += 1 }
            if library[k].bitPattern != scalar { mismatches.library += 1 }
            if instruction[k].bitPattern != scalar { mismatches.instruction += 1 }
        }
    }
    #expect(mismatches.dispatched == 0 && mismatches.library == 0 && mismatches.instruction == 0, "\(mismatches)")
    // Generic code over `LaneArithmetic` (the update rules) reaches the same operation.
    func fused<V: LaneArithmetic>(_ z: V, _ x: V, _ y: V) -> V { z.addingProduct(x, y) }
    let (x, y, z) = (Lanes(0.1, 0.2, 0.3, 0.4), Lanes(3, 5, 7, 11), Lanes(-0.3, -1, -2.1, -4.4))
    #expect(fused(z, x, y) == Lanes((0..<4).map { z[$0].addingProduct(x[$0], y[$0]) }))
}

@Test func adamBlocksKernelGivesTheSwiftLanesBits() {
    // `LockstepAdam.stepBlocks` is one call of the FMA3 kernel (`descent_adam_lanes_step`) where the CPU has it; the
    // Swift lanes (`step(block:…)`, `AdamUpdate.apply` over `Lanes`) are the path without it. Both must give every lane
    // the same bits, on every branch (decay coupled or decoupled, amsgrad, maximize, β₁ on both sides of ½) and on
    // special values (signed zeros, subnormals, infinities, NaN). NaNs are compared as NaN: which payload an addition
    // of two NaNs keeps depends on the operand order the compiler picks, on the scalar path as much as here.
    let specials: [Double] = [0, -0.0, 1e-310, -1e-310, .infinity, -.infinity, .nan, 1e300, -1e300, 1e-8]
    func same(_ a: Double, _ b: Double) -> Bool { a.bitPattern == b.bitPattern || (a.isNaN && b.isNaN) }
    let blocks = 2, n = 3
    var random = SeededRandom(seed: 2026)
    for (decay, decoupled, amsgrad, maximize) in [(0.0, false, false, false), (1e-2, false, true, false), (1e-2, true, false, true),
                                                  (5e-2, true, true, true)] {
        let optimizers = (0..<blocks * Lanes.scalarCount).map { i in
            OptimizerConfiguration.adam(lr: 1e-2, beta1: [0.9, 0.3, 0.5, 0.7, 0.05, 0.55, 0.45, 0.99][i], beta2: 0.9 + 0.01 * Double(i),
                                        eps: 1e-8 * Double(i + 1), weightDecay: decay, amsgrad: amsgrad, maximize: maximize,
                                        decoupledWeightDecay: decoupled)
        }
        var kernel = LockstepAdam(optimizers, blocks: blocks, dimension: n), lanes = LockstepAdam(optimizers, blocks: blocks, dimension: n)
        defer { kernel.deallocate(); lanes.deallocate() }
        var thetaA = (0..<blocks * n).map { _ in Lanes((0..<4).map { _ in random.nextDouble() * 4 - 2 }) }, thetaB = thetaA
        let rates = (0..<blocks).map { b in Lanes((0..<4).map { k in 1e-3 * Double(1 + 4 * b + k) }) }
        var running: [UInt8] = [1, 1]
        var mismatches = 0
        for step in 0..<60 {
            var gradient = (0..<blocks * n).map { _ in Lanes((0..<4).map { _ in random.nextDouble() * 2 - 1 }) }
            if step >= 40 {  // then special values, one lane a step (a NaN or ∞ stays in that lane's moments)
                let (j, k) = (Int(random.next() % UInt64(blocks * n)), Int(random.next() % 4))
                gradient[j][k] = specials[(step - 40) % specials.count]
            }
            running[1] = step % 11 == 5 ? 0 : 1  // a block that does not step leaves its lanes alone
            kernel.beginStep(); lanes.beginStep()
            thetaA.withUnsafeMutableBufferPointer { theta in
                gradient.withUnsafeBufferPointer { g in
                    rates.withUnsafeBufferPointer { r in
                        running.withUnsafeBufferPointer { run in
                            kernel.stepBlocks(theta: theta.baseAddress!, gradient: g.baseAddress!, learningRates: r.baseAddress!,
                                              running: run.baseAddress!, blocks: blocks, dimension: n)
                        }
                    }
                }
            }
            thetaB.withUnsafeMutableBufferPointer { theta in
                gradient.withUnsafeBufferPointer { g in
                    for b in 0..<blocks where running[b] != 0 {
                        lanes.step(block: b, theta: theta.baseAddress! + b * n, gradient: g.baseAddress! + b * n, learningRate: rates[b])
                    }
                }
            }
            for j in 0..<blocks * n { for k in 0..<4 where !same(thetaA[j][k], thetaB[j][k]) { mismatches += 1 } }
        }
        #expect(thetaA.contains { lane in (0..<4).contains { lane[$0].isFinite } }, "some lanes stay finite")
        #expect(mismatches == 0, "decay \(decay) decoupled \(decoupled) amsgrad \(amsgrad) maximize \(maximize)")
    }
}
