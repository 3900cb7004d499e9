import Foundation
import Testing
@testable import DescentCore

/// The pruners' decisions, checked by hand against Optuna's rules, and pruned runs on every training path.
@Suite struct PruningTests {
    private func reports(_ pairs: [(Int, Double)]) -> [PruneReport] { pairs.map { PruneReport(step: $0.0, value: $0.1) } }
    private func complete(_ pairs: [(Int, Double)]) -> TrialReports { TrialReports(outcome: .complete, reports: reports(pairs)) }
    /// The decision at each report, fed in order to one run's progress.
    private func decisions(_ rule: PruneRule, _ pairs: [(Int, Double)]) -> [Bool] {
        var progress = PruneProgress()
        return pairs.map { progress.report(step: $0.0, value: $0.1, rule: rule) }
    }

    // MARK: median

    @Test func medianGivesNoRuleBeforeStartupTrialsAreComplete() {
        let pruner = StudyPruner(.median(MedianPruner()))  // 5 startup trials
        let four = (0..<4).map { complete([(10, Double($0))]) }
        let prunedOnes = [TrialReports(outcome: .pruned, reports: reports([(10, 9)]))]
        #expect(pruner.rule(every: 10, history: four + prunedOnes) == nil, "a pruned trial does not count as complete")
        #expect(pruner.rule(every: 10, history: four + [complete([(10, 4)])]) != nil)
    }

    @Test func medianThresholdIsTheMedianOfCompleteTrialsAtEachStep() {
        var p = MedianPruner()
        p.startupTrials = 3
        let history = [complete([(10, 4), (20, 2)]), complete([(10, 1), (20, 0.5)]), complete([(10, 7)]),
                       complete([(10, 3), (20, 6)]),
                       TrialReports(outcome: .pruned, reports: reports([(10, 100), (20, 100)])),
                       TrialReports(outcome: .other, reports: [])]
        let rule = StudyPruner(.median(p)).rule(every: 10, history: history)
        // Step 10: {1, 3, 4, 7} → (3 + 4)/2; step 20: {0.5, 2, 6} → 2. The pruned trial is left out.
        #expect(rule == PruneRule(every: 10, test: .median(warmup: 0, interval: 1, thresholds: [10: 3.5, 20: 2])))
    }

    @Test func medianLeavesOutStepsBeforeWarmupAndWithTooFewReporters() {
        var p = MedianPruner()
        p.startupTrials = 2; p.warmupSteps = 15; p.minTrials = 2
        let rule = StudyPruner(.median(p)).rule(every: 10, history: [complete([(10, 1), (20, 2), (30, 5)]), complete([(10, 3), (20, 4)])])
        #expect(rule == PruneRule(every: 10, test: .median(warmup: 15, interval: 1, thresholds: [20: 3])))
    }

    @Test func medianPrunesWhenTheBestReportSoFarIsAboveTheThreshold() {
        let rule = PruneRule(every: 10, test: .median(warmup: 0, interval: 1, thresholds: [10: 5, 20: 2, 30: 1]))
        #expect(decisions(rule, [(10, 4), (20, 2.5)]) == [false, true], "4 ≤ 5; then the best, 2.5, > 2")
        // The best so far, 1.5, is compared, not the report (3): passes at 20, pruned at 30 (1.5 > 1).
        #expect(decisions(rule, [(10, 1.5), (20, 3), (30, 3)]) == [false, false, true])
    }

    @Test func medianChecksOnlyAfterWarmupAndAtTheFirstReportOfEachInterval() {
        // Warm-up 15, interval 20: pruning steps 15, 35, 55, …; reports every 10: checks at 20, 40, 60.
        let thresholds = Dictionary(uniqueKeysWithValues: stride(from: 10, through: 70, by: 10).map { ($0, 0.0) })
        let rule = PruneRule(every: 10, test: .median(warmup: 15, interval: 20, thresholds: thresholds))
        var checked: [Int] = []
        for s in stride(from: 10, through: 70, by: 10) {
            // The reports before s pass (+∞ there); the one at s prunes if it is checked at all.
            var relaxed = thresholds
            for t in stride(from: 10, to: s, by: 10) { relaxed[t] = .infinity }
            let walk = PruneRule(every: 10, test: .median(warmup: 15, interval: 20, thresholds: relaxed))
            var progress = PruneProgress()
            for t in stride(from: 10, to: s, by: 10) { _ = progress.report(step: t, value: 1, rule: walk) }
            let prunes = progress.report(step: s, value: 1, rule: rule)
            if prunes { checked.append(s) }
        }
        #expect(checked == [20, 40, 60])
    }

