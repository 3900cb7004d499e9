import Foundation
import Testing
@testable import DescentCore

// torch's parameter groups (`optimizer.param_groups`). Their trajectories against torch.optim are the cases of
// Tests/Fixtures/torch/param_groups.json (run by TorchFixtureTests with the other fixtures); these tests check the
// spec's checks and, on the MLP, whose forward and backward passes are not torch's to the bit, properties a group
// must have whatever the model.

/// An MLP experiment with batch norm on two moons, mini-batches, and `optimizer` (a JSON object's members).
private func mlpSpec(_ optimizer: String, schedule: String = "null", batchNorm: Bool = true) -> String {
    """
    {"seed": 4, "objective": {"type": "mlp", "hidden": [5, 3], "batch_norm": \(batchNorm ? "{}" : "null")},
     "dataset": {"type": "synthetic", "generator": "two_moons", "samples": 48},
     "optimizer": {\(optimizer)}, "schedule": \(schedule), "batch_size": 16, "steps": 60}
    """
}

/// The recorded parameter rows of `json`'s run.
private func parameterRows(_ json: String) throws -> [[Double]] {
    let trajectory = try spec(json).validated().run().trajectory
    return (0..<trajectory.count).map { Array(trajectory.parameters(atRow: $0)) }
}

/// The θ range of the MLP tensor `name` in `json`'s experiment.
private func tensorRange(_ json: String, _ name: String) throws -> Range<Int> {
    let model = try #require(try spec(json).validated().objective as? NamedParameterTensors)
    return try #require(model.namedTensors.first { $0.name == name }).range
}

