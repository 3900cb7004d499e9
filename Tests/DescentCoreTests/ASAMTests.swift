import Foundation
import Testing
@testable import DescentCore

// Whole trajectories of the authors' ASAM class (github.com/SamsungLabs/ASAM, asam.py) around torch.optim.SGD
// (torch 2.13, CPU, float64), written by Tests/Fixtures/asam/generate.py: each case's Descent spec is run and every
// row must agree with the reference to 1e-12 relative (normwise per row) — and, since Descent repeats torch's
// operations in their order and rounding, to the bit.

/// One ASAM fixture case: the experiment and the reference's parameters before every step and after the last.
struct ASAMCase: Sendable, Decodable, CustomTestStringConvertible {
    /// Case name, e.g. "asam-saddle-nesterov".
    let name: String
    /// The reference call it ran.
    let reference: String
    /// The Descent experiment (objective, optimizer, start, steps, and the data set for the linear model).
    let spec: ExperimentSpec
    /// The reference's parameters: row t before step t, the last row after the final step.
    let params: [[Double]]

    var testDescription: String { name }
}

/// Tests/Fixtures/asam (asam.json) and its cases.
enum ASAMFixtures: FixtureFolder {
    typealias Case = ASAMCase
    /// Tests/Fixtures/asam.
    static let directory = fixtureDirectory("asam")
    /// Every case (empty if the file is unreadable: `theFixtureFileDecodes` fails then).
    static let all = everyCase()
}

