import Foundation
import Testing
@testable import DescentCore

// optax.contrib.muon: Tests/Fixtures/optax/muon/muon.json (written by its generate.py with the real optax in float64)
// holds trajectories of one weight matrix and one bias fed given gradients, and Newton–Schulz results of optax and
// numpy's SVD polar factor for a few matrices.

/// The fixture document.
private struct MuonFixture: Decodable {
    struct Case: Decodable {
        let name: String
        let optimizer: [String: SpecValue]
        let outputs: Int
        let inputs: Int
        let gradients: [[Double]]
        let params: [[Double]]
    }
    struct Polar: Decodable {
        let matrix: [[Double]]
        let optaxDefault: [[Double]]
        let optaxCubic60: [[Double]]
        let polarFactor: [[Double]]
        enum CodingKeys: String, CodingKey {
            case matrix, optaxDefault = "optax_default", optaxCubic60 = "optax_cubic_60", polarFactor = "polar_factor"
        }
    }
    let cases: [Case]
    let polar: [Polar]

    static let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/optax/muon/muon.json")
    static func load() throws -> MuonFixture { try JSONDecoder().decode(MuonFixture.self, from: Data(contentsOf: file)) }
}

/// optax's orientation of Newton–Schulz on `matrix` (rows × columns): on it when rows ≤ columns, else on its transpose.
private func newtonSchulz(_ matrix: [[Double]], coefficients: (Double, Double, Double), steps: Int) -> [[Double]] {
    let rows = matrix.count, columns = matrix[0].count
    let wide = rows <= columns
    let (p, q) = wide ? (rows, columns) : (columns, rows)
    var scratch = NewtonSchulzScratch(largest: [(p, q)])
    for r in 0..<rows { for c in 0..<columns { scratch.m[wide ? r * q + c : c * q + r] = matrix[r][c] } }
    scratch.orthogonalize(p: p, q: q, coefficients: coefficients, steps: steps, epsilon: 1e-8)
    return (0..<rows).map { r in (0..<columns).map { c in scratch.m[wide ? r * q + c : c * q + r] } }
}

/// Largest |aᵢⱼ − bᵢⱼ| over two matrices.
private func largestDifference(_ a: [[Double]], _ b: [[Double]]) -> Double {
    zip(a.joined(), b.joined()).reduce(0) { max($0, abs($1.0 - $1.1)) }
}

@Suite struct MuonTests {
    @Test func trajectoriesMatchOptaxFedTheSameGradients() throws {
        let fixture = try MuonFixture.load()
        #expect(fixture.cases.count >= 6)
        for c in fixture.cases {
            #expect(c.gradients.count == 200 && c.params.count == 201, "\(c.name)")
            let spec = try OptimizerSpec(checking: .object(c.optimizer), path: "optimizer")
            guard case let .muon(lr, coefficients, steps, beta, eps, wd, nesterov, b1, b2, epsRoot, adamWD, rms) = try spec.build(path: "optimizer")
            else { Issue.record("\(c.name) is not muon"); continue }
            let n = c.params[0].count
            var muon = Muon(dimension: n, matrices: [.init(start: 0, rows: c.outputs, columns: c.inputs)],
                            coefficients: (coefficients[0], coefficients[1], coefficients[2]), steps: steps, beta: beta, epsilon: eps,
                            weightDecay: wd, nesterov: nesterov, adamBeta1: b1, adamBeta2: b2, adamEpsilonRoot: epsRoot,
                            adamWeightDecay: adamWD, consistentRMS: rms)
            var theta = c.params[0]
            var worst = 0.0, worstRow = 0
            for (t, g) in c.gradients.enumerated() {
                var gradient = g
                muon.step(parameters: &theta, gradient: &gradient, learningRate: lr)
                let deviation = normwiseRelativeDeviation(theta, c.params[t + 1])
                if deviation > worst { (worst, worstRow) = (deviation, t + 1) }
            }
            #expect(worst <= 1e-12, "\(c.name): relative deviation \(worst) at row \(worstRow)")
        }
    }

    @Test func newtonSchulzMatchesOptaxOnFixedMatrices() throws {
        for entry in try MuonFixture.load().polar {
            let ours = newtonSchulz(entry.matrix, coefficients: (3.4445, -4.7750, 2.0315), steps: 5)
            #expect(largestDifference(ours, entry.optaxDefault) <= 1e-13)
        }
    }

    /// The cubic iteration (1.5, −0.5, 0) converges to the polar factor U·Vᵀ of the SVD X = U·Σ·Vᵀ (numpy's).
    @Test func cubicNewtonSchulzConvergesToTheSVDPolarFactor() throws {
        for entry in try MuonFixture.load().polar {
            let ours = newtonSchulz(entry.matrix, coefficients: (1.5, -0.5, 0), steps: 60)
            #expect(largestDifference(ours, entry.polarFactor) <= 1e-12)
            #expect(largestDifference(ours, entry.optaxCubic60) <= 1e-13)
        }
    }

    @Test func mlpWeightMatricesAreMuonsAndEverythingElseIsAdams() throws {
        let experiment = try spec("""
            {"seed": 2, "objective": {"type": "mlp", "hidden": [5, 3], "batch_norm": {}},
             "dataset": {"type": "synthetic", "generator": "two_moons", "samples": 32},
             "optimizer": {"type": "muon"}, "batch_size": 8, "steps": 40}
            """).validated()
        let matrices = Muon.weightMatrices(of: experiment.objective)
        #expect(matrices == [.init(start: 0, rows: 5, columns: 2), .init(start: 25, rows: 3, columns: 5),
                             .init(start: 49, rows: 1, columns: 3)])
        let muon = Muon(dimension: experiment.dimension, matrices: matrices)
        #expect(muon.adamRanges == [10..<25, 40..<49, 52..<53])
        let result = experiment.run()
        #expect(result.summary.stopReason == .budget && result.summary.finalLoss.isFinite)
        #expect(result.summary.bestLoss < result.trajectory.loss[0])
    }

    @Test func catalogListsMuonWithOptaxsDefaults() throws {
        let muon = OptimizerKind.muon.info
        #expect(muon.parameters.first { $0.name == "beta" }?.defaultValue == .number(0.95))
        #expect(muon.parameters.first { $0.name == "ns_steps" }?.defaultValue == .number(5))
        #expect(checkError(#"{"objective": {"type": "rosenbrock"}, "optimizer": {"type": "muon", "ns_coeffs": [1, 2]}}"#)?.field
                == "optimizer.ns_coeffs")
    }
}
