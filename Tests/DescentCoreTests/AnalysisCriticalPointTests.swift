import DescentCore
import Foundation
import Testing

/// A named point believed to be a local minimum of an objective.
struct KnownMinimum: Sendable, CustomTestStringConvertible {
    let name: String
    let objective: any Objective
    let point: [Double]
    var testDescription: String { name }

    static let all: [KnownMinimum] = [
        .init(name: "rosenbrock (1, 1)", objective: RosenbrockObjective(), point: [1, 1]),
        .init(name: "rosenbrock a=2 (2, 4)", objective: RosenbrockObjective(a: 2, b: 100), point: [2, 4]),
        .init(name: "himmelblau (3, 2)", objective: HimmelblauObjective(), point: [3, 2]),
        .init(name: "himmelblau (−2.805118, 3.131312)", objective: HimmelblauObjective(), point: [-2.805118, 3.131312]),
        .init(name: "himmelblau (−3.779310, −3.283186)", objective: HimmelblauObjective(), point: [-3.779310, -3.283186]),
        .init(name: "himmelblau (3.584428, −1.848126)", objective: HimmelblauObjective(), point: [3.584428, -1.848126]),
        .init(name: "booth (1, 3)", objective: BoothObjective(), point: [1, 3]),
        .init(name: "beale (3, 0.5)", objective: BealeObjective(), point: [3, 0.5]),
        .init(name: "six-hump camel (0.0898, −0.7126)", objective: SixHumpCamelObjective(), point: [0.0898, -0.7126]),
        .init(name: "six-hump camel (−0.0898, 0.7126)", objective: SixHumpCamelObjective(), point: [-0.0898, 0.7126]),
    ]
}

@Suite struct AnalysisCriticalPointTests {
    /// Newton's method from a published (rounded) location to the exact 2-D critical point.
    private func refine(_ objective: any Objective, _ start: [Double]) -> [Double] {
        var x = start
        for _ in 0..<20 {
            let g = FiniteDifference.exactGradient(of: objective, at: x)
            let h = objective.hessian(at: x)
            let det = h[0, 0] * h[1, 1] - h[0, 1] * h[1, 0]
            x[0] -= (h[1, 1] * g[0] - h[0, 1] * g[1]) / det
            x[1] -= (h[0, 0] * g[1] - h[1, 0] * g[0]) / det
        }
        return x
    }

    @Test func saddleAtOriginIsClassifiedSaddleWithEigenvaluesPlusMinusTwo() {
        let r = analyzeCriticalPoint(SaddleObjective(), at: [0, 0])
        #expect(r.value == 1 && r.gradient == [0, 0] && r.gradientNorm == 0 && r.isCritical)
        #expect(r.hessian == [[0, -2], [-2, 0]])
        #expect(r.kind == .saddle)
        #expect(abs(r.eigenvalues[0] + 2) < 1e-15 && abs(r.eigenvalues[1] - 2) < 1e-15)
    }

    @Test func saddleEscapeDirectionIsTheDiagonalWithPredictedDecreaseMinusOne() throws {
        let r = analyzeCriticalPoint(SaddleObjective(), at: [0, 0])
        let u = try #require(r.escapeDirection)
        let s = 0.5.squareRoot()
        #expect(abs(abs(u[0]) - s) < 1e-15 && abs(u[0] - u[1]) < 1e-15)
        #expect(r.escapeEigenvalue.map { abs($0 + 2) < 1e-15 } == true)
        #expect(r.predictedDecrease.map { abs($0 + 1) < 1e-15 } == true)
    }

    @Test func predictedDecreaseScalesWithTheSquareOfTheStepLength() {
        let r = analyzeCriticalPoint(SaddleObjective(), at: [0, 0], options: .init(stepLength: 0.1))
        // ½λ‖u‖² = ½(−2)(0.01) = −‖u‖².
        #expect(r.predictedDecrease.map { abs($0 + 0.01) < 1e-16 } == true)
    }

    @Test(arguments: KnownMinimum.all)
    func knownMinimumHasZeroGradientAndIsALocalMinimum(_ m: KnownMinimum) {
        let x = refine(m.objective, m.point)
        #expect(FiniteDifference.relativeError(x, m.point) < 1e-4, "refined to \(x)")
        let r = analyzeCriticalPoint(m.objective, at: x)
        #expect(r.isCritical, "gradient norm \(r.gradientNorm)")
        #expect(r.kind == .localMinimum)
        #expect(r.escapeDirection == nil && r.predictedDecrease == nil)
    }

    @Test func negatedParaboloidExpressionIsALocalMaximum() throws {
        let f = try ExpressionObjective(expression: "-(x^2+y^2)", variables: ["x", "y"])
        let r = analyzeCriticalPoint(f, at: [0, 0])
        #expect(r.isCritical && r.kind == .localMaximum)
        #expect(r.eigenvalues == [-2, -2])
        #expect(r.predictedDecrease == -1)
    }

    @Test func monkeySaddleWithZeroHessianIsDegenerate() throws {
        let f = try ExpressionObjective(expression: "x^3 - 3*x*y^2", variables: ["x", "y"])
        let r = analyzeCriticalPoint(f, at: [0, 0])
        #expect(r.isCritical && r.kind == .degenerate && r.escapeDirection == nil)
    }

    @Test func pointWithNonzeroGradientIsNotCritical() {
        let r = analyzeCriticalPoint(RosenbrockObjective(), at: [0, 0])
        #expect(!r.isCritical)
        #expect(abs(r.gradientNorm - 2) < 1e-15)  // ∇L(0, 0) = (−2, 0)
    }

    @Test func largeDimensionUsesLanczosAndOmitsTheDenseHessian() {
        let n = 100
        let objective = RosenbrockObjective(dimension: n)
        let point = [Double](repeating: 1, count: n)
        let r = analyzeCriticalPoint(objective, at: point)
        #expect(r.hessian == nil)
        #expect(r.eigenvalues.count == 12 && r.eigenvectors.count == 12)
        #expect(r.isCritical && r.kind == .localMinimum)
        let exact = SymmetricEigen(objective.hessian(at: point)).eigenvalues
        #expect(abs(r.eigenvalues[0] - exact[0]) < 1e-8 * exact[n - 1])
        #expect(abs(r.eigenvalues[11] - exact[n - 1]) < 1e-8 * exact[n - 1])
    }

    @Test func mlpSpectrumFromHessianVectorProductsMatchesTheDenseHessian() {
        let data = SyntheticDataset.twoMoons(samples: 24, noise: 0.1, seed: 4)
        let mlp = MLPObjective(training: data, hiddenLayers: [8, 8], activation: .tanh)
        let theta = mlp.initialParameters(seed: 5)
        #expect(mlp.dimension > 64)
        let r = analyzeCriticalPoint(mlp, at: theta, options: .init(k: 3))
        let exact = SymmetricEigen(mlp.hessian(at: theta)).eigenvalues
        let n = exact.count, scale = max(1, abs(exact[0]), abs(exact[n - 1]))
        #expect(r.hessian == nil && r.eigenvalues.count == 6)
        for i in 0..<3 {
            #expect(abs(r.eigenvalues[i] - exact[i]) < 1e-8 * scale)
            #expect(abs(r.eigenvalues[5 - i] - exact[n - 1 - i]) < 1e-8 * scale)
        }
    }

    @Test func reportEncodesTheKindInSnakeCase() throws {
        let r = analyzeCriticalPoint(BoothObjective(), at: [1, 3])
        let json = String(decoding: try JSONEncoder().encode(r), as: UTF8.self)
        #expect(json.contains("\"local_minimum\""))
    }
}
