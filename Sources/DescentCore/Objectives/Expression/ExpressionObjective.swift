/// A user's formula in named variables, with gradient and Hessian derived symbolically.
///
/// The formula is parsed once (see `ExpressionParser` for the grammar), differentiated into one
/// shared, simplified node graph, and compiled into three straight-line programs: the value,
/// the value with the gradient, and the upper triangle of the Hessian (mirrored, so it is
/// exactly symmetric).
public struct ExpressionObjective: ClosedFormObjective {
    /// The formula as given.
    public let expression: String
    /// The variable names; θᵢ is `variables[i]`.
    public let variables: [String]
    private let programs: Programs

    /// The three compiled programs behind one reference, so copying the objective is one retain.
    /// Immutable after init, hence `Sendable` without locks.
    private final class Programs: Sendable {
        let value: ExpressionProgram
        let gradient: ExpressionProgram
        let hessian: ExpressionProgram
        init(value: ExpressionProgram, gradient: ExpressionProgram, hessian: ExpressionProgram) {
            self.value = value; self.gradient = gradient; self.hessian = hessian
        }
    }

    /// Parses and differentiates `expression` in `variables`.
    ///
    /// - Throws: `ExpressionError` with the 0-based position and reason of the first problem:
    ///   bad syntax, an unknown function or variable, a limit exceeded, or a bad variable list
    ///   (reported at position 0).
    public init(expression: String, variables: [String], limits: ExpressionLimits = .init()) throws(ExpressionError) {
        if variables.count > limits.maxVariables {
            throw ExpressionError(position: 0, reason: "more than \(limits.maxVariables) variables")
        }
        var index: [String: Int] = [:]
        for (i, name) in variables.enumerated() {
            let scalars = Array(name.unicodeScalars)
            guard let first = scalars.first, ExpressionParser.isIdentifierStart(first),
                scalars.allSatisfy({ ExpressionParser.isIdentifierStart($0) || ExpressionParser.isDigit($0) })
            else { throw ExpressionError(position: 0, reason: "variable name '\(name)' is not an identifier") }
            if ExpressionOp.functions[name] != nil {
                throw ExpressionError(position: 0, reason: "variable name '\(name)' is a function name")
            }
            if index[name] != nil { throw ExpressionError(position: 0, reason: "variable '\(name)' is listed twice") }
            index[name] = i
        }
        var parser = ExpressionParser(expression, variables: index, limits: limits)
        let root = try parser.parse()
        var graph = parser.graph
        let n = variables.count

        var gradient: [Int32] = []
        for v in 0..<n {
            gradient.append(graph.derivatives(of: [root], withRespectTo: v)[0])
            try Self.check(graph, limits)
        }
        var upper: [Int32] = []
        for i in 0..<n {
            let row = graph.derivatives(of: Array(gradient[i...]), withRespectTo: i)
            upper.append(contentsOf: row)
            try Self.check(graph, limits)
        }
        self.expression = expression
        self.variables = variables
        programs = Programs(
            value: ExpressionProgram(graph, outputs: [root]),
            gradient: ExpressionProgram(graph, outputs: [root] + gradient),
            hessian: ExpressionProgram(graph, outputs: upper))
    }

    private static func check(_ graph: ExpressionGraph, _ limits: ExpressionLimits) throws(ExpressionError) {
        if graph.count > limits.maxDerivativeNodes {
            throw ExpressionError(position: 0, reason: "derivatives need more than \(limits.maxDerivativeNodes) nodes")
        }
    }

    /// Number of variables.
    public var dimension: Int { variables.count }

    /// The formula's value.
    public func value(at theta: [Double]) -> Double {
        programs.value.withResults(at: theta) { r, out in r[Int(out[0])] }
    }

    /// Value and symbolic gradient.
    public func valueAndGradient(at theta: [Double], gradient: inout [Double]) -> Double {
        programs.gradient.withResults(at: theta) { r, out in
            for i in 0..<dimension { gradient[i] = r[Int(out[i + 1])] }
            return r[Int(out[0])]
        }
    }

    /// Symbolic Hessian (upper triangle computed, lower mirrored).
    public func hessian(at theta: [Double]) -> Matrix {
        let n = dimension
        var h = Matrix(rows: n, columns: n)
        programs.hessian.withResults(at: theta) { r, out in
            var k = 0
            for i in 0..<n {
                for j in i..<n {
                    let v = r[Int(out[k])]
                    h[i, j] = v; h[j, i] = v
                    k += 1
                }
            }
        }
        return h
    }
}
