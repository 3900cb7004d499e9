import DescentCore
import Testing

/// A closed-form objective with the box its random test points are drawn from.
struct ObjectiveCase: Sendable, CustomTestStringConvertible {
    let name: String
    let objective: any Objective
    let scale: Double
    var testDescription: String { name }

    static let all: [ObjectiveCase] = [
        .init(name: "saddle", objective: SaddleObjective(), scale: 2),
        .init(name: "quadratic", objective: QuadraticObjective(a: Matrix([[3, 1, 0], [2, 4, -1], [0, 0, 2]]), b: [1, -2, 0.5]), scale: 3),
        .init(name: "ill_conditioned", objective: QuadraticObjective.illConditioned(dimension: 4, kappa: 100), scale: 3),
        .init(name: "rosenbrock", objective: RosenbrockObjective(), scale: 2),
        .init(name: "rosenbrock_chained", objective: RosenbrockObjective(a: 1.5, b: 50, dimension: 5), scale: 2),
        .init(name: "beale", objective: BealeObjective(), scale: 2),
        .init(name: "himmelblau", objective: HimmelblauObjective(), scale: 4),
        .init(name: "rastrigin", objective: RastriginObjective(dimension: 3), scale: 5),
        .init(name: "six_hump_camel", objective: SixHumpCamelObjective(), scale: 2),
        .init(name: "booth", objective: BoothObjective(), scale: 5),
    ]
}

/// Relative tolerance of every derivative check against finite differences.
private let derivativeTolerance = 1e-6

@Suite struct ObjectivesDerivativeTests {
    @Test(arguments: ObjectiveCase.all)
    func gradientMatchesCentralFiniteDifferences(_ c: ObjectiveCase) {
        for (k, x) in FiniteDifference.randomPoints(count: 5, dimension: c.objective.dimension, scale: c.scale, seed: 11).enumerated() {
            let exact = FiniteDifference.exactGradient(of: c.objective, at: x)
            let numeric = FiniteDifference.gradient(of: c.objective, at: x)
            #expect(FiniteDifference.relativeError(exact, numeric) < derivativeTolerance, "point \(k): \(x)")
        }
    }

    @Test(arguments: ObjectiveCase.all)
    func hessianMatchesCentralFiniteDifferences(_ c: ObjectiveCase) {
        for (k, x) in FiniteDifference.randomPoints(count: 5, dimension: c.objective.dimension, scale: c.scale, seed: 12).enumerated() {
            let exact = c.objective.hessian(at: x).nested
            let numeric = FiniteDifference.hessian(of: c.objective, at: x)
            #expect(FiniteDifference.relativeError(exact, numeric) < derivativeTolerance, "point \(k): \(x)")
        }
    }

    @Test(arguments: ObjectiveCase.all)
    func valueAndGradientReturnsTheSameValueAsValue(_ c: ObjectiveCase) {
        for x in FiniteDifference.randomPoints(count: 3, dimension: c.objective.dimension, scale: c.scale, seed: 13) {
            var g: [Double] = []
            let v = c.objective.valueAndGradient(at: x, batch: .full, gradient: &g)
            #expect(g.count == c.objective.dimension)
            #expect(abs(v - c.objective.value(at: x, batch: .full)) <= 1e-12 * max(1, abs(v)))
        }
    }

    @Test(arguments: ObjectiveCase.all)
    func hessianVectorProductEqualsHessianTimesVector(_ c: ObjectiveCase) {
        let n = c.objective.dimension
        let points = FiniteDifference.randomPoints(count: 2, dimension: n, scale: c.scale, seed: 14)
        let vectors = FiniteDifference.randomPoints(count: 2, dimension: n, scale: 1, seed: 15)
        for (x, v) in zip(points, vectors) {
            let dense = c.objective.hessian(at: x).multiply(v)
            let product = c.objective.hessianVectorProduct(at: x, v)
            #expect(FiniteDifference.relativeError(product, dense) < 1e-12)
        }
    }
}
