import DescentCore
import Testing

/// Landscapes checked against closed forms: lines on quadratics, the saddle's eigenvector plane, PCA of planar paths.
@Suite struct AnalysisLandscapeTests {
    private func close(_ a: Double, _ b: Double, _ tol: Double = 1e-12) -> Bool { abs(a - b) <= tol * max(1, abs(b)) }

    @Test func lineOnAQuadraticIsAnExactParabolaInAlpha() {
        // L = ½‖w‖², a = (1, 0), b = (0, 1): L(α) = ½((1 − α)² + α²).
        let q = QuadraticObjective(a: Matrix.identity(2), b: [0, 0])
        let p = Landscape.line(q, from: [1, 0], to: [0, 1], alphas: -0.5...1.5, points: 9)
        #expect(p.alphas.count == 9 && p.alphas.first == -0.5 && p.alphas.last == 1.5)
        for (alpha, value) in zip(p.alphas, p.values) {
            #expect(close(value, 0.5 * ((1 - alpha) * (1 - alpha) + alpha * alpha)))
        }
    }

    @Test func lineEndsAreTheLossesOfItsEndpoints() {
        let s = SaddleObjective()
        let p = Landscape.line(s, from: [0.5, 2], to: [1, 1], alphas: 0...1, points: 3)
        #expect(p.values[0] == s.value(at: [0.5, 2], batch: .full) && p.values[2] == 0)
    }

    @Test func saddleEigenvectorPlaneThroughTheOriginIsOneMinusHalfDifferenceOfSquaresSquared() {
        // u₁ = (1, −1)/√2 (λ = 2), u₂ = (1, 1)/√2 (λ = −2); w = a·u₁ + b·u₂ gives w₁w₂ = (b² − a²)/2,
        // so L = (1 − (b² − a²)/2)².
        let s = SaddleObjective()
        let (values, vectors) = Landscape.topEigenvectors(s, at: [0, 0])
        #expect(close(values[0], 2) && close(values[1], -2))
        let g = Landscape.plane(s, center: [0, 0], directions: vectors, xRange: -1...1, yRange: -2...2, resolution: 5)
        for (j, b) in g.ys.enumerated() {
            for (i, a) in g.xs.enumerated() {
                let expected = (1 - (b * b - a * a) / 2) * (1 - (b * b - a * a) / 2)
                #expect(close(g.values[j][i], expected))
            }
        }
    }

    @Test func coordinatePlaneOfAQuadraticMatchesItsDiagonal() {
        // L = ½(x² + 4y² + 9z²) around (1, 1, 1), directions e₀ and e₂.
        let q = QuadraticObjective(a: Matrix([[1, 0, 0], [0, 4, 0], [0, 0, 9]]), b: [0, 0, 0])
        let d = Landscape.coordinateDirections(dimension: 3, 0, 2)
        let g = Landscape.plane(q, center: [1, 1, 1], directions: d, xRange: -1...1, yRange: -1...1, resolution: 3)
        for (j, y) in g.ys.enumerated() { for (i, x) in g.xs.enumerated() {
            #expect(close(g.values[j][i], 0.5 * ((1 + x) * (1 + x) + 4 + 9 * (1 + y) * (1 + y))))
        } }
    }

    @Test func randomDirectionsAreSeededAndDistinct() {
        let q = QuadraticObjective(a: Matrix.identity(4), b: [0, 0, 0, 0])
        let a = Landscape.randomDirections(q, center: [1, 2, 3, 4], seed: 7)
        #expect(a == Landscape.randomDirections(q, center: [1, 2, 3, 4], seed: 7))
        #expect(a[0] != a[1] && a != Landscape.randomDirections(q, center: [1, 2, 3, 4], seed: 8))
        // Without layer sizes each direction has the centre's norm, √30.
        for d in a { #expect(close(d.reduce(0) { $0 + $1 * $1 }.squareRoot(), 30.0.squareRoot())) }
    }

    @Test func pcaOfAPlanarPathRecoversItsAxesAndCoordinates() {
        // θ(t) = (t, 0.1·t², 0) for t = −2…2: the centred path's covariance is diagonal (Σt³ = 0), so the
        // directions are ±e₀, ±e₁ with variances Σt² = 10 and 0.01·Σ(t² − 2)² = 0.14.
        let ts: [Double] = [-2, -1, 0, 1, 2]
        let path = ts.map { [$0, 0.1 * $0 * $0, 0] }
        let plane = Landscape.pcaPlane(path: path)
        #expect(plane.center == [2, 0.4, 0])
        #expect(close(abs(plane.directions[0][0]), 1, 1e-10) && close(abs(plane.directions[1][1]), 1, 1e-10))
        #expect(close(plane.explainedVariance[0], 10 / 10.14, 1e-10) && close(plane.explainedVariance[1], 0.14 / 10.14, 1e-10))
        for (k, t) in ts.enumerated() {
            #expect(close(abs(plane.xs[k]), abs(t - 2), 1e-10) && close(abs(plane.ys[k]), abs(0.1 * t * t - 0.4), 1e-10))
        }
        #expect(plane.xs.last == 0 && plane.ys.last == 0)
    }

    @Test func pcaOfAStraightPathCompletesTheSecondDirectionOrthogonally() {
        let path: [[Double]] = [[0, 0, 0], [1, 1, 0], [2, 2, 0]]
        let plane = Landscape.pcaPlane(path: path)
        #expect(plane.directions.count == 2 && close(plane.explainedVariance[0], 1) && plane.explainedVariance[1] == 0)
        let dot = zip(plane.directions[0], plane.directions[1]).reduce(0) { $0 + $1.0 * $1.1 }
        #expect(abs(dot) < 1e-15 && close(abs(plane.xs[0]), 8.0.squareRoot()) && plane.ys.allSatisfy { abs($0) < 1e-15 })
    }
}
