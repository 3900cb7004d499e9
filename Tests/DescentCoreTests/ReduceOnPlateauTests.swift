import Foundation
import Testing
@testable import DescentCore

@Suite struct ReduceOnPlateauTests {
    /// torch's runs in plateau.json: the rates are products of factors and the updates torch's, so both agree
    /// bit for bit at every step; each case reduces the rate at least once.
    @Test(arguments: TorchFixtures.all.filter { $0.spec.schedule?.kind == .reduceOnPlateau })
    func plateauTrajectoryIsTorchsBitForBit(_ c: TorchCase) throws {
        let run = try c.spec.validated().run()
        #expect(run.trajectory.count == c.params.count)
        #expect(Array(run.trajectory.lr.prefix(c.lr.count)).map(\.bitPattern) == c.lr.map(\.bitPattern), "\(c.name)")
        #expect(run.trajectory.params.map(\.bitPattern) == c.params.flatMap { $0 }.map(\.bitPattern), "\(c.name)")
        #expect(Set(c.lr).count >= 2, "\(c.name): the fixture should reduce the rate")
    }

    @Test func theFixtureFileCoversEveryModeAndOption() {
        let schedules = TorchFixtures.all.compactMap { $0.spec.schedule }.filter { $0.kind == .reduceOnPlateau }
        #expect(Set(schedules.map { $0.value("mode").string ?? "" }) == ["min", "max"])
        #expect(Set(schedules.map { $0.value("threshold_mode").string ?? "" }) == ["rel", "abs"])
        #expect(schedules.contains { ($0.value("cooldown").integer ?? 0) > 0 })
        #expect(schedules.contains { ($0.value("min_lr").number ?? 0) > 0 })
    }

    /// Worked by hand from torch's `step`: patience 1, factor 0.5, rel threshold 0.1, cooldown 1.
    @Test func trackerFollowsTorchsCountersByHand() {
        var tracker = PlateauTracker(ReduceOnPlateau(factor: 0.5, patience: 1, threshold: 0.1, cooldown: 1), rate: 1)
        var rates: [Double] = []
        // 10 best; 9.5 not < 9 (bad 1); 9.2 bad 2 > 1 → 0.5, cooldown 1; 9.1 bad then cooldown resets;
        // 9.05 bad 1; 9.0 bad 2 → 0.25; 8.0 better (< 9); 7.5 bad 1 (not < 7.2); 7.3 bad 2 → 0.125.
        for loss in [10, 9.5, 9.2, 9.1, 9.05, 9.0, 8.0, 7.5, 7.3] {
            tracker.observe(loss)
            rates.append(tracker.rate)
        }
        #expect(rates == [1, 1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.125])
    }

    @Test func minLRAndEpsStopTheReductions() {
        var floored = PlateauTracker(ReduceOnPlateau(factor: 0.1, patience: 0, minLR: 0.05), rate: 1)
        var skipped = PlateauTracker(ReduceOnPlateau(factor: 0.5, patience: 0, eps: 0.3), rate: 1)
        for _ in 0..<5 { floored.observe(1); skipped.observe(1) }
        #expect(floored.rate == 0.05)
        // 1 → 0.5 (a change of 0.5 > eps), then 0.5 → 0.25 changes 0.25 ≤ eps: skipped.
        #expect(skipped.rate == 0.5)
    }

    @Test func runsWithItHaveNoLockstepShapeAndSkipTheFastPath() throws {
        let experiment = try spec(#"{"objective":{"type":"rosenbrock"},"optimizer":{"type":"adam","lr":0.03},"steps":300,"#
                                  + #""schedule":{"type":"reduce_on_plateau","patience":3,"factor":0.5}}"#).validated()
        #expect(LockstepShape(objective: experiment.objective, optimizer: experiment.optimizer,
                              configuration: experiment.configuration) == nil)
        let (fast, plain) = fastAndPlainRuns(experiment)
        #expect(fast.trajectory.params.map(\.bitPattern) == plain.trajectory.params.map(\.bitPattern))
        #expect(fast.trajectory.lr.map(\.bitPattern) == plain.trajectory.lr.map(\.bitPattern))
        #expect(fast.summary == plain.summary)
        #expect(Set(plain.trajectory.lr).count > 1)
    }

    @Test func theFinalRowCarriesTheReducedRate() throws {
        // A constant loss: every step after the first is bad, so with patience 0 the rate halves each step.
        let run = try spec(#"{"objective":{"type":"quadratic","a":[[0,0],[0,0]],"b":[0,0]},"optimizer":{"type":"sgd","lr":1},"#
                           + #""steps":4,"start":[1,1],"schedule":{"type":"reduce_on_plateau","patience":0,"factor":0.5}}"#).validated().run()
        #expect(run.trajectory.lr == [1, 1, 0.5, 0.25, 0.125])
    }

    @Test(arguments: [
        (#"{"type":"reduce_on_plateau","factor":1}"#, "schedule.factor"),
        (#"{"type":"reduce_on_plateau","factor":0}"#, "schedule.factor"),
        (#"{"type":"reduce_on_plateau","patience":-1}"#, "schedule.patience"),
        (#"{"type":"reduce_on_plateau","patience":1.5}"#, "schedule.patience"),
        (#"{"type":"reduce_on_plateau","mode":"lowest"}"#, "schedule.mode"),
        (#"{"type":"reduce_on_plateau","threshold_mode":"relative"}"#, "schedule.threshold_mode"),
        (#"{"type":"reduce_on_plateau","threshold":-1e-4}"#, "schedule.threshold"),
        (#"{"type":"reduce_on_plateau","cooldown":-2}"#, "schedule.cooldown"),
        (#"{"type":"reduce_on_plateau","min_lr":-1}"#, "schedule.min_lr"),
        (#"{"type":"reduce_on_plateau","eps":-1}"#, "schedule.eps"),
        (#"{"type":"reduce_on_plateau","gamma":0.5}"#, "schedule.gamma"),
        (#"{"type":"linear_warmup","warmup_steps":5,"then":{"type":"reduce_on_plateau"}}"#, "schedule.then.type"),
    ])
    func badParametersNameTheirField(_ schedule: String, _ field: String) throws {
        let fields = try errorFields(#"{"objective":{"type":"saddle"},"optimizer":{"type":"sgd"},"schedule":"# + schedule + "}")
        #expect(fields == [field])
    }
}
