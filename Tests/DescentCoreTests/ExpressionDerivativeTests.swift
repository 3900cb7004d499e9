import DescentCore
import Testing

/// A formula with the box its random test points come from (kept where it is smooth and defined).
struct FormulaCase: Sendable, CustomTestStringConvertible {
    let formula: String
    let variables: [String]
    let low: Double
    let high: Double
    var testDescription: String { formula }

    static let all: [FormulaCase] = [
        .init(formula: "(1 - x*y)^2", variables: ["x", "y"], low: -2, high: 2),
        .init(formula: "exp(x*y) - y", variables: ["x", "y"], low: -1, high: 1),
        .init(formula: "log(x) * y^3", variables: ["x", "y"], low: 0.5, high: 3),
        .init(formula: "sin(x*y) + x", variables: ["x", "y"], low: -2, high: 2),
        .init(formula: "cos(x - 2*y) * x", variables: ["x", "y"], low: -2, high: 2),
        .init(formula: "tanh(x + y^2)", variables: ["x", "y"], low: -1.5, high: 1.5),
        .init(formula: "sqrt(x^2 + y^2 + 1)", variables: ["x", "y"], low: -2, high: 2),
        .init(formula: "x / (1 + y^2) - y / x", variables: ["x", "y"], low: 0.5, high: 2),
        .init(formula: "x^y", variables: ["x", "y"], low: 0.5, high: 2),
        .init(formula: "x^-3 + y^0.5", variables: ["x", "y"], low: 0.5, high: 2),
        .init(formula: "-(a^2 + b^2 + c^2) + a*b*c", variables: ["a", "b", "c"], low: -2, high: 2),
        .init(formula: "(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + (2.625 - x + x*y^3)^2", variables: ["x", "y"], low: -2, high: 2),
    ]
}

@Suite struct ExpressionDerivativeTests {
    private func points(_ c: FormulaCase, seed: UInt64) -> [[Double]] {
        let mid = (c.low + c.high) / 2, half = (c.high - c.low) / 2
        return FiniteDifference.randomPoints(count: 5, dimension: c.variables.count, scale: half, seed: seed)
            .map { $0.map { mid + $0 } }
    }

    @Test(arguments: FormulaCase.all)
    func symbolicGradientMatchesFiniteDifferences(_ c: FormulaCase) throws {
        let f = try ExpressionObjective(expression: c.formula, variables: c.variables)
        for x in points(c, seed: 21) {
            let exact = FiniteDifference.exactGradient(of: f, at: x)
            #expect(FiniteDifference.relativeError(exact, FiniteDifference.gradient(of: f, at: x)) < 1e-6, "at \(x)")
        }
    }

    @Test(arguments: FormulaCase.all)
    func symbolicHessianMatchesFiniteDifferences(_ c: FormulaCase) throws {
        let f = try ExpressionObjective(expression: c.formula, variables: c.variables)
        for x in points(c, seed: 22) {
            let exact = f.hessian(at: x).nested
            #expect(FiniteDifference.relativeError(exact, FiniteDifference.hessian(of: f, at: x)) < 1e-6, "at \(x)")
        }
    }

    @Test func saddleFormulaMatchesTheBuiltInSaddleValuesAndOriginHessian() throws {
        let f = try ExpressionObjective(expression: "(1 - x*y)^2", variables: ["x", "y"])
        let s = SaddleObjective()
        for x in FiniteDifference.randomPoints(count: 5, dimension: 2, scale: 2, seed: 23) + [[0, 0]] {
            #expect(f.value(at: x, batch: .full) == s.value(at: x, batch: .full))
        }
        #expect(f.hessian(at: [0, 0]) == s.hessian(at: [0, 0]))
    }

    @Test func integerPowerDifferentiatesAsNTimesXToTheNMinusOne() throws {
        // d/dx x^3 = 3x², d²/dx² = 6x; exact at x = −2 even for a negative base.
        let f = try ExpressionObjective(expression: "x^3", variables: ["x"])
        #expect(FiniteDifference.exactGradient(of: f, at: [-2]) == [12])
        #expect(f.hessian(at: [-2]).nested == [[-12]])
    }

    @Test func unusedVariablesHaveZeroDerivatives() throws {
        let f = try ExpressionObjective(expression: "x^2", variables: ["x", "unused"])
        #expect(FiniteDifference.exactGradient(of: f, at: [3, 7]) == [6, 0])
        #expect(f.hessian(at: [3, 7]).nested == [[2, 0], [0, 0]])
    }

    @Test func hessianIsExactlySymmetric() throws {
        let f = try ExpressionObjective(expression: "sin(x*y^2) * exp(y - x) / (1 + x^2)", variables: ["x", "y"])
        let h = f.hessian(at: [0.3, -1.2])
        #expect(h[0, 1] == h[1, 0])
    }
}
