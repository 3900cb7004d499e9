import DescentCore
import Testing

@Suite struct AnalysisSurfaceTests {
    private func norm(_ v: ArraySlice<Double>) -> Double { v.reduce(0) { $0 + $1 * $1 }.squareRoot() }

    @Test func rectangleGridHoldsTheLossAtEachCoordinatePair() {
        let booth = BoothObjective()
        let g = LossSurface.rectangle(booth, xRange: -1...3, yRange: 0...4, resolution: 5)
        #expect(g.xs == [-1, 0, 1, 2, 3] && g.ys == [0, 1, 2, 3, 4])
        #expect(g.values.count == 5 && g.values.allSatisfy { $0.count == 5 })
        for j in 0..<5 { for i in 0..<5 { #expect(g.values[j][i] == booth.value(at: [g.xs[i], g.ys[j]], batch: .full)) } }
        #expect(g.values[3][2] == 0)  // the minimum (1, 3)
    }

    @Test func rectangleVariesTheChosenAxesAroundTheBase() {
        let q = QuadraticObjective(a: Matrix.identity(3), b: [0, 0, 0])
        let g = LossSurface.rectangle(q, xRange: 0...1, yRange: 0...2, resolution: 2, base: [0, 5, 0], axes: (0, 2))
        // L = ½(x² + 25 + y²).
        #expect(g.values == [[12.5, 13], [14.5, 15]])
    }

    @Test func singlePointResolutionSamplesTheMidpoint() {
        let g = LossSurface.rectangle(BoothObjective(), xRange: 0...2, yRange: 2...4, resolution: 1)
        #expect(g.xs == [1] && g.ys == [3] && g.values == [[0]])
    }

    @Test func directionsGridIsCenteredOnTheCenterPoint() {
        let saddle = SaddleObjective()
        let g = LossSurface.directions(saddle, center: [0, 0], d1: [1, 1], d2: [1, -1], range: -1...1, resolution: 3)
        #expect(g.values[1][1] == 1)
        // α = 1, β = 0 → θ = (1, 1): L = 0;  α = 0, β = 1 → θ = (1, −1): L = 4.
        #expect(g.values[1][2] == 0 && g.values[2][1] == 4)
    }

    @Test func randomDirectionDependsOnlyOnTheSeed() {
        let c: [Double] = [1, 2, 3, 4]
        #expect(LossSurface.randomDirection(center: c, layerSizes: nil, seed: 3) == LossSurface.randomDirection(center: c, layerSizes: nil, seed: 3))
        #expect(LossSurface.randomDirection(center: c, layerSizes: nil, seed: 3) != LossSurface.randomDirection(center: c, layerSizes: nil, seed: 4))
    }

    @Test func plainRandomDirectionHasTheCentersNorm() {
        let c: [Double] = [3, 4, 0]
        let d = LossSurface.randomDirection(center: c, layerSizes: nil, seed: 5)
        #expect(abs(norm(d[...]) - 5) < 1e-13)
    }

    @Test(arguments: [false, true])
    func filterNormalisedDirectionMatchesEachNeuronsWeightNormAndSkipsBiases(_ batchNorm: Bool) {
        // Layers 2→3→1: W₁ (3×2) b₁ (3) [γ₁ β₁ (3+3)] W₂ (1×3) b₂ (1).
        let hiddenExtra = batchNorm ? 6 : 0
        let count = 6 + 3 + hiddenExtra + 3 + 1
        let center = FiniteDifference.randomPoints(count: 1, dimension: count, scale: 2, seed: 6)[0]
        let d = LossSurface.randomDirection(center: center, layerSizes: [2, 3, 1], seed: 8)
        let rows = [0..<2, 2..<4, 4..<6, (9 + hiddenExtra)..<(12 + hiddenExtra)]
        for r in rows { #expect(abs(norm(d[r]) - norm(center[r])) < 1e-12) }
        let skipped = Array(6..<(9 + hiddenExtra)) + [count - 1]
        #expect(skipped.allSatisfy { d[$0] == 0 })
    }

    @Test(arguments: [false, true])
    func filterNormalisedDirectionFollowsTheMLPObjectivesOwnLayout(_ batchNorm: Bool) throws {
        let data = SyntheticDataset.twoMoons(samples: 16, noise: 0.1, seed: 1)
        let mlp = MLPObjective(training: data, hiddenLayers: [4, 3], activation: .tanh,
                               batchNorm: batchNorm ? BatchNormOptions() : nil)
        let sizes = try #require(mlp.layerSizes)
        let center = mlp.initialParameters(seed: 2)
        let d = LossSurface.randomDirection(center: center, layerSizes: sizes, seed: 3)
        #expect(d.count == mlp.dimension)
        // Walk the documented layout: per layer W (row-major), b, then γ, β for normalised hidden layers.
        var offset = 0
        for l in 0..<(sizes.count - 1) {
            let fanIn = sizes[l], fanOut = sizes[l + 1]
            for r in 0..<fanOut {
                let row = (offset + r * fanIn)..<(offset + (r + 1) * fanIn)
                #expect(abs(norm(d[row]) - norm(center[row])) < 1e-12)
            }
            offset += fanIn * fanOut
            let extra = fanOut + (batchNorm && l < sizes.count - 2 ? 2 * fanOut : 0)
            #expect(d[offset..<(offset + extra)].allSatisfy { $0 == 0 })
            offset += extra
        }
        #expect(offset == center.count)
        let grid = LossSurface.directions(mlp, center: center, d1: d, d2: d.map { -$0 }, range: -1...1, resolution: 3)
        #expect(grid.values[1][1] == mlp.value(at: center, batch: .full))
    }

    @Test func sharpnessIsTheLargestHessianEigenvalue() {
        #expect(abs(sharpness(QuadraticObjective.illConditioned(dimension: 5, kappa: 1000), at: [0, 0, 0, 0, 0]) - 1000) < 1e-9)
        #expect(abs(sharpness(SaddleObjective(), at: [0, 0]) - 2) < 1e-15)
    }

    @Test func sharpnessOfALargeObjectiveAgreesWithTheDenseSpectrum() {
        let objective = RosenbrockObjective(dimension: 80)
        let point = FiniteDifference.randomPoints(count: 1, dimension: 80, scale: 1, seed: 10)[0]
        let exact = SymmetricEigen(objective.hessian(at: point)).eigenvalues.last ?? 0
        #expect(abs(sharpness(objective, at: point) - exact) < 1e-8 * exact)
    }

    @Test func sharpnessAlongATrajectoryVisitsEveryKthPointAndTheLast() {
        let q = QuadraticObjective.illConditioned(dimension: 2, kappa: 10)
        let s = sharpnessAlong(q, params: [Double](repeating: 0, count: 14), dimension: 2, every: 3)
        #expect(s.map(\.index) == [0, 3, 6])
        #expect(s.allSatisfy { abs($0.sharpness - 10) < 1e-12 })
    }
}
