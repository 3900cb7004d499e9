import Testing
@testable import DescentCore

@Suite struct MomentumCyclingTests {
    /// The cases of cycle_momentum.json (CyclicLR and OneCycleLR with cycle_momentum=True).
    static let cases = TorchFixtures.all.filter { $0.momentum != nil }

    @Test func theFixtureFileCoversEveryCyclableOptimizerAndBothSchedules() {
        let optimizers = Set(Self.cases.map(\.spec.optimizer.type))
        #expect(optimizers == ["sgd", "rmsprop", "adam", "adamw", "nadam", "radam", "adamax"])
        #expect(Set(Self.cases.compactMap { $0.spec.schedule?.type }) == ["one_cycle", "cyclic"])
        // One case steps with μ = 0 at the peaks (base_momentum 0): torch skips the buffer there.
        #expect(Self.cases.contains { $0.momentum?.contains(0) ?? false })
    }

    /// torch's scheduler sets the group's momentum (or β₁) for each step; ours gives the same value for every
    /// step: the phases and the arithmetic are torch's (`_annealing_cos`, `_annealing_linear`, CyclicLR's heights).
    @Test(arguments: cases)
    func momentumOfEveryStepIsTorchs(_ c: TorchCase) throws {
        let schedule = try c.spec.validated().configuration.schedule
        let expected = try #require(c.momentum)
        let ours = (0..<expected.count).map { schedule.momentum(at: $0) ?? .nan }
        #expect(maximumRelativeDeviation(ours, expected) <= 1e-15, "\(c.name)")
    }

    /// The trajectories match torch's at every step (checked for every fixture by `TorchFixtureTests` to
    /// 1e-12); with the momentum torch's, the updates are torch's bit for bit.
    @Test(arguments: cases)
    func trajectoryIsTorchsBitForBit(_ c: TorchCase) throws {
        let run = try c.spec.validated().run()
        #expect(run.trajectory.params.map(\.bitPattern) == c.params.flatMap { $0 }.map(\.bitPattern), "\(c.name)")
    }

    @Test func cyclingRunsHaveNoLockstepShapeAndSkipTheFastPath() throws {
        let experiment = try spec(#"{"objective":{"type":"rosenbrock"},"optimizer":{"type":"adam","lr":0.01},"steps":200,"start":[-1.2,1],"#
                                  + #""schedule":{"type":"one_cycle","max_lr":0.02,"cycle_momentum":true}}"#).validated()
        #expect(experiment.configuration.needsGeneralLoop)
        #expect(LockstepShape(objective: experiment.objective, optimizer: experiment.optimizer,
                              configuration: experiment.configuration) == nil)
        let (fast, plain) = fastAndPlainRuns(experiment)
        #expect(fast.trajectory.params.map(\.bitPattern) == plain.trajectory.params.map(\.bitPattern))
        #expect(fast.summary == plain.summary)
    }

    /// Without cycle_momentum (Descent's default) the optimizer keeps its momentum: the run is the one without
    /// the flag, and differs from the cycled one.
    @Test func cycleMomentumIsOffByDefault() throws {
        let base = #"{"objective":{"type":"rosenbrock"},"optimizer":{"type":"sgd","lr":0.001,"momentum":0.9},"steps":100,"#
            + #""start":[-1.2,1],"schedule":{"type":"cyclic","max_lr":0.002,"step_size_up":20"#
        let plain = try spec(base + "}}").validated()
        let off = try spec(base + #","cycle_momentum":false}}"#).validated()
        let on = try spec(base + #","cycle_momentum":true}}"#).validated()
        #expect(plain.configuration.schedule.momentumCycle == nil)
        #expect(on.configuration.schedule.momentumCycle == MomentumCycle(base: 0.8, max: 0.9))
        let (a, b, c) = (plain.run(), off.run(), on.run())
        #expect(a.trajectory.params.map(\.bitPattern) == b.trajectory.params.map(\.bitPattern))
        #expect(a.trajectory.params != c.trajectory.params)
    }

    @Test func oneCycleDefaultsAreTorchs() throws {
        let experiment = try spec(#"{"objective":{"type":"saddle"},"optimizer":{"type":"nadam"},"steps":50,"#
                                  + #""schedule":{"type":"one_cycle","cycle_momentum":true}}"#).validated()
        #expect(experiment.configuration.schedule.momentumCycle == MomentumCycle(base: 0.85, max: 0.95))
        // The cycle starts at max_momentum, reaches base_momentum at the peak (pct_start·total − 1 = 14) and
        // returns to max_momentum at the end.
        #expect(experiment.configuration.schedule.momentum(at: 0) == 0.95)
        #expect(experiment.configuration.schedule.momentum(at: 14) == 0.85)
        #expect(experiment.configuration.schedule.momentum(at: 49) == 0.95)
    }

    @Test(arguments: [
        (#"{"type":"adagrad"}"#, #"{"type":"one_cycle","cycle_momentum":true}"#, "schedule.cycle_momentum"),
        (#"{"type":"lion"}"#, #"{"type":"cyclic","max_lr":0.1,"cycle_momentum":true}"#, "schedule.cycle_momentum"),
        (#"{"type":"sgd"}"#, #"{"type":"cyclic","max_lr":0.1,"cycle_momentum":true,"base_momentum":0.9,"max_momentum":0.5}"#,
         "schedule.max_momentum"),
        (#"{"type":"sgd"}"#, #"{"type":"one_cycle","base_momentum":1}"#, "schedule.base_momentum"),
        (#"{"type":"sgd"}"#, #"{"type":"one_cycle","max_momentum":-0.1}"#, "schedule.max_momentum"),
        (#"{"type":"sgd"}"#, #"{"type":"one_cycle","cycle_momentum":1}"#, "schedule.cycle_momentum"),
        (#"{"type":"sgd"}"#, #"{"type":"linear_warmup","warmup_steps":5,"then":{"type":"one_cycle","cycle_momentum":true}}"#,
         "schedule.then.cycle_momentum"),
    ])
    func badCyclesNameTheirField(_ optimizer: String, _ schedule: String, _ field: String) throws {
        let fields = try errorFields(#"{"objective":{"type":"saddle"},"steps":100,"optimizer":"# + optimizer + #","schedule":"# + schedule + "}")
        #expect(fields == [field])
    }

    /// Without cycling, a schedule yields no momentum; adagrad with one_cycle (no cycle_momentum) still runs.
    @Test func otherSchedulesGiveNoMomentum() throws {
        #expect(LearningRateSchedule.cosine(tMax: 10, etaMin: 0).momentum(at: 3) == nil)
        #expect(LearningRateSchedule.oneCycle(maxLR: 1, totalSteps: 100, pctStart: 0.3, divFactor: 25, finalDivFactor: 1e4)
            .momentum(at: 3) == nil)
        #expect(checkError(#"{"objective":{"type":"saddle"},"optimizer":{"type":"adagrad"},"steps":50,"schedule":{"type":"one_cycle"}}"#) == nil)
    }
}
