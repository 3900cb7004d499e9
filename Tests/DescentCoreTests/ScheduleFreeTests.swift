import Testing
@testable import DescentCore

// Schedule-free SGD and AdamW beyond their optax fixtures (OptaxFixtureTests): the first step by hand, what the
// summary reports, and the spec's errors.

@Suite struct ScheduleFreeTests {
    /// The first step with c = 1 (one weight): z₁ = z₀ − γg₀, x₁ = z₁, y₁ = βx₁ + (1 − β)z₁ = z₁.
    @Test func theFirstStepMovesAllThreePointsToTheSGDStep() {
        var rule = ScheduleFree(start: [1, -0.5], base: .sgd, beta: 0.9)
        var theta = [1.0, -0.5], gradient = [1.0, -2.0]
        rule.step(parameters: &theta, gradient: &gradient, learningRate: 0.1)
        #expect(rule.z == [1 - 0.1, -0.5 + 0.2])
        #expect(zip(theta, rule.z).allSatisfy { abs($0 - $1) <= 1e-15 })
        #expect(zip(rule.averagedParameters, rule.z).allSatisfy { abs($0 - $1) <= 1e-15 })
    }

    /// The second step at the same rate: c = 1/2, so x₂ = (x₁ + z₂)/2 and y₂ = 0.9·x₂ + 0.1·z₂.
    @Test func theSecondStepAveragesWithEqualWeights() {
        var rule = ScheduleFree(start: [2], base: .sgd, beta: 0.9)
        var theta = [2.0], g = [1.0]
        rule.step(parameters: &theta, gradient: &g, learningRate: 0.5)  // z₁ = x₁ = y₁ = 1.5
        g = [1.0]
        rule.step(parameters: &theta, gradient: &g, learningRate: 0.5)  // z₂ = 1, x₂ = 1.25, y₂ = 1.225
        #expect(rule.z == [1])
        #expect(abs(rule.averagedParameters[0] - 1.25) <= 1e-15 && abs(theta[0] - 1.225) <= 1e-15)
    }

    @Test func theSummaryReportsTheAveragedPointAndItsLoss() throws {
        let json = """
        {"objective": {"type": "quadratic", "a": [[1, 0], [0, 4]]}, "optimizer": {"type": "schedule_free_adamw", "lr": 0.05},
         "start": [1, -0.5], "steps": 50}
        """
        let result = try spec(json).validated().run()
        let x = try #require(result.summary.averagedParams)
        #expect(x != result.summary.finalParams)
        let loss = 0.5 * (x[0] * x[0] + 4 * x[1] * x[1])
        #expect(abs((result.summary.averagedLoss ?? .nan) - loss) <= 1e-15 * max(1, loss))
    }

    @Test func specErrorsNameTheField() {
        #expect(checkError(#"{"objective": {"type": "saddle"}, "optimizer": {"type": "schedule_free_sgd", "b1": 0}}"#)?.field == "optimizer.b1")
        let averaged = #"{"objective": {"type": "saddle"}, "optimizer": {"type": "schedule_free_sgd"}, "transforms": [{"type": "ema"}]}"#
        let error = checkError(averaged)
        #expect(error?.field == "transforms[0]" && error?.code == "invalid_value")
        #expect(error?.message.contains("schedule_free_sgd") == true)
    }

    @Test func theCatalogListsBothWithOptaxDefaults() {
        let sgd = OptimizerKind.scheduleFreeSGD.parameters, adamw = OptimizerKind.scheduleFreeAdamW.parameters
        #expect(sgd.map(\.name) == ["lr", "b1", "weight_decay", "weight_lr_power"])
        #expect(adamw.map(\.name) == ["lr", "b1", "b2", "eps", "weight_decay", "weight_lr_power"])
        #expect(sgd.first?.defaultValue == .number(1) && adamw.first?.defaultValue == .number(0.0025))
    }
}
