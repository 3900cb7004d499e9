import Foundation
import Testing
@testable import DescentCore

/// The optax-named rules' first steps against hand-derived closed forms, their per-tensor trust ratios
/// on an MLP, and the checks of their hyper-parameters. (Whole trajectories: `OptaxFixtureTests`.)
@Suite struct OptaxRuleTests {
    private func firstStep<P: Optimizer>(_ rule: P, theta: [Double], gradient: [Double], lr: Double) -> [Double] {
        var rule = rule, theta = theta, gradient = gradient
        rule.step(parameters: &theta, gradient: &gradient, learningRate: lr)
        return theta
    }

    private func close(_ a: [Double], _ b: [Double], _ tolerance: Double = 1e-14) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance * max(1, abs($1)) }
    }

    @Test func lionMovesEveryCoordinateByTheRateTimesTheSignPlusDecay() {
        // m₀ = 0: c = (1 − β₁)g, so u = sign(g) + λθ; a zero gradient moves by the decay alone.
        let theta = firstStep(Lion(dimension: 3, weightDecay: 0.01), theta: [1, -2, 0.5], gradient: [3, -0.5, 0], lr: 0.1)
        #expect(close(theta, [1 - 0.1 * 1.01, -2 + 0.1 * 1.02, 0.5 - 0.1 * 0.005]))
    }

    @Test func adaBeliefFirstStepDividesByTheDeviationFromTheMean() {
        // m = 0.1g, s = 0.001(0.9g)² + ε_root; corrected: m̂ = g, ŝ = 0.81g² + 1000ε_root, so u ≈ sign(g)/0.9.
        let theta = firstStep(AdaBelief(dimension: 2), theta: [1, 1], gradient: [2, -4], lr: 0.09)
        #expect(close(theta, [1 - 0.1, 1 + 0.1], 1e-12))
    }

    @Test func yogiSecondMomentGrowsAdditivelyFromItsInitialValue() {
        var yogi = Yogi(dimension: 1, initialAccumulatorValue: 1e-6)
        var theta = [0.0], gradient = [2.0]
        yogi.step(parameters: &theta, gradient: &gradient, learningRate: 0.1)
        // v < g²: v ← v + (1 − β₂)g² = 1e-6 + 0.004; m ← 0.1·2 + 0.9e-6.
        #expect(abs(yogi.secondMoment[0] - (1e-6 + 0.004)) < 1e-17)
        #expect(abs(yogi.firstMoment[0] - (0.2 + 0.9e-6)) < 1e-16)
        let expected = -0.1 * ((0.2 + 0.9e-6) / 0.1) / (((1e-6 + 0.004) / 0.001).squareRoot() + 1e-3)
        #expect(abs(theta[0] - expected) < 1e-15)
    }

    @Test func adanFirstStepIsTheSignOfTheGradient() {
        // d = 0 at the first step: m̂ = g, v̂ = 0, n̂ = g² (ε_root = 0), so u = g/(|g| + ε).
        let theta = firstStep(Adan(dimension: 2, epsilonRoot: 0), theta: [0.5, -0.5], gradient: [10, -0.1], lr: 0.01)
        #expect(close(theta, [0.5 - 0.01, -0.5 + 0.01], 1e-9))
    }

    /// An MLP with non-zero weights and zero biases, and its gradient at its initial point.
    private func mlp() -> (MLPObjective, [Double], [Double]) {
        let objective = MLPObjective(training: SyntheticDataset.twoMoons(samples: 16, noise: 0.1, seed: 5), hiddenLayers: [4, 3])
        let theta = objective.initialParameters(seed: 9)
        var gradient = [Double](repeating: 0, count: objective.dimension)
        _ = objective.valueAndGradient(at: theta, batch: .full, gradient: &gradient)
        return (objective, theta, gradient)
    }

    private func norm(_ x: ArraySlice<Double>) -> Double { x.reduce(0) { $0 + $1 * $1 }.squareRoot() }

    @Test func mlpParameterTensorsAreEachLayersWeightsAndBias() {
        let (objective, _, _) = mlp()
        // 2 → 4 → 3 → 1: W 8, b 4, W 12, b 3, W 3, b 1.
        #expect(objective.parameterTensors == [0..<8, 8..<12, 12..<24, 24..<27, 27..<30, 30..<31])
    }

    @Test func lambStepsEachWeightTensorByTheRateTimesItsNorm() {
        let (objective, theta, gradient) = mlp()
        let lr = 0.01
        let next = firstStep(LAMB(dimension: objective.dimension, tensors: objective.parameterTensors), theta: theta,
                             gradient: gradient, lr: lr)
        for tensor in objective.parameterTensors where norm(theta[tensor]) > 0 {
            let moved = norm(zip(next[tensor], theta[tensor]).map { $0 - $1 }[...])
            #expect(abs(moved - lr * norm(theta[tensor])) <= 1e-12 * moved, "tensor \(tensor)")
        }
    }

    @Test func larsStepsEachWeightTensorByRateTimesCoefficientTimesItsNorm() {
        let (objective, theta, gradient) = mlp()
        let (lr, c) = (0.5, 1e-3)
        let next = firstStep(LARS(dimension: objective.dimension, trustCoefficient: c, tensors: objective.parameterTensors),
                             theta: theta, gradient: gradient, lr: lr)
        for tensor in objective.parameterTensors where norm(theta[tensor]) > 0 {
            let moved = norm(zip(next[tensor], theta[tensor]).map { $0 - $1 }[...])
            #expect(abs(moved - lr * c * norm(theta[tensor])) <= 1e-12 * moved, "tensor \(tensor)")
        }
    }

    @Test func aClosedFormIsOneTensor() throws {
        let experiment = try decodedSpec(#"{"objective":{"type":"rosenbrock"},"optimizer":{"type":"lamb"}}"#).validated()
        #expect(parameterTensors(of: experiment.objective) == [0..<2])
    }

    @Test(arguments: [
        (#"{"type":"lion","b1":1}"#, "optimizer.b1 out_of_range"),
        (#"{"type":"lion","b2":-0.1}"#, "optimizer.b2 out_of_range"),
        (#"{"type":"adabelief","eps":-1}"#, "optimizer.eps out_of_range"),
        (#"{"type":"yogi","initial_accumulator_value":-1e-6}"#, "optimizer.initial_accumulator_value out_of_range"),
        (#"{"type":"lamb","weight_decay":-0.1}"#, "optimizer.weight_decay out_of_range"),
        (#"{"type":"lars","trust_coefficient":0}"#, "optimizer.trust_coefficient out_of_range"),
        (#"{"type":"lars","momentum":1}"#, "optimizer.momentum out_of_range"),
        (#"{"type":"adan","b3":1.5}"#, "optimizer.b3 out_of_range"),
        (#"{"type":"adan","eps_root":"small"}"#, "optimizer.eps_root wrong_type"),
        (#"{"type":"yogi","betas":[0.9,0.99]}"#, "optimizer.betas unknown_field"),
        (#"{"type":"sam","rho":0}"#, "optimizer.rho out_of_range"),
        (#"{"type":"prodigy","estim_lr0":0}"#, "optimizer.estim_lr0 out_of_range"),
        (#"{"type":"prodigy","betas":[0.9]}"#, "optimizer.betas invalid_value"),
    ])
    func badHyperParameterIsRejectedNamingItsField(_ optimizer: String, _ expected: String) throws {
        #expect(try optimizerErrors(optimizer) == [expected])
    }

    @Test func defaultsAreOptaxs() throws {
        let lion = try decodedSpec(#"{"objective":{"type":"rosenbrock"},"optimizer":{"type":"lion"}}"#).validated()
        #expect(lion.optimizer == .lion(lr: 1e-4, b1: 0.9, b2: 0.99, weightDecay: 1e-3))
        let adan = try decodedSpec(#"{"objective":{"type":"rosenbrock"},"optimizer":{"type":"adan"}}"#).validated()
        #expect(adan.optimizer == .adan(lr: 1e-3, b1: 0.98, b2: 0.92, b3: 0.99, eps: 1e-8, epsRoot: 1e-8, weightDecay: 0))
        let lars = try decodedSpec(#"{"objective":{"type":"rosenbrock"},"optimizer":{"type":"lars"}}"#).validated()
        #expect(lars.optimizer == .lars(lr: 1, weightDecay: 0, trustCoefficient: 1e-3, eps: 0, momentum: 0.9, nesterov: false))
    }

    @Test func prodigyBeta3DefaultsToTheRootOfBeta2() throws {
        let experiment = try decodedSpec(#"{"objective":{"type":"rosenbrock"},"optimizer":{"type":"prodigy","beta3":null}}"#).validated()
        guard case let .prodigy(_, _, beta2, beta3, _, _, _, _, _) = experiment.optimizer else { Issue.record("not prodigy"); return }
        #expect(beta3 == nil)
        #expect(Prodigy(dimension: 2, beta2: beta2).beta3 == 0.999.squareRoot())
    }

    @Test func integerPowerSquaresAsJAXDoes() {
        // 0.9⁴ by squaring is (0.9·0.9)², which rounds above the C library's correctly rounded 0.6561.
        #expect(Optax.integerPower(0.9, 4) == (0.9 * 0.9) * (0.9 * 0.9))
        #expect(Optax.integerPower(0.9, 4) != 0.6561)
        #expect(Optax.integerPower(0.5, 0) == 1 && Optax.integerPower(0.5, 3) == 0.125)
    }

    @Test func samWithNesterovNeedsMomentum() {
        let error = #expect(throws: SpecError.self) {
            try decodedSpec(#"{"objective":{"type":"rosenbrock"},"optimizer":{"type":"sam","nesterov":true}}"#).validated()
        }
        #expect(error?.field == "optimizer.nesterov")
    }

    @Test func samNeedsTheFullBatch() {
        let error = #expect(throws: SpecError.self) {
            try decodedSpec(#"{"objective":{"type":"linear_regression"},"dataset":{"type":"synthetic","generator":"linear"},"optimizer":{"type":"sam"},"batch_size":8}"#).validated()
        }
        #expect(error?.field == "batch_size")
    }

    @Test func samStepAppliesTheGradientAtTheAscentPoint() {
        // On ½‖θ‖² the gradient at θ' = θ + ρθ/‖θ‖ is θ' itself: θ ← θ − γ(θ + ρθ/‖θ‖).
        let objective = QuadraticObjective(a: .identity(2), b: [0, 0])
        var sam = SAM(objective: objective, rho: 0.5)
        var theta = [3.0, 4.0], gradient = [3.0, 4.0]
        sam.step(parameters: &theta, gradient: &gradient, learningRate: 0.1)
        #expect(close(theta, [3 - 0.1 * (3 + 0.3), 4 - 0.1 * (4 + 0.4)]))
        #expect(sam.gradientEvaluations == 2)
    }
}