@Suite struct ParameterGroupTests {
    @Test func mlpTensorsAreNamedByLayerAndCoverTheParametersInOrder() throws {
        let json = mlpSpec(#""type": "sgd""#)
        let experiment = try spec(json).validated()
        let model = try #require(experiment.objective as? NamedParameterTensors)
        #expect(model.namedTensors.map(\.name) == ["layer1.weight", "layer1.bias", "layer1.gamma", "layer1.beta",
                                                   "layer2.weight", "layer2.bias", "layer2.gamma", "layer2.beta",
                                                   "layer3.weight", "layer3.bias"])
        var next = 0
        for tensor in model.namedTensors {
            #expect(tensor.range.lowerBound == next, "\(tensor.name)")
            next = tensor.range.upperBound
        }
        #expect(next == experiment.dimension)
        #expect(try tensorRange(json, "layer1.weight") == 0..<10)  // 5 × 2 inputs
    }

    @Test func softmaxRegressionHasAWeightMatrixThenOneBiasPerClass() {
        let data = Dataset(features: Matrix([[1, 2], [3, 4], [5, 6]]), targets: [0, 1, 2], classCount: 3)
        let model = SoftmaxRegressionObjective(training: data)
        #expect(model.namedTensors == [NamedTensor("weight", .weight, 0..<6, matrix: (3, 2)), NamedTensor("bias", .bias, 6..<9)])
    }

    @Test func groupsWithTheOptimizersOwnOptionsRunBitIdenticalToNoGroups() throws {
        let plain = mlpSpec(#""type": "adam", "lr": 0.01, "weight_decay": 0.1"#, schedule: #"{"type": "cosine", "t_max": 60}"#)
        let grouped = mlpSpec(#""type": "adam", "lr": 0.01, "weight_decay": 0.1, "param_groups": [{"params": ["bn"]},"#
                              + #" {"params": ["layer3.weight", "bias"], "lr": 0.01}]"#,
                              schedule: #"{"type": "cosine", "t_max": 60}"#)
        let a = try parameterRows(plain), b = try parameterRows(grouped)
        #expect(a.count == 61)
        #expect(a.map { $0.map(\.bitPattern) } == b.map { $0.map(\.bitPattern) })
    }

    @Test func aGroupWithRateZeroLeavesItsTensorsUnchanged() throws {
        let json = mlpSpec(#""type": "sgd", "lr": 0.1, "momentum": 0.9, "param_groups": [{"params": ["layer2.weight", "bn"], "lr": 0}]"#)
        let rows = try parameterRows(json)
        let frozen = try [tensorRange(json, "layer2.weight"), tensorRange(json, "layer1.gamma"), tensorRange(json, "layer2.beta")]
        let moving = try tensorRange(json, "layer1.weight")
        for row in rows.dropFirst() {
            for range in frozen { #expect(row[range] == rows[0][range]) }
        }
        #expect(rows.last?[moving] != rows[0][moving])
    }

    /// Groups fed one gradient sequence: each coordinate moves exactly as the rule with its group's options would
    /// move it alone (here AdamW with decay on the weights and none on the biases and batch norm).
    @Test func eachGroupStepsAsItsOwnRuleBitForBit() throws {
        let json = mlpSpec(#""type": "adamw", "lr": 0.01, "weight_decay": 0.2, "param_groups": [{"params": ["bias", "bn"], "weight_decay": 0}]"#)
        let experiment = try spec(json).validated()
        let groups = experiment.configuration.parameterGroups
        #expect(groups.count == 2)
        let n = experiment.dimension
        var grouped = GroupedOptimizer(groups: groups, dimension: n, schedule: .constant)
        var decayed = AdamW.make(dimension: n, weightDecay: 0.2), undecayed = AdamW.make(dimension: n, weightDecay: 0)
        var theta = experiment.configuration.start, thetaDecayed = theta, thetaUndecayed = theta
        var random = SeededRandom(seed: 9)
        for _ in 0..<50 {
            let gradient = (0..<n).map { _ in random.nextGaussian() }
            var g1 = gradient, g2 = gradient, g3 = gradient
            grouped.step(parameters: &theta, gradient: &g1, learningRate: 0.01)
            decayed.step(parameters: &thetaDecayed, gradient: &g2, learningRate: 0.01)
            undecayed.step(parameters: &thetaUndecayed, gradient: &g3, learningRate: 0.01)
            for range in groups[0].ranges { #expect(theta[range] == thetaUndecayed[range]) }
            for range in groups[1].ranges { #expect(theta[range] == thetaDecayed[range]) }
        }
        #expect(groups[1].ranges == [try tensorRange(json, "layer1.weight"), try tensorRange(json, "layer2.weight"),
                                     try tensorRange(json, "layer3.weight")])
    }

    @Test func eachGroupsRateIsTheScheduleAppliedToItsOwnInitialRate() throws {
        let json = mlpSpec(#""type": "sgd", "lr": 0.1, "param_groups": [{"params": ["weight"], "lr": 0.3}]"#,
                           schedule: #"{"type": "step", "step_size": 1, "gamma": 0.5}"#)
        let experiment = try spec(json).validated()
        let n = experiment.dimension
        var grouped = GroupedOptimizer(groups: experiment.configuration.parameterGroups, dimension: n,
                                       schedule: experiment.configuration.schedule)
        var theta = [Double](repeating: 0, count: n)
        let weights = try tensorRange(json, "layer1.weight"), bias = try tensorRange(json, "layer1.bias")
        for t in 0..<4 {
            let before = theta
            var gradient = [Double](repeating: 1, count: n)
            grouped.step(parameters: &theta, gradient: &gradient, learningRate: .nan)
            let factor = 1 / Double(1 << t)
            for i in weights { #expect(theta[i] == before[i] - 0.3 * factor) }
            for i in bias { #expect(theta[i] == before[i] - 0.1 * factor) }
        }
    }

    @Test func asgdAverageOfEveryGroupIsTorchs() throws {
        let file = TorchFixtures.directory.appendingPathComponent("param_groups.json")
        struct Case: Decodable { let name: String; let spec: ExperimentSpec; let ax: [Double]? }
        struct Document: Decodable { let cases: [Case] }
        let cases = try JSONDecoder().decode(Document.self, from: Data(contentsOf: file)).cases.filter { $0.ax != nil }
        #expect(!cases.isEmpty)
        for c in cases {
            let averaged = try #require(try c.spec.validated().run().summary.averagedParams, "\(c.name)")
            #expect(maximumRelativeDeviation(averaged, c.ax ?? []) <= 1e-12, "\(c.name)")
        }
    }

    @Test func anUnknownTensorNameIsAnErrorListingTheModelsTensors() throws {
        let error = try #require(checkError(mlpSpec(#""type": "sgd", "param_groups": [{"params": ["layer4.weight"]}]"#)))
        #expect(error.field == "optimizer.param_groups[0].params[0]")
        #expect(error.message.contains("layer3.bias"))
    }

    @Test func aTensorInTwoGroupsIsAnError() throws {
        let error = try #require(checkError(mlpSpec(#""type": "sgd", "param_groups": [{"params": ["layer1.bias"]}, {"params": ["bias"]}]"#)))
        #expect(error.field == "optimizer.param_groups[1].params[0]")
        #expect(error.message.contains("layer1.bias") && error.message.contains("param_groups[0]"))
    }

    @Test func aKindTheModelLacksSelectsNothingAndIsAnError() throws {
        let error = try #require(checkError(mlpSpec(#""type": "sgd", "param_groups": [{"params": ["bn"]}]"#, batchNorm: false)))
        #expect(error.field == "optimizer.param_groups[0].params[0]")
    }

    @Test func anOptionTheRuleDoesNotHaveIsAnUnknownField() throws {
        let json = mlpSpec(#""type": "adam", "param_groups": [{"params": ["bias"], "momentum": 0.9}]"#)
        #expect(try errorFields(json) == ["optimizer.param_groups[0].momentum"])
        #expect(checkError(json)?.code == "unknown_field")
    }

    @Test func aGroupOptionOutOfRangeIsAnErrorAtItsField() throws {
        let json = mlpSpec(#""type": "adam", "param_groups": [{"params": ["bias"], "lr": -1, "betas": [0.9, 1.5]}]"#)
        #expect(try errorFields(json) == ["optimizer.param_groups[0].lr", "optimizer.param_groups[0].betas[1]"])
    }

    @Test func aGroupWithoutTensorsIsAnError() throws {
        #expect(try errorFields(mlpSpec(#""type": "sgd", "param_groups": [{"lr": 0.1}]"#)) == ["optimizer.param_groups[0].params"])
        #expect(try errorFields(mlpSpec(#""type": "sgd", "param_groups": [{"params": []}]"#)) == ["optimizer.param_groups[0].params"])
    }

    @Test func aGroupsOwnOptionConflictIsAnErrorAtTheGroup() throws {
        let error = try #require(checkError(mlpSpec(#""type": "sgd", "param_groups": [{"params": ["bias"], "nesterov": true}]"#)))
        #expect(error.field == "optimizer.param_groups[0].nesterov")
    }

    @Test func rulesWithoutGroupsRejectThem() throws {
        let json = mlpSpec(#""type": "lion", "param_groups": [{"params": ["bias"]}]"#)
        #expect(try errorFields(json) == ["optimizer.param_groups"])
    }

    @Test func aClosedFormObjectiveHasNoTensorsToGroup() throws {
        let error = try #require(checkError("""
            {"objective": {"type": "rosenbrock"}, "optimizer": {"type": "sgd", "param_groups": [{"params": ["weight"]}]}}
            """))
        #expect(error.field == "optimizer.param_groups")
    }

    @Test func aGroupRateUnderASchedulethatSetsEveryRateIsAnError() throws {
        let json = mlpSpec(#""type": "sgd", "param_groups": [{"params": ["bias"], "lr": 0.5}]"#,
                           schedule: #"{"type": "one_cycle", "max_lr": 0.1}"#)
        #expect(checkError(json)?.field == "optimizer.param_groups[0].lr")
    }

    @Test func aPlateauOnEvaluationsOrACycledMomentumIsRefusedWithGroups() throws {
        let groups = #""type": "sgd", "momentum": 0.9, "param_groups": [{"params": ["bias"], "weight_decay": 0}]"#
        let plateau = try #require(checkError(mlpSpec(groups, schedule: #"{"type": "reduce_on_plateau", "metric": "train_loss"}"#)))
        #expect(plateau.field == "schedule.metric" && plateau.code == "invalid_value")
        let cycled = try #require(checkError(mlpSpec(groups, schedule: #"{"type": "one_cycle", "max_lr": 0.1, "cycle_momentum": true}"#)))
        #expect(cycled.field == "schedule.cycle_momentum" && cycled.code == "invalid_value")
        // Without groups both are accepted, and with groups the batch-loss plateau is too.
        #expect(checkError(mlpSpec(#""type": "sgd", "momentum": 0.9"#, schedule: #"{"type": "reduce_on_plateau", "metric": "train_loss"}"#)) == nil)
        #expect(checkError(mlpSpec(#""type": "sgd", "momentum": 0.9"#, schedule: #"{"type": "one_cycle", "max_lr": 0.1, "cycle_momentum": true}"#)) == nil)
        #expect(checkError(mlpSpec(groups, schedule: #"{"type": "reduce_on_plateau"}"#)) == nil)
    }

    @Test func groupsSurviveTheSpecsJSONRoundTrip() throws {
        let original = try spec(mlpSpec(#""type": "adam", "param_groups": [{"params": ["bias", "bn"], "weight_decay": 0}]"#))
        let data = try JSONEncoder().encode(original)
        #expect(try JSONDecoder().decode(ExperimentSpec.self, from: data) == original)
    }

    @Test func theCatalogListsParamGroupsWithTheRulesOptions() throws {
        let adam = try #require(OptimizerKind.adam.info.parameters.first { $0.name == "param_groups" })
        guard case let .parameterGroups(options) = adam.kind else { Issue.record("param_groups is \(adam.kind.name)"); return }
        #expect(options.map(\.name) == OptimizerKind.adam.parameters.map(\.name).filter { $0 != "param_groups" })
        #expect(options.allSatisfy { !$0.isRequired && $0.defaultValue == nil })
        #expect(!OptimizerKind.lbfgs.parameters.contains { $0.name == "param_groups" })
    }
}
