import DescentCore
import Testing

/// Damped Newton, saddle-free Newton and negative-curvature descent against closed forms.
@Suite struct SecondOrderOptimizerTests {
    /// ½θᵀDθ with D = diag(−2, 4): a saddle at the origin with one direction of each curvature.
    static let saddleQuadratic = QuadraticObjective(a: Matrix([[-2, 0], [0, 4]]), b: [0, 0])

    private func step(_ optimizer: some Optimizer, _ objective: some Objective, from start: [Double], lr: Double = 1) -> [Double] {
        var o = optimizer, theta = start
        var g = [Double](repeating: 0, count: start.count)
        _ = objective.valueAndGradient(at: theta, batch: .full, gradient: &g)
        o.step(parameters: &theta, gradient: &g, learningRate: lr)
        return theta
    }

    private func run(_ optimizer: OptimizerConfiguration, _ objective: any Objective, from start: [Double], steps: Int) -> RunSummary {
        let configuration = TrainingConfiguration(start: start, steps: steps, learningRate: optimizer.learningRate, recordEvery: steps)
        return Trainer.run(objective: objective, optimizer: optimizer, configuration: configuration).summary
    }

    @Test func newtonJumpsToTheSaddleOfAQuadratic() {
        // g = Dθ = (−2, 4) at (1, 1); D⁻¹g = (1, 1): θ − D⁻¹g is the saddle.
        let theta = step(DampedNewton(objective: Self.saddleQuadratic), Self.saddleQuadratic, from: [1, 1])
        #expect(theta == [0, 0])
    }

    @Test func saddleFreeNewtonMovesAwayAlongTheNegativeCurvature() {
        // |D|⁻¹g = (−2/2, 4/4) = (−1, 1): the w₁ coordinate doubles, w₂ goes to its minimum.
        let theta = step(SaddleFreeNewton(objective: Self.saddleQuadratic, damping: 0), Self.saddleQuadratic, from: [1, 1])
        #expect(theta == [2, 0])
    }

    @Test func dampingShortensTheNewtonStep() {
        // On diag(1, κ) from (1, 1): (D + μI)⁻¹g = (1/(1+μ), κ/(κ+μ)); with μ = 1, κ = 3: (½, ¾).
        let f = QuadraticObjective(a: Matrix([[1, 0], [0, 3]]), b: [0, 0])
        let theta = step(DampedNewton(objective: f, damping: 1), f, from: [1, 1])
        #expect(abs(theta[0] - 0.5) < 1e-15 && abs(theta[1] - 0.25) < 1e-15)
    }

    @Test func newtonSolvesAPositiveDefiniteQuadraticInOneStep() {
        let f = QuadraticObjective(a: Matrix([[3, 1], [1, 2]]), b: [-1, 4])
        let theta = step(DampedNewton(objective: f), f, from: [5, -7])
        var g = [0.0, 0.0]
        _ = f.valueAndGradient(at: theta, batch: .full, gradient: &g)
        #expect(abs(g[0]) < 1e-12 && abs(g[1]) < 1e-12)
    }

    @Test func krylovSaddleFreeStepEqualsTheDenseOneWhenTheSpaceIsWhole() {
        // n = 80 is above the dense limit, so the step uses m = 80 Lanczos steps from g.
        let n = 80
        let a = AnalysisEigenTests.randomSymmetric(n, seed: 21)
        let f = QuadraticObjective(a: a, b: [Double](repeating: 0, count: n))
        var rng = SeededRandom(seed: 3)
        let start = (0..<n).map { _ in rng.nextGaussian() }
        let theta = step(SaddleFreeNewton(objective: f, damping: 0.1, krylovDimension: n), f, from: start, lr: 0.5)
        let g = a.multiply(start), eigen = SymmetricEigen(a)
        var expected = start
        for (lambda, v) in zip(eigen.eigenvalues, eigen.eigenvectors) {
            let c = zip(v, g).reduce(0.0) { $0 + $1.0 * $1.1 } / (abs(lambda) + 0.1)
            for i in 0..<n { expected[i] -= 0.5 * c * v[i] }
        }
        #expect(FiniteDifference.relativeError(theta, expected) < 1e-8)
    }

    @Test func negativeCurvatureStepLeavesTheExactSaddleAlongTheDiagonal() {
        // (1 − w₁w₂)² at the origin: g = 0, λmin = −2 with u = (1, 1)/√2; a step of 0.5 along it.
        let theta = step(NegativeCurvatureDescent(objective: SaddleObjective()), SaddleObjective(), from: [0, 0], lr: 0.1)
        let r = 0.5 / 2.0.squareRoot()
        #expect(abs(theta[0] - r) < 1e-15 && abs(theta[1] - r) < 1e-15)
    }

    @Test func negativeCurvatureDescentIsGradientDescentWhereTheGradientIsLarge() {
        let theta = step(NegativeCurvatureDescent(objective: SaddleObjective()), SaddleObjective(), from: [1, 2], lr: 0.1)
        // g = (−2r·w₂, −2r·w₁) with r = 1 − 2 = −1: (4, 2).
        let expected: [Double] = [1 - 0.1 * 4, 2 - 0.1 * 2]
        #expect(theta == expected)
    }

    @Test func fromNearTheSaddleNewtonConvergesToItAndSaddleFreeNewtonEscapes() {
        let newton = run(.newton(lr: 1, damping: 0, krylovDimension: 30), SaddleObjective(), from: [0.01, 0.02], steps: 20)
        let free = run(.saddleFreeNewton(lr: 1, damping: 1e-3, krylovDimension: 30), SaddleObjective(), from: [0.01, 0.02], steps: 20)
        #expect(abs(newton.finalLoss - 1) < 1e-12, "newton \(newton.finalLoss)")
        #expect(free.finalLoss < 1e-12, "saddle-free \(free.finalLoss)")
    }
}
