import Testing
@testable import DescentCore

private func data(_ x: [[Double]], _ y: [Double]) -> Dataset { Dataset(features: Matrix(x), targets: y, classCount: 0) }

@Suite struct DeepLinearObjectiveTests {
    /// A 3-layer, width-2 network on 2 features: 4 + 4 + 2 = 10 parameters.
    static let deep = DeepLinearObjective(training: data([[1, -0.5], [0.3, 2], [-1.2, 0.7], [0.4, 0.1], [2, -1]],
                                                         [0.5, -1, 2, 0.3, 1.1]), depth: 3, width: 2)

    @Test func lectureNetworkValueAndGradientByHand() {
        // ŷ = w1·w2·x on x = (1, 2), y = (2, 4) at (w1, w2) = (1, 3): residuals 1, 2, loss (1 + 4)/2 = 2.5;
        // G = (2/2)(1·1 + 2·2) = 5, so ∂L/∂w1 = w2·G = 15 and ∂L/∂w2 = w1·G = 5.
        let o = DeepLinearObjective(training: data([[1], [2]], [2, 4]), depth: 2, width: 1)
        #expect(o.dimension == 2 && o.layerSizes == [1, 1, 1])
        var g: [Double] = []
        #expect(o.valueAndGradient(at: [1, 3], batch: .full, gradient: &g) == 2.5)
        #expect(g == [15, 5])
        #expect(o.value(at: [1, 3], batch: .indices([1])) == 4)
    }

    @Test func depthOneIsLinearRegressionWithoutABias() {
        let one = DeepLinearObjective(training: Self.deep.training, depth: 1, width: 7)
        let linear = LinearRegressionObjective(training: Self.deep.training)
        #expect(one.dimension == 2)
        let w = [0.7, -0.2]
        #expect(abs(one.value(at: w, batch: .full) - linear.value(at: w + [0], batch: .full)) <= 1e-15)
    }

    @Test func gradientMatchesFiniteDifferences() {
        for theta in FiniteDifference.randomPoints(count: 3, dimension: Self.deep.dimension, scale: 1, seed: 7) {
            let exact = FiniteDifference.exactGradient(of: Self.deep, at: theta)
            #expect(FiniteDifference.relativeError(exact, FiniteDifference.gradient(of: Self.deep, at: theta)) <= 1e-6)
        }
    }

    @Test func hessianMatchesFiniteDifferencesOfTheGradientAndIsSymmetric() {
        let theta = FiniteDifference.randomPoints(count: 1, dimension: Self.deep.dimension, scale: 1, seed: 8)[0]
        let h = Self.deep.hessian(at: theta)
        #expect(FiniteDifference.relativeError(h.nested, FiniteDifference.hessian(of: Self.deep, at: theta)) <= 1e-6)
        let v = FiniteDifference.randomPoints(count: 1, dimension: Self.deep.dimension, scale: 1, seed: 9)[0]
        #expect(FiniteDifference.relativeError(Self.deep.hessianVectorProduct(at: theta, v), h.multiply(v)) <= 1e-12)
        for i in 0..<h.rows { for j in 0..<i { #expect(h[i, j] == h[j, i]) } }
    }

    @Test func originIsASaddleWithCurvaturePlusMinusTwiceTheCorrelation() {
        // depth 2, width 1, one feature: H(0) = [[0, −2·E[xy]], [−2·E[xy], 0]]; E[xy] = (2 + 8)/2 = 5.
        let o = DeepLinearObjective(training: data([[1], [2]], [2, 4]), depth: 2, width: 1)
        #expect(o.hessian(at: [0, 0]) == Matrix([[0, -10], [-10, 0]]))
        let eigenvalues = SymmetricEigen(o.hessian(at: [0, 0])).eigenvalues
        #expect(abs(eigenvalues[0] + 10) <= 1e-14 * 10 && abs(eigenvalues[1] - 10) <= 1e-14 * 10)
        var g: [Double] = []
        _ = o.valueAndGradient(at: [0, 0], batch: .indices([0]), gradient: &g)
        #expect(g == [0, 0])  // every batch's gradient vanishes at the origin
    }

    @Test func initialParametersAreSeededAndBoundedByTheFanIn() {
        let a = Self.deep.initialParameters(seed: 3), b = Self.deep.initialParameters(seed: 3)
        #expect(a == b && a != Self.deep.initialParameters(seed: 4) && a.count == 10)
        #expect(a.prefix(4).allSatisfy { abs($0) <= 1 / 2.0.squareRoot() })
    }

    @Test func classificationDatasetIsRefusedNamingTheDataset() throws {
        let spec = try ExperimentSpec(checking: SpecValue(parsingJSON: Array("""
            {"objective": {"type": "deep_linear"}, "dataset": {"type": "synthetic", "generator": "xor"},
             "optimizer": {"type": "sgd"}}
            """.utf8)))
        let error = #expect(throws: SpecError.self) { try spec.validated() }
        #expect(error?.field == "dataset" && error?.code == "invalid_value")
    }

    @Test func depthPastItsRangeIsOutOfRange() throws {
        let error = #expect(throws: SpecError.self) {
            try ExperimentSpec(checking: SpecValue(parsingJSON: Array("""
                {"objective": {"type": "deep_linear", "depth": 17}, "dataset": {"type": "synthetic", "generator": "linear"},
                 "optimizer": {"type": "sgd"}}
                """.utf8))).validated()
        }
        #expect(error?.field == "objective.depth" && error?.code == "out_of_range")
    }
}