    // MARK: successive halving

    @Test func halvingRungsGrowByTheReductionFactorFromTheMinimumResource() {
        var p = SuccessiveHalvingPruner()
        p.minResource = 10; p.reductionFactor = 3; p.minEarlyStoppingRate = 1
        #expect(Array(p.resources(every: 5).prefix(4)) == [30, 90, 270, 810])
        #expect(SuccessiveHalvingPruner().resources(every: 7).prefix(3) == [7, 28, 112], "defaults: r = the report interval, η = 4")
    }

    @Test func halvingRungValuesTakeOneRungPerReport() {
        let values = SuccessiveHalvingPruner.rungValues(reports([(10, 5), (20, 4), (50, 3), (60, 2)]), resources: [10, 20, 40, 80])
        #expect(values == [5, 4, 3], "step 50 passes 40 (rung 2); no report reaches 80")
        let sparse = SuccessiveHalvingPruner.rungValues(reports([(50, 3), (60, 2)]), resources: [10, 20, 40])
        #expect(sparse == [3, 2], "step 50 takes rung 0, step 60 rung 1, rung 2 waits for another report")
    }

    @Test func halvingThresholdIsOptunasPromotionTestOverTheHistory() {
        var p = SuccessiveHalvingPruner()
        p.minResource = 10; p.reductionFactor = 2
        let history = [complete([(10, 5), (20, 4)]), TrialReports(outcome: .pruned, reports: reports([(10, 1)])),
                       complete([(10, 3), (20, 1)]), TrialReports(outcome: .other, reports: [])]
        guard let rule = StudyPruner(.successiveHalving(p)).rule(every: 10, history: history), case .halving(let rungs) = rule.test else {
            Issue.record("not a halving rule")
            return
        }
        // Rung 0 (step 10): H = {1, 3, 5}, m = 3, ⌊4/2⌋ − 1 = 1 → H[1] = 3. Optuna with v = 3: [1, 3, 3, 5][1] = 3 ≥ 3,
        // promoted; v = 3.5: [1, 3, 3.5, 5][1] = 3 < 3.5, pruned.
        // Rung 1 (step 20): H = {1, 4}, m = 2, ⌊3/2⌋ − 1 = 0 → 1. Rung 2 (40): nobody reached it → +∞.
        #expect(rungs[0] == PruneRule.Rung(resource: 10, threshold: 3))
        #expect(rungs[1] == PruneRule.Rung(resource: 20, threshold: 1))
        #expect(rungs[2] == PruneRule.Rung(resource: 40, threshold: .infinity))
        #expect(decisions(rule, [(10, 3)]) == [false] && decisions(rule, [(10, 3.5)]) == [true])
    }

    @Test func halvingWithFewerThanEtaReportsPromotesOnlyTheBest() {
        var p = SuccessiveHalvingPruner()
        p.minResource = 10  // η = 4
        let rule = StudyPruner(.successiveHalving(p)).rule(every: 10, history: [complete([(10, 2)]), complete([(10, 6)])])
        // m = 2: ⌊3/4⌋ − 1 = −1 → index 0: only a report at most the lowest, 2, goes on (Optuna: the first is promoted).
        guard case .halving(let rungs)? = rule?.test else {
            Issue.record("not a halving rule")
            return
        }
        #expect(rungs[0].threshold == 2)
    }

    @Test func halvingChecksEachRungOnceAtTheFirstReportPastIt() {
        let rule = PruneRule(every: 10, test: .halving(rungs: [.init(resource: 15, threshold: 5), .init(resource: 40, threshold: 1)]))
        // 10: before the first rung; 20: rung 0, 4 ≤ 5; 30: rung 0 passed, rung 1 not reached; 40: rung 1, 2 > 1.
        #expect(decisions(rule, [(10, 9), (20, 4), (30, 9), (40, 2)]) == [false, false, false, true])
    }

    // MARK: parsing

