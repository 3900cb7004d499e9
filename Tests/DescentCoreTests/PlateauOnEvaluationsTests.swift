import Testing
@testable import DescentCore

@Suite struct PlateauOnEvaluationsTests {
    /// The cases of plateau_evaluations.json: torch's ReduceLROnPlateau stepped after each epoch on the full
    /// training-set or the validation loss of linear regression (split and batches reproduced by the script).
    static let cases = TorchFixtures.all.filter {
        ($0.spec.schedule?.value("metric").string).map { $0 != "batch_loss" } ?? false
    }

    @Test func theFixturesCoverBothEvaluationMetricsAndReduce() {
        #expect(Set(Self.cases.compactMap { $0.spec.schedule?.value("metric").string }) == ["train_loss", "validation_loss"])
        for c in Self.cases { #expect(Set(c.lr).count >= 3, "\(c.name): the fixture should reduce the rate more than once") }
    }

    /// The rates change only at epoch ends, to torch's values, and every row matches torch's to 1e-12 relative.
    @Test(arguments: cases)
    func trajectoryMatchesTorchsPerEpochScheduler(_ c: TorchCase) throws {
        let run = try c.spec.validated().run()
        #expect(run.trajectory.count == c.params.count, "\(c.name): \(run.summary.stopReason)")
        #expect(Array(run.trajectory.lr.prefix(c.lr.count)) == c.lr, "\(c.name)")
        var worst = 0.0
        for row in 0..<min(run.trajectory.count, c.params.count) {
            worst = max(worst, normwiseRelativeDeviation(run.trajectory.parameters(atRow: row), c.params[row]))
        }
        #expect(worst <= 1e-12, "\(c.name): relative deviation \(worst)")
        let perEpoch = c.spec.batchesPerEpoch
        for t in 1..<c.lr.count where c.lr[t] != c.lr[t - 1] { #expect(t % perEpoch == 0, "\(c.name): rate changed at step \(t)") }
    }

    /// By hand: lr 1e-300 leaves the validation loss flat (no relative improvement of 1e-4), patience 0, factor
    /// 0.5, eps 0 (torch's 1e-8 would skip reductions this small), 2 updates per epoch. The evaluation at step 2 is the first observed (the start is not): best. Those
    /// at 4 and 6 are bad: the rate halves for steps 4–5 and again for 6–7; the final one at 8 halves the final row's.
    @Test func aFlatValidationLossHalvesTheRateAtEveryLaterEpochEnd() throws {
        let run = try spec(#"{"objective":{"type":"linear_regression"},"#
                           + #""dataset":{"type":"synthetic","generator":"linear","samples":20,"validation_fraction":0.2},"#
                           + #""optimizer":{"type":"sgd","lr":1e-300},"batch_size":8,"steps":8,"#
                           + #""schedule":{"type":"reduce_on_plateau","metric":"validation_loss","patience":0,"factor":0.5,"eps":0}}"#)
            .validated().run()
        let r = 1e-300
        #expect(run.trajectory.lr == [r, r, r, r, r / 2, r / 2, r / 4, r / 4, r / 8])
    }

    @Test(arguments: [
        (#"{"objective":{"type":"saddle"},"optimizer":{"type":"sgd"},"steps":10,"schedule":{"type":"reduce_on_plateau","metric":"train_loss"}}"#,
         "schedule.metric"),
        (#"{"objective":{"type":"linear_regression"},"dataset":{"type":"synthetic","generator":"linear","samples":20},"#
            + #""optimizer":{"type":"sgd"},"steps":10,"schedule":{"type":"reduce_on_plateau","metric":"validation_loss"}}"#, "schedule.metric"),
        (#"{"objective":{"type":"saddle"},"optimizer":{"type":"sgd"},"steps":10,"schedule":{"type":"reduce_on_plateau","metric":"val_loss"}}"#,
         "schedule.metric"),
    ])
    func missingEvaluationsNameTheMetric(_ json: String, _ field: String) throws {
        #expect(try errorFields(json) == [field])
    }

    /// batch_loss, the default, is the per-update behaviour that plateau.json checks.
    @Test func batchLossIsTheDefault() throws {
        let s = try spec(#"{"objective":{"type":"saddle"},"optimizer":{"type":"sgd"},"steps":10,"schedule":{"type":"reduce_on_plateau"}}"#)
        guard case let .reduceOnPlateau(rule) = try s.validated().configuration.schedule else {
            Issue.record("not a plateau schedule"); return
        }
        #expect(rule.metric == .batchLoss)
    }
}
