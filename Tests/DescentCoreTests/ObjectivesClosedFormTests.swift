import DescentCore
import Testing

@Suite struct ObjectivesClosedFormTests {
    @Test func saddleAtOriginHasValueOneZeroGradientAndAntiDiagonalHessian() {
        let saddle = SaddleObjective()
        var g: [Double] = []
        let value = saddle.valueAndGradient(at: [0, 0], batch: .full, gradient: &g)
        #expect(value == 1)
        #expect(g == [0, 0])
        #expect(saddle.hessian(at: [0, 0]).nested == [[0, -2], [-2, 0]])
    }

    @Test func saddleQuadraticFormAlongDiagonalIsMinusNormSquared() {
        // ½uᵀHu with H = [[0, −2], [−2, 0]] is −2u₁u₂, which is −‖u‖² for u ∥ (1, 1).
        let h = SaddleObjective().hessian(at: [0, 0])
        for t in [0.5, 1.0, 3.0] {
            let u = [t / 2.0.squareRoot(), t / 2.0.squareRoot()]
            let hu = h.multiply(u)
            let half = 0.5 * (u[0] * hu[0] + u[1] * hu[1])
            #expect(abs(half - -(u[0] * u[0] + u[1] * u[1])) < 1e-15 * max(1, t * t))
        }
    }

    @Test func illConditionedTwoDimensionalIsDiagOneKappa() {
        let q = QuadraticObjective.illConditioned(dimension: 2, kappa: 100)
        #expect(q.hessian(at: [0, 0]).nested == [[1, 0], [0, 100]])
        #expect(q.value(at: [1, 1], batch: .full) == 50.5)
    }

    @Test func illConditionedSpacesDiagonalGeometrically() {
        let d = QuadraticObjective.illConditioned(dimension: 3, kappa: 100).a
        #expect(d[0, 0] == 1)
        #expect(abs(d[1, 1] - 10) < 1e-13)
        #expect(abs(d[2, 2] - 100) < 1e-12)
    }

    @Test func quadraticSymmetrisesItsMatrix() {
        let q = QuadraticObjective(a: Matrix([[1, 4], [0, 1]]), b: [0, 0])
        #expect(q.hessian(at: [0, 0]).nested == [[1, 2], [2, 1]])
        // ½xᵀAx is unchanged by symmetrising: at (1, 1) it is ½(1 + 4 + 0 + 1) = 3.
        #expect(q.value(at: [1, 1], batch: .full) == 3)
    }

    @Test func rosenbrockMinimumIsZeroAtAAndASquared() {
        for a in [1.0, 1.5, -0.5] {
            let r = RosenbrockObjective(a: a, b: 100)
            var g: [Double] = []
            #expect(r.valueAndGradient(at: [a, a * a], batch: .full, gradient: &g) == 0)
            #expect(g == [0, 0])
        }
    }

    @Test func chainedRosenbrockIsZeroAtAllOnes() {
        let r = RosenbrockObjective(dimension: 6)
        #expect(r.value(at: [Double](repeating: 1, count: 6), batch: .full) == 0)
        #expect(r.value(at: [Double](repeating: 0, count: 6), batch: .full) == 5)
    }

    @Test func rastriginIsZeroAtOriginAndOneHundredTwentyOneAtTheCornerOfItsGrid() {
        let r = RastriginObjective(dimension: 2)
        #expect(r.value(at: [0, 0], batch: .full) == 0)
        // At integer points cos 2πx = 1, so L = Σ xᵢ²: 36 + 49 = 85.
        #expect(abs(r.value(at: [6, -7], batch: .full) - 85) < 1e-12)
    }

    @Test func bealeAndBoothAreZeroAtTheirMinima() {
        #expect(BealeObjective().value(at: [3, 0.5], batch: .full) == 0)
        #expect(BoothObjective().value(at: [1, 3], batch: .full) == 0)
    }
}