    @Test func prunerParsingNamesTheBadField() throws {
        #expect(throws: SearchError.self) { try StudyPruner(parsing: .object(["type": .string("hyperband")]), field: "search.pruner") }
        #expect(throws: SearchError.self) {
            try StudyPruner(parsing: .object(["type": .string("asha"), "reduction_factor": .number(1)]), field: "search.pruner")
        }
        #expect(throws: SearchError.self) {
            try StudyPruner(parsing: .object(["type": .string("median"), "min_resource": .number(3)]), field: "search.pruner")
        }
        let asha = try StudyPruner(parsing: .object(["type": .string("asha"), "report_every": .number(5), "min_resource": .number(20)]),
                                   field: "search.pruner")
        var expected = SuccessiveHalvingPruner()
        expected.minResource = 20
        #expect(asha == StudyPruner(.successiveHalving(expected), reportEvery: 5))
    }

    // MARK: the sampler's view

    @Test func prunedTrialsRankAfterCompleteOnesFurthestFirst() {
        let a = ScoredTrial(number: 0, assignment: [:], score: 100)
        let b = ScoredTrial(number: 1, assignment: [:], score: 0.1, prunedAt: 20)
        let c = ScoredTrial(number: 2, assignment: [:], score: 5, prunedAt: 40)
        let d = ScoredTrial(number: 3, assignment: [:], score: 1, prunedAt: 40)
        #expect([b, c, a, d].sorted(by: ScoredTrial.isRankedBefore).map(\.number) == [0, 3, 2, 1])
    }

    // MARK: pruned runs

    private static let adam = OptimizerConfiguration.adam(lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, amsgrad: false)

    /// A rule that passes the reports at 10 and 20 and prunes at 30 (thresholds from the run's own losses).
    private static func ruleStoppingAt30(_ loss: [Double]) -> PruneRule {
        PruneRule(every: 10, test: .median(warmup: 0, interval: 1,
                                           thresholds: [10: loss[10] + 1, 20: loss[20] + 1, 30: min(loss[10], loss[20], loss[30]) / 2]))
    }

    @Test func prunedClosedFormRunStopsAtItsReportWithTheSamePrefixOnEveryPath() {
        let objective = RosenbrockObjective()
        let free = TrainingConfiguration(start: [-1.2, 1], steps: 100, learningRate: 1e-2)
        let full = Trainer.run(objective: objective, optimizer: Self.adam, configuration: free)
        var c = free
        c.prune = Self.ruleStoppingAt30(full.trajectory.loss)
        let fast = Trainer.run(objective: objective, optimizer: Self.adam, configuration: c)
        let plain = Trainer.run(objective: objective, optimizer: Self.adam, configuration: c, control: RunControl(), progressEvery: 1024,
                                onProgress: nil, fastPath: false)
        let lockstep = Trainer.runLockstep([LockstepMember(objective: objective, optimizer: Self.adam, configuration: c),
                                            LockstepMember(objective: objective, optimizer: Self.adam, configuration: free)])
        for (name, run) in [("fast", fast), ("plain", plain), ("lockstep", lockstep[0])] {
            #expect(run.summary.stopReason == .pruned && run.summary.stepsRun == 30, "\(name)")
            // Rows 0 … 29, then the final point at step 30 (the row at 30 is the final point).
            #expect(run.trajectory.step == Array(0...30), "\(name)")
            #expect(run.trajectory.loss[0...30].map(\.bitPattern) == full.trajectory.loss[0...30].map(\.bitPattern), "\(name)")
            #expect(run.summary.finalLoss.bitPattern == full.trajectory.loss[30].bitPattern, "\(name)")
        }
        #expect(lockstep[1].summary.stopReason == .budget && lockstep[1].summary.stepsRun == 100, "the member without a rule runs on")
    }

    @Test func prunedDatasetRunStopsAtAnEvaluation() throws {
        let json = #"{"seed": 1, "objective": {"type": "linear_regression"}, "#
            + #""dataset": {"type": "synthetic", "generator": "linear", "samples": 20, "features": 1, "noise": 0.1}, "#
            + #""optimizer": {"type": "sgd", "lr": 0.05}, "batch_size": 5, "steps": 40}"#
        let experiment = try JSONDecoder().decode(ExperimentSpec.self, from: Data(json.utf8)).validated()
        let full = experiment.run()
        // Evaluations at every epoch's end: steps 4, 8, …; prune at the third (step 12).
        let e = full.trajectory.epochs
        #expect(e.prefix(3).map(\.step) == [4, 8, 12])
        let rule = PruneRule(every: 1, test: .halving(rungs: [.init(resource: 4, threshold: .infinity), .init(resource: 8, threshold: .infinity),
                                                              .init(resource: 12, threshold: e[2].trainLoss / 2)]))
        let pruned = experiment.pruned(by: rule).run()
        #expect(pruned.summary.stopReason == .pruned && pruned.summary.stepsRun == 12)
        #expect(pruned.trajectory.epochs.map(\.step) == [4, 8, 12])
        #expect(pruned.trajectory.loss.map(\.bitPattern) == Array(full.trajectory.loss.prefix(12)).map(\.bitPattern)
                + [pruned.summary.finalLoss.bitPattern])
    }
}
