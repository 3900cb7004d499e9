import DescentCore
import Testing

@Suite struct ExpressionFuzzTests {
    /// Fragments inserted into formulas to damage them.
    private static let fragments = [
        "x", "y", "z", "1", "2.5", "1e-3", ".", "e", "pi", "+", "-", "*", "/", "^", "**", "(", ")", " ",
        "exp(", "log(", "sin(", "cos(", "tanh(", "sqrt(", "foo(", "−", "×", "÷", "1e", "ä", ",",
    ]

    @Test func mutatedFormulasEitherCompileOrFailWithAnInRangePosition() throws {
        var rng = SeededRandom(seed: 2024)
        var compiled = 0, rejected = 0
        for _ in 0..<2000 {
            var scalars = Array(randomFormula(&rng, depth: 4).unicodeScalars)
            if rng.nextInt(below: 3) > 0 {
                // Damage the formula: delete a character, or insert a random fragment.
                for _ in 0..<(1 + rng.nextInt(below: 3)) {
                    let at = rng.nextInt(below: scalars.count + 1)
                    if rng.nextInt(below: 2) == 0, at < scalars.count {
                        scalars.remove(at: at)
                    } else {
                        let fragment = Self.fragments[rng.nextInt(below: Self.fragments.count)]
                        scalars.insert(contentsOf: fragment.unicodeScalars, at: at)
                    }
                }
            }
            let text = String(String.UnicodeScalarView(scalars))
            do {
                let f = try ExpressionObjective(expression: text, variables: ["x", "y"])
                _ = f.hessian(at: [0.3, -0.7])
                compiled += 1
            } catch {
                #expect(error.position >= 0 && error.position <= scalars.count, "\(text): \(error)")
                #expect(!error.reason.isEmpty)
                rejected += 1
            }
        }
        // Both outcomes must actually be exercised for the test to mean anything.
        #expect(compiled > 300 && rejected > 300, "compiled \(compiled), rejected \(rejected)")
    }

    @Test func randomValidFormulasHaveGradientsMatchingFiniteDifferences() throws {
        var rng = SeededRandom(seed: 77)
        for _ in 0..<40 {
            let text = randomFormula(&rng, depth: 4)
            let f = try ExpressionObjective(expression: text, variables: ["x", "y"])
            let x = [0.3 + 0.4 * rng.nextDouble(), 0.3 + 0.4 * rng.nextDouble()]
            let exact = FiniteDifference.exactGradient(of: f, at: x)
            let numeric = FiniteDifference.gradient(of: f, at: x, step: 1e-4)
            #expect(FiniteDifference.relativeError(exact, numeric) < 1e-6, "\(text) at \(x)")
        }
    }

    /// A random smooth formula in x, y that stays finite for x, y in [0.3, 0.7].
    private func randomFormula(_ rng: inout SeededRandom, depth: Int) -> String {
        if depth == 0 || rng.nextInt(below: 4) == 0 {
            return ["x", "y", "0.5", "2"][rng.nextInt(below: 4)]
        }
        let a = randomFormula(&rng, depth: depth - 1), b = randomFormula(&rng, depth: depth - 1)
        switch rng.nextInt(below: 9) {
        case 0: return "(\(a) + \(b))"
        case 1: return "(\(a) - \(b))"
        case 2: return "(\(a) * \(b))"
        case 3: return "(\(a) / (1 + (\(b))^2))"
        case 4: return "sin(\(a))"
        case 5: return "tanh(\(a))"
        case 6: return "exp(\(a) / 8)"
        case 7: return "sqrt(1 + (\(a))^2)"
        default: return "log(2 + cos(\(a)))"
        }
    }
}
