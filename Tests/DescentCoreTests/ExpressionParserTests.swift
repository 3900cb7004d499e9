import DescentCore
import Testing

@Suite struct ExpressionParserTests {
    private func error(_ text: String, _ variables: [String] = ["x", "y"]) -> ExpressionError? {
        do {
            _ = try ExpressionObjective(expression: text, variables: variables)
            return nil
        } catch {
            return error
        }
    }

    private func value(_ text: String, at x: [Double], _ variables: [String] = ["x", "y"]) throws -> Double {
        try ExpressionObjective(expression: text, variables: variables).value(at: x, batch: .full)
    }

    @Test func extraClosingParenthesisIsReportedAtItsOffset() {
        #expect(error("(x+1))") == ExpressionError(position: 5, reason: "unexpected ')'"))
    }

    @Test func closingParenthesisWhereAnOperandBelongsIsReported() {
        #expect(error("x + )") == ExpressionError(position: 4, reason: "unexpected ')'"))
    }

    @Test func unknownFunctionIsReportedAtItsName() {
        #expect(error("1 + foo(x)") == ExpressionError(position: 4, reason: "unknown function 'foo'"))
    }

    @Test func unknownVariableIsReportedAtItsName() {
        #expect(error("x * z") == ExpressionError(position: 4, reason: "unknown variable 'z'"))
    }

    @Test func nestingDeeperThanSixtyFourIsRejectedAtTheSixtyFifthParenthesis() {
        let deep = String(repeating: "(", count: 65) + "x" + String(repeating: ")", count: 65)
        #expect(error(deep) == ExpressionError(position: 64, reason: "expression nests deeper than 64"))
    }

    @Test func nestingOfExactlySixtyFourIsAccepted() throws {
        let deep = String(repeating: "(", count: 64) + "x" + String(repeating: ")", count: 64)
        #expect(try value(deep, at: [3, 0]) == 3)
    }

    @Test func longChainsOfSignsHitTheDepthLimitInsteadOfTheStack() {
        #expect(error(String(repeating: "-", count: 3000) + "x")?.reason == "expression nests deeper than 64")
    }

    @Test func expressionLongerThanTheLimitIsRejected() {
        let long = Array(repeating: "x", count: 2100).joined(separator: "+")
        #expect(error(long) == ExpressionError(position: 4096, reason: "expression longer than 4096 characters"))
    }

    @Test func trailingOperatorReportsUnexpectedEnd() {
        #expect(error("x +") == ExpressionError(position: 3, reason: "unexpected end of expression"))
    }

    @Test func unclosedParenthesisIsReportedAtTheEnd() {
        #expect(error("(x + 1") == ExpressionError(position: 6, reason: "expected ')' to close '(' at 0"))
    }

    @Test func emptyExpressionIsRejected() {
        #expect(error("   ") == ExpressionError(position: 3, reason: "empty expression"))
    }

    @Test func implicitMultiplicationIsRejectedAtTheSecondFactor() {
        #expect(error("2x") == ExpressionError(position: 1, reason: "unexpected 'x'"))
    }

    @Test func numberWithoutExponentDigitsIsRejected() {
        #expect(error("1e+ x") == ExpressionError(position: 1, reason: "exponent of number has no digits"))
    }

    @Test func functionNameWithoutArgumentIsRejected() {
        #expect(error("sin + x") == ExpressionError(position: 4, reason: "expected '(' after 'sin'"))
    }

    @Test func duplicateVariableNamesAreRejected() {
        #expect(error("x", ["x", "x"])?.reason == "variable 'x' is listed twice")
    }

    @Test func tooManyVariablesAreRejectedBeforeAnyWork() {
        let names = (0..<1025).map { "v\($0)" }
        #expect(error("v0", names) == ExpressionError(position: 0, reason: "more than 1024 variables"))
    }

    @Test func derivativeGraphLimitStopsRunawayDifferentiation() {
        let limits = ExpressionLimits(maxDerivativeNodes: 50)
        #expect(throws: ExpressionError(position: 0, reason: "derivatives need more than 50 nodes")) {
            try ExpressionObjective(expression: "sin(x*y)*exp(x-y)*tanh(x+y)", variables: ["x", "y"], limits: limits)
        }
    }

    @Test func errorDescriptionNamesPositionAndReason() {
        #expect(error("(x+1))")?.description == "position 5: unexpected ')'")
    }

    @Test func precedenceAndAssociativityFollowMathematics() throws {
        #expect(try value("1 + 2 * 3 ^ 2", at: [0, 0]) == 19)
        #expect(try value("2 ^ 3 ^ 2", at: [0, 0]) == 512)
        #expect(try value("-x^2", at: [3, 0]) == -9)
        #expect(try value("8 / 4 / 2", at: [0, 0]) == 1)
        #expect(try value("x - y - 1", at: [5, 2]) == 2)
        #expect(try value("2^-1", at: [0, 0]) == 0.5)
    }

    @Test func numbersAcceptDecimalsAndExponents() throws {
        #expect(try value("1e-3 + .5 + 2.25E2", at: [0, 0]) == 0.001 + 0.5 + 225)
    }

    @Test func unicodeOperatorsAndDoubleStarAreAccepted() throws {
        #expect(try value("x × y − 6 ÷ 3 + x**2", at: [2, 5]) == 12)
    }

    @Test func functionsAndConstantsEvaluate() throws {
        let v = try value("exp(0) + log(e) + sin(pi/2) + cos(0) + tanh(0) + sqrt(16)", at: [0, 0])
        #expect(abs(v - 8) < 1e-15)
    }

    @Test func aVariableNamedEShadowsTheConstant() throws {
        #expect(try value("e + 1", at: [4], ["e"]) == 5)
    }

    @Test func malformedInputNeverCrashes() {
        let samples = ["", "(", ")", "^", "x^", "((", "1..2", ".", "e^", "x y", "sqrt()", "log(,)", "1e999", "x**", "--", "ä(x)", "\u{0}"]
        for s in samples {
            _ = error(s)
        }
        #expect(error("1e999") == ExpressionError(position: 0, reason: "number '1e999' is out of range"))
        #expect(error("sqrt()") == ExpressionError(position: 5, reason: "unexpected ')'"))
    }
}
