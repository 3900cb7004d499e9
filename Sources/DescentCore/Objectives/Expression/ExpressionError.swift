/// Why a formula could not be compiled: where (0-based offset in Unicode scalars) and what.
public struct ExpressionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 0-based offset of the offending character in the expression (Unicode scalars; ASCII characters).
    public let position: Int
    /// What is wrong there, e.g. "unexpected ')'" or "unknown function 'foo'".
    public let reason: String

    /// Creates an error at `position`.
    public init(position: Int, reason: String) {
        self.position = position
        self.reason = reason
    }

    /// "position 5: unexpected ')'".
    public var description: String { "position \(position): \(reason)" }
}

/// Size limits that keep compiling a user's formula cheap and the parser's recursion shallow.
public struct ExpressionLimits: Sendable, Equatable {
    /// Longest accepted expression, in characters (default 4096).
    public var maxLength: Int
    /// Deepest nesting of parentheses, function calls, signs and exponents (default 64).
    public var maxDepth: Int
    /// Most syntax nodes in the parsed formula (default 10,000).
    public var maxNodes: Int
    /// Most nodes in the shared graph of the formula, its gradient and its Hessian (default 1,000,000).
    public var maxDerivativeNodes: Int
    /// Most variables (default 1024; the Hessian has n(n+1)/2 distinct entries).
    public var maxVariables: Int

    /// Creates limits; every default is the documented one.
    public init(maxLength: Int = 4096, maxDepth: Int = 64, maxNodes: Int = 10_000, maxDerivativeNodes: Int = 1_000_000,
                maxVariables: Int = 1024) {
        self.maxLength = maxLength
        self.maxDepth = maxDepth
        self.maxNodes = maxNodes
        self.maxDerivativeNodes = maxDerivativeNodes
        self.maxVariables = maxVariables
    }
}
