import DescentCore
import Testing

/// The targets on the 2-16-16-1 MLP (337 parameters), with the dense eigendecomposition as the check.
@Suite struct AnalysisSpectrumTests {
    /// A 2-16-16-1 tanh MLP on 40 two-moons samples, at a perturbed initialisation (an indefinite Hessian).
    static let mlp = MLPObjective(training: SyntheticDataset.twoMoons(samples: 40, noise: 0.1, seed: 3), hiddenLayers: [16, 16])
    static let point: [Double] = {
        var rng = SeededRandom(seed: 11)
        return mlp.initialParameters(seed: 5).map { $0 + 0.3 * rng.nextGaussian() }
    }()
    static let hessian = mlp.hessian(at: point)
    static let dense = SymmetricEigen(hessian)

    private static func multiply(_ v: [Double]) -> [Double] { mlp.hessianVectorProduct(at: point, v) }

    @Test func mlpHasThreeHundredThirtySevenParameters() {
        #expect(Self.mlp.dimension == 2 * 16 + 16 + 16 * 16 + 16 + 16 + 1)
    }

    @Test func lanczosTopFiveEqualDenseEigenvaluesToOneInTenBillion() {
        let lanczos = Lanczos.extremeEigenpairs(of: Self.mlp, at: Self.point, count: 5, end: .largest)
        let dense = Array(Self.dense.eigenvalues.suffix(5).reversed())
        let scale = max(1, abs(dense[0]))
        #expect(lanczos.converged)
        for i in 0..<5 { #expect(abs(lanczos.eigenvalues[i] - dense[i]) <= 1e-10 * scale, "λ\(i): \(lanczos.eigenvalues[i]) vs \(dense[i])") }
    }

    @Test func hutchinsonTraceIsWithinTwoStandardErrorsOfTheExactTrace() throws {
        let exact = (0..<Self.mlp.dimension).reduce(0.0) { $0 + Self.hessian[$1, $1] }
        let estimate = HessianTrace.hutchinson(dimension: Self.mlp.dimension, probes: 100, seed: 0, multiply: Self.multiply)
        let error = try #require(estimate.standardError)
        #expect(error > 0)
        #expect(abs(estimate.value - exact) <= 2 * error, "estimate \(estimate.value) ± \(error), exact \(exact)")
    }

    @Test func exactTraceFromProductsEqualsTheDenseDiagonal() {
        let diagonal = (0..<Self.mlp.dimension).reduce(0.0) { $0 + Self.hessian[$1, $1] }
        let trace = HessianTrace.exact(dimension: Self.mlp.dimension, multiply: Self.multiply)
        #expect(abs(trace.value - diagonal) <= 1e-12 * max(1, abs(diagonal)))
        #expect(trace.standardError == 0)
    }

    @Test func slqMomentsEqualTheProbesSpectralMeasureFromTheDenseEigendecomposition() {
        let n = Self.mlp.dimension
        let slq = SpectralDensity(dimension: n, count: 3, steps: 30, seed: 9, multiply: Self.multiply)
        // The same probes, unit length: μ_v = Σᵢ (qᵢᵀv)² δ(λᵢ), averaged over the probes.
        var rng = SeededRandom(seed: 9)
        var expected = [Double](repeating: 0, count: 4)
        for _ in 0..<3 {
            let v = HessianTrace.rademacherProbe(n, &rng).map { $0 / Double(n).squareRoot() }
            for (i, q) in Self.dense.eigenvectors.enumerated() {
                let c = zip(q, v).reduce(0.0) { $0 + $1.0 * $1.1 }
                for p in 1...4 { expected[p - 1] += c * c * pow(Self.dense.eigenvalues[i], p) / 3 }
            }
        }
        for p in 0..<4 { #expect(relative(slq.moments[p], expected[p]) <= 1e-6, "moment \(p + 1)") }
    }

    @Test func slqWithBasisProbesHasTheExactSpectrumsFirstFourMoments() {
        let n = Self.mlp.dimension
        let slq = SpectralDensity(dimension: n, probes: .basis, steps: 4, multiply: Self.multiply)
        for p in 1...4 {
            let exact = Self.dense.eigenvalues.reduce(0.0) { $0 + pow($1, p) } / Double(n)
            #expect(relative(slq.moments[p - 1], exact) <= 1e-6, "moment \(p): \(slq.moments[p - 1]) vs \(exact)")
        }
    }

    @Test func slqWeightsSumToOneAndTheDensityIntegratesToOne() {
        let slq = SpectralDensity(dimension: Self.mlp.dimension, count: 2, steps: 20, points: 400, multiply: Self.multiply)
        #expect(abs(slq.weights.reduce(0, +) - 1) < 1e-12)
        let h = slq.grid[1] - slq.grid[0]
        let integral = h * (slq.density.reduce(0, +) - 0.5 * (slq.density[0] + slq.density[slq.density.count - 1]))
        #expect(abs(integral - 1) < 1e-3)
    }

    @Test func hutchinsonIsExactOnADiagonalMatrix() {
        // zᵀDz = Σ dᵢzᵢ² = tr D for every ±1 vector z: no variance.
        let d: [Double] = [3, -1, 0.5, 7]
        let estimate = HessianTrace.hutchinson(dimension: 4, probes: 10, seed: 1) { v in zip(d, v).map { $0 * $1 } }
        #expect(estimate.value == 9.5)
        #expect(estimate.standardError == 0)
    }

    @Test func spectrumOfTheSaddleAtTheOriginIsPlusMinusTwo() {
        let report = analyzeSpectrum(SaddleObjective(), at: [0, 0], options: .init(k: 1))
        #expect(report.method == "dense")
        #expect(abs(report.topEigenvalues[0] - 2) < 1e-15 && abs(report.bottomEigenvalues[0] + 2) < 1e-15)
        #expect(report.trace.value == 0 && report.trace.method == "exact")
        #expect(report.negativeFraction == 0.5)
        #expect(abs((report.conditionNumber ?? 0) - 1) < 1e-15)
    }

    @Test func lanczosSpectrumOfTheMLPAgreesWithTheDenseOne() throws {
        let options = SpectrumOptions(k: 3, maxExactDimension: 0, density: .init(count: 2, steps: 20))
        let report = analyzeSpectrum(Self.mlp, at: Self.point, options: options)
        #expect(report.method == "lanczos" && report.converged)
        let scale = max(1, abs(Self.dense.eigenvalues.last ?? 0))
        for i in 0..<3 {
            #expect(abs(report.bottomEigenvalues[i] - Self.dense.eigenvalues[i]) <= 1e-10 * scale)
        }
        #expect(report.trace.method == "hutchinson" && report.trace.probes == 100)
        #expect(report.negativeFractionMethod == "slq")
        let fraction = try #require(report.negativeFraction)
        #expect(fraction > 0 && fraction < 1)
        #expect(report.conditionNumber == nil)  // indefinite: min|λ| lies inside the spectrum
    }

    @Test func aRestrictedModelHasTheBatchLoss() throws {
        let rows = [3, 17, 5, 30]
        let batch = try #require(BatchRestriction.restrict(Self.mlp, to: rows))
        let expected = Self.mlp.value(at: Self.point, batch: .indices(rows[...]))
        #expect(batch.value(at: Self.point, batch: .full) == expected)
        #expect(BatchRestriction.restrict(SaddleObjective(), to: [0]) == nil)
    }

    private func relative(_ a: Double, _ b: Double) -> Double { abs(a - b) / max(abs(b), 1e-300) }
    private func pow(_ x: Double, _ p: Int) -> Double { (0..<p).reduce(1.0) { r, _ in r * x } }
}
