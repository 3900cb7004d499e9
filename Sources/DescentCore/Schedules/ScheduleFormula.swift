/// A learning-rate factor λ(t) written as a formula in the step `t` (torch's `LambdaLR`: the rate
/// at step t is γ₀·λ(t)), in the grammar of `ExpressionParser`, e.g. `0.95^t` or `1/(1 + 0.01*t)`.
public struct ScheduleFormula: Sendable, Equatable {
    /// The formula as given.
    public let expression: String
    private let program: ExpressionProgram

    /// Parses `expression` with `t` as its only variable.
    /// - Throws: `ExpressionError` with the position and reason of the first problem.
    public init(_ expression: String, limits: ExpressionLimits = .init()) throws(ExpressionError) {
        var parser = ExpressionParser(expression, variables: ["t": 0], limits: limits)
        let root = try parser.parse()
        self.expression = expression
        program = ExpressionProgram(parser.graph, outputs: [root])
    }

    /// λ(t).
    public func factor(at t: Int) -> Double {
        program.withResults(at: [Double(t)]) { registers, outputs in registers[Int(outputs[0])] }
    }

    /// Two formulas are equal when their texts are (the program is a function of the text).
    public static func == (a: Self, b: Self) -> Bool { a.expression == b.expression }
}