@Suite struct ASAMTests {
    @Test func theFixtureFileDecodes() throws {
        let files = try ASAMFixtures.files()
        #expect(files.map(\.lastPathComponent) == ["asam.json"])
        let cases = try files.flatMap { try ASAMFixtures.cases(in: $0) }
        #expect(cases.map(\.name) == ["asam", "asam-momentum-decay", "asam-saddle-nesterov", "asam-quadratic-dampening",
                                      "asam-linear-regression"])
        for c in cases { #expect(c.params.count == c.spec.stepBudget + 1 && c.params.count > 200, "\(c.name)") }
    }

    @Test(arguments: ASAMFixtures.all)
    func trajectoryMatchesTheAuthorsASAM(_ c: ASAMCase) throws {
        let result = try c.spec.validated().run()
        let trajectory = result.trajectory
        #expect(trajectory.count == c.params.count, "\(c.name): \(result.summary.stopReason)")
        #expect(trajectory.params.count == trajectory.count * trajectory.dimension, "\(c.name): parameters not recorded")
        var worst = 0.0, worstRow = 0, firstDifference: Int?
        for row in 0..<min(trajectory.count, c.params.count) {
            let mine = Array(trajectory.parameters(atRow: row))
            if firstDifference == nil && mine.map(\.bitPattern) != c.params[row].map(\.bitPattern) { firstDifference = row }
            let deviation = normwiseRelativeDeviation(mine, c.params[row])
            if deviation > worst { (worst, worstRow) = (deviation, row) }
        }
        #expect(worst <= 1e-12, "\(c.name): relative deviation \(worst) at row \(worstRow)")
        #expect(firstDifference == nil, "\(c.name): first differs at row \(firstDifference ?? -1); worst \(worst)")
    }

    @Test func stepOnTheUnitQuadraticIsTheClosedForm() {
        // On ½‖θ‖², η = 0: T = |θ| = (3, 4), Tg = (9, 16), ε = ρ·T²g/‖Tg‖ = ρ·(27, 64)/√337, and the gradient at θ + ε
        // is θ + ε, so plain SGD gives θ ← θ − γ(θ + ε).
        let objective = QuadraticObjective(a: .identity(2), b: [0, 0])
        var asam = ASAM(objective: objective, rho: 0.5, eta: 0, base: SGD(dimension: 2))
        var theta = [3.0, 4.0], gradient = [3.0, 4.0]
        asam.step(parameters: &theta, gradient: &gradient, learningRate: 0.1)
        let norm = 337.0.squareRoot()
        let expected = [3 - 0.1 * (3 + 0.5 * 27 / norm), 4 - 0.1 * (4 + 0.5 * 64 / norm)]
        #expect(zip(theta, expected).allSatisfy { abs($0 - $1) <= 1e-14 * abs($1) }, "\(theta) vs \(expected)")
        #expect(asam.gradientEvaluations == 2)
    }

    @Test func etaKeepsAZeroWeightPerturbable() {
        // With η = 0 a coordinate at 0 has T = 0 and is never perturbed; η > 0 perturbs it by ρ·η²g/‖Tg‖.
        let objective = QuadraticObjective(a: .identity(2), b: [1, 0])
        for eta in [0.0, 0.5] {
            var asam = ASAM(objective: objective, rho: 1, eta: eta, base: SGD(dimension: 2))
            var theta = [0.0, 2.0], gradient = [1.0, 2.0]
            asam.step(parameters: &theta, gradient: &gradient, learningRate: 1)
            // θ₀ ← 0 − (g′₀) with g′₀ = θ′₀ + 1 = ε₀ + 1.
            let t0 = eta, t1 = 2 + eta
            let norm = ((t0 * 1) * (t0 * 1) + (t1 * 2) * (t1 * 2)).squareRoot()
            let epsilon0 = t0 * t0 * 1 / norm
            #expect(abs(theta[0] - -(epsilon0 + 1)) <= 1e-15, "eta \(eta): \(theta)")
        }
    }

    @Test func weightsAndBatchNormScaleAreScaledBiasesAndShiftAreNot() throws {
        let mlp = try decodedSpec("""
            {"seed": 2, "objective": {"type": "mlp", "hidden": [5, 3], "batch_norm": {}},
             "dataset": {"type": "synthetic", "generator": "two_moons", "samples": 32}, "optimizer": {"type": "asam"}}
            """).validated().objective
        func tensors<O: Objective>(_ objective: O) -> [String] {
            ASAM<O>.tensors(of: objective).map { "\($0.range.lowerBound)..<\($0.range.upperBound) \($0.scaled)" }
        }
        #expect(tensors(mlp) == ["0..<10 true", "10..<15 false", "15..<20 true", "20..<25 false",
                                 "25..<40 true", "40..<43 false", "43..<46 true", "46..<49 false", "49..<52 true", "52..<53 false"])
        let linear = try decodedSpec(#"{"objective":{"type":"linear_regression"},"dataset":{"type":"synthetic","generator":"linear"},"optimizer":{"type":"asam"}}"#)
            .validated().objective
        #expect(tensors(linear) == ["0..<\(linear.dimension - 1) true", "\(linear.dimension - 1)..<\(linear.dimension) false"])
        let rosenbrock = try decodedSpec(#"{"objective":{"type":"rosenbrock"},"optimizer":{"type":"asam"}}"#).validated().objective
        #expect(tensors(rosenbrock) == ["0..<2 true"])
    }

    @Test func defaultsAreTheAuthorsClassAndTorchSGDs() throws {
        let experiment = try decodedSpec(#"{"objective":{"type":"rosenbrock"},"optimizer":{"type":"asam"}}"#).validated()
        #expect(experiment.optimizer == .sam(.adaptive(lr: 1e-3, rho: 0.5, eta: 0.01, momentum: 0, dampening: 0, weightDecay: 0,
                                                       nesterov: false)))
        let info = OptimizerKind.asam.info
        #expect(info.parameters.map(\.name) == ["lr", "rho", "eta", "momentum", "dampening", "weight_decay", "nesterov"])
    }

    @Test(arguments: [
        (#"{"type":"asam","rho":0}"#, "optimizer.rho out_of_range"),
        (#"{"type":"asam","rho":-1}"#, "optimizer.rho out_of_range"),
        (#"{"type":"asam","eta":-0.01}"#, "optimizer.eta out_of_range"),
        (#"{"type":"asam","eta":"small"}"#, "optimizer.eta wrong_type"),
        (#"{"type":"asam","momentum":-0.5}"#, "optimizer.momentum out_of_range"),
        (#"{"type":"asam","dampening":2}"#, "optimizer.dampening out_of_range"),
        (#"{"type":"asam","weight_decay":-1}"#, "optimizer.weight_decay out_of_range"),
        (#"{"type":"asam","b1":0.9}"#, "optimizer.b1 unknown_field"),
    ])
    func badHyperParameterIsRejectedNamingItsField(_ optimizer: String, _ expected: String) throws {
        #expect(try optimizerErrors(optimizer) == [expected])
    }

    @Test(arguments: [#"{"type":"asam","nesterov":true}"#, #"{"type":"asam","nesterov":true,"momentum":0.9,"dampening":0.1}"#])
    func nesterovNeedsMomentumAndNoDampening(_ optimizer: String) {
        let error = #expect(throws: SpecError.self) {
            try decodedSpec(#"{"objective":{"type":"rosenbrock"},"optimizer":"# + optimizer + "}").validated()
        }
        #expect(error?.field == "optimizer.nesterov")
    }

    @Test func asamNeedsTheFullBatch() {
        let error = #expect(throws: SpecError.self) {
            try decodedSpec(#"{"objective":{"type":"linear_regression"},"dataset":{"type":"synthetic","generator":"linear"},"optimizer":{"type":"asam"},"batch_size":8}"#).validated()
        }
        #expect(error?.field == "batch_size" && error?.message.contains("asam") == true)
    }
}
