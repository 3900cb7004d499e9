import Foundation
import Testing
@testable import DescentCore

/// Spec fields that would be ignored or train on nonsense are rejected with a reason.
@Suite struct SpecDataRulesTests {
    private func problems(_ json: String) -> [SpecError] {
        do {
            _ = try ExperimentSpec.check(try JSONDecoder().decode(SpecValue.self, from: Data(json.utf8)))
            return []
        } catch let e as SpecErrors {
            return e.errors
        } catch {
            Issue.record("unexpected \(error)")
            return []
        }
    }

    private func mlp(batchSize: String, samples: Int = 200, extra: String = "") -> String {
        #"{"objective": {"type": "mlp", "hidden": [8], "batch_norm": {"momentum": 0.9}}, "#
            + #""dataset": {"type": "synthetic", "generator": "two_moons", "samples": \#(samples)}, "#
            + #""optimizer": {"type": "sgd", "lr": 0.1}, "batch_size": \#(batchSize), "steps": 10\#(extra)}"#
    }

    @Test func batchNormWithBatchSizeOneIsRejectedSayingWhy() throws {
        let errors = problems(mlp(batchSize: "1"))
        let e = try #require(errors.first)
        #expect(errors.count == 1 && e.field == "batch_size" && e.code == "invalid_value")
        #expect(e.message.contains("at least 2") && e.message.contains("Expected more than 1 value per channel when training"))
    }

    @Test func batchNormWithALastBatchOfOneSampleIsRejected() throws {
        // 21 = 5·4 + 1: every epoch's last batch has one sample.
        let e = try #require(problems(mlp(batchSize: "4", samples: 21)).first)
        #expect(e.field == "batch_size" && e.message.contains("21 training samples = 5 × 4 + 1"))
        #expect(problems(mlp(batchSize: "4", samples: 21, extra: #", "drop_last": true"#)).isEmpty)
    }

    @Test func batchNormWithBatchesOfTwoOrMoreIsAccepted() {
        #expect(problems(mlp(batchSize: "2")).isEmpty)
        #expect(problems(mlp(batchSize: "null")).isEmpty)
    }

    @Test func batchSizeOneWithoutBatchNormIsAccepted() {
        let json = #"{"objective": {"type": "mlp", "hidden": [8]}, "dataset": {"type": "synthetic", "generator": "two_moons"}, "#
            + #""optimizer": {"type": "sgd"}, "batch_size": 1, "steps": 10}"#
        #expect(problems(json).isEmpty)
    }

    @Test func batchSizeOnAClosedFormObjectiveIsRejected() throws {
        let errors = problems(#"{"objective": {"type": "saddle"}, "optimizer": {"type": "sgd"}, "batch_size": 4, "drop_last": true}"#)
        #expect(errors.map(\.field) == ["batch_size", "drop_last"])
        #expect(errors.first?.message.hasPrefix("is not used by objective 'saddle'") == true)
    }

    @Test func epochsAndEvaluationOnAClosedFormObjectiveAreRejected() {
        let errors = problems(#"{"objective": {"type": "rosenbrock"}, "optimizer": {"type": "adam"}, "steps": null, "epochs": 3, "evaluation": {"every": 2}}"#)
        #expect(errors.map(\.field) == ["epochs", "evaluation"])
    }

    @Test func stepsAndEpochsTogetherAreRejected() throws {
        let json = #"{"objective": {"type": "linear_regression"}, "dataset": {"type": "synthetic", "generator": "linear"}, "#
            + #""optimizer": {"type": "sgd"}, "steps": 100, "epochs": 3}"#
        let e = try #require(problems(json).first)
        #expect(e.field == "epochs" && e.message == "give either steps or epochs, not both")
    }

    @Test func epochsGivingTooManyStepsAreRejected() throws {
        let json = #"{"objective": {"type": "linear_regression"}, "dataset": {"type": "synthetic", "generator": "linear", "samples": 1000}, "#
            + #""optimizer": {"type": "sgd"}, "batch_size": 1, "epochs": 20000}"#
        let e = try #require(problems(json).first)
        #expect(e.field == "epochs" && e.message.hasPrefix("gives 20000000 mini-batches (20000 × 1000 batches per epoch); at most"))
    }

    @Test func catalogListsEpochsAndEvaluation() {
        let names = Catalog.document.experiment.map(\.name)
        #expect(names.contains("epochs") && names.contains("evaluation"))
    }
}
