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

    @Test func saddleEscapeDirectionIsTheDiagonalWithPredictedChangeMinusOne() throws {
        let r = analyzeCriticalPoint(SaddleObjective(), at: [0, 0])
        let u = try #require(r.escapeDirection)
        let s = 0.5.squareRoot()
        #expect(abs(u[0] - s) < 1e-15 && abs(u[1] - s) < 1e-15)  // (1, 1)/√2: first largest component positive
        #expect(r.escapeEigenvalue.map { abs($0 + 2) < 1e-15 } == true)
        #expect(r.predictedChange.map { abs($0 + 1) < 1e-15 } == true)
    }

    @Test func predictedChangeScalesWithTheSquareOfTheStepLength() {
        let r = analyzeCriticalPoint(SaddleObjective(), at: [0, 0], options: .init(stepLength: 0.1))
        // ½λ‖u‖² = ½(−2)(0.01) = −‖u‖².
        #expect(r.predictedChange.map { abs($0 + 0.01) < 1e-16 } == true)
    }

    @Test(arguments: KnownMinimum.all)
    func knownMinimumHasZeroGradientAndIsALocalMinimum(_ m: KnownMinimum) {
        let x = refine(m.objective, m.point)
        #expect(FiniteDifference.relativeError(x, m.point) < 1e-4, "refined to \(x)")
        let r = analyzeCriticalPoint(m.objective, at: x)
        #expect(r.isCritical, "gradient norm \(r.gradientNorm)")
        #expect(r.kind == .localMinimum)
        #expect(r.escapeDirection == nil && r.predictedChange == nil)
    }

    @Test func negatedParaboloidExpressionIsALocalMaximum() throws {
        let f = try ExpressionObjective(expression: "-(x^2+y^2)", variables: ["x", "y"])
        let r = analyzeCriticalPoint(f, at: [0, 0])
        #expect(r.isCritical && r.kind == .localMaximum)
        #expect(r.eigenvalues == [-2, -2])
        #expect(r.predictedChange == -1)
    }

    @Test func monkeySaddleWithZeroHessianIsDegenerate() throws {
        let f = try ExpressionObjective(expression: "x^3 - 3*x*y^2", variables: ["x", "y"])
        let r = analyzeCriticalPoint(f, at: [0, 0])
        #expect(r.isCritical && r.kind == .degenerate && r.curvature == .zero && r.escapeDirection == nil)
    }

    @Test func pointWithNonzeroGradientIsNotCritical() {
        let r = analyzeCriticalPoint(RosenbrockObjective(), at: [0, 0])
        #expect(!r.isCritical && r.kind == .notCritical)
        #expect(abs(r.gradientNorm - 2) < 1e-15)  // ∇L(0, 0) = (−2, 0)
    }

    @Test func rosenbrockStartIsNotCriticalThoughItsHessianIsPositiveDefinite() {
        // ∇L(−1.2, 1) = (−2(1 − x) − 400x(y − x²), 200(y − x²)) = (−215.6, −88), ‖∇L‖ = 232.87
        let r = analyzeCriticalPoint(RosenbrockObjective(), at: [-1.2, 1])
        #expect(abs(r.gradient[0] + 215.6) < 1e-12 && abs(r.gradient[1] + 88) < 1e-12)
        #expect(abs(r.gradientNorm - (215.6 * 215.6 + 88 * 88).squareRoot()) < 1e-12)
        #expect(r.kind == .notCritical && r.curvature == .positiveDefinite)
        #expect(r.note.hasPrefix("Not a critical point"))
    }

    @Test func cubicAtOneTwoIsNotCritical() throws {
        // ∇(x³ + y²) at (1, 2) = (3, 4); Hessian diag(6x, 2) = diag(6, 2).
        let f = try ExpressionObjective(expression: "x**3+y**2", variables: ["x", "y"])
        let r = analyzeCriticalPoint(f, at: [1, 2])
        #expect(r.gradient == [3, 4] && r.gradientNorm == 5)
        #expect(r.kind == .notCritical && r.curvature == .positiveDefinite && r.eigenvalues == [2, 6])
    }

    @Test func saddleObjectiveAtOneOneIsDegenerateFlatValley() {
        // L = (1 − w₁w₂)²: ∇L(1, 1) = 0, H = [[2, 2], [2, 2]] with eigenvalues 0 and 4.
        let r = analyzeCriticalPoint(SaddleObjective(), at: [1, 1])
        #expect(r.isCritical && r.hessian == [[2, 2], [2, 2]])
        #expect(abs(r.eigenvalues[0]) < 1e-14 && abs(r.eigenvalues[1] - 4) < 1e-14)
        #expect(r.kind == .degenerate && r.curvature == .positiveSemidefinite)
        #expect(r.note.contains("inconclusive") && r.note.contains("flat valley"))
        #expect(r.escapeDirection == nil && r.predictedChange == nil)
    }

    @Test func predictedChangeAwayFromACriticalPointAddsTheSlopeAlongTheDownhillDirection() throws {
        // L = x² − y² at (1, 1): ∇L = (2, −2), λmin = −2 with u = ±(0, 1); downhill: u = (0, 1) (∇L·u = −2),
        // so the change for step 1 is −2 + ½(−2) = −3, exactly L(1, 2) − L(1, 1) = −3.
        let f = try ExpressionObjective(expression: "x^2 - y^2", variables: ["x", "y"])
        let r = analyzeCriticalPoint(f, at: [1, 1])
        #expect(r.kind == .notCritical && r.curvature == .indefinite)
        #expect(r.escapeDirection == [0, 1])
        #expect(r.predictedChange == -3)
    }

    @Test func smallDimensionReportsTheWholeSpectrum() {
        let r = analyzeCriticalPoint(SaddleObjective(), at: [0, 0])
        #expect(r.dimension == 2 && r.eigenvaluesComplete && r.eigenvalueIndices == [0, 1])
    }

    @Test func largeDimensionSaysOnlyTheEndsOfTheSpectrumWereComputed() {
        let n = 100
        let r = analyzeCriticalPoint(RosenbrockObjective(dimension: n), at: [Double](repeating: 1, count: n))
        #expect(r.dimension == n && !r.eigenvaluesComplete)
        #expect(r.eigenvalueIndices == Array(0..<6) + Array(94..<100))
        #expect(r.note.contains("Only the 6 smallest and 6 largest of the 100 eigenvalues were computed"))
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
        #expect(json.contains("\"local_minimum\"") && json.contains("\"positive_definite\""))
    }
}
