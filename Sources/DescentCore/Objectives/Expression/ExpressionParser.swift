/// Recursive-descent parser from formula text to nodes of an `ExpressionGraph`.
///
/// Grammar (spaces allowed between tokens; `×`, `÷`, `−` and `**` are accepted for `*`, `/`, `-`, `^`):
/// ```
/// sum     = product { ("+" | "-") product }
/// product = unary { ("*" | "/") unary }
/// unary   = ("-" | "+") unary | power
/// power   = primary [ "^" unary ]            (right-associative; -x^2 = -(x^2))
/// primary = number | variable | constant | function "(" sum ")" | "(" sum ")"
/// ```
/// Numbers are decimal with an optional exponent (`1e-3`). `pi` and `e` are constants unless
/// named as variables. Each parenthesis, call, sign and exponent counts one level of depth.
struct ExpressionParser {
    private let text: [Unicode.Scalar]
    private let variables: [String: Int]
    private let limits: ExpressionLimits
    private var position = 0
    private var depth = 0
    private var nodeCount = 0
    private(set) var graph = ExpressionGraph()

    init(_ expression: String, variables: [String: Int], limits: ExpressionLimits) {
        text = Array(expression.unicodeScalars)
        self.variables = variables
        self.limits = limits
    }

    /// Parses the whole text; returns the root node.
    mutating func parse() throws(ExpressionError) -> Int32 {
        if text.count > limits.maxLength {
            throw ExpressionError(position: limits.maxLength, reason: "expression longer than \(limits.maxLength) characters")
        }
        skipSpace()
        if position == text.count { throw ExpressionError(position: position, reason: "empty expression") }
        let root = try sum()
        skipSpace()
        if position < text.count { throw unexpected() }
        return root
    }

    private mutating func sum() throws(ExpressionError) -> Int32 {
        var lhs = try product()
        while true {
            skipSpace()
            guard let c = peek(), c == "+" || c == "-" || c == "−" else { return lhs }
            position += 1
            let rhs = try product()
            try count()
            lhs = c == "+" ? graph.add(lhs, rhs) : graph.subtract(lhs, rhs)
        }
    }

    private mutating func product() throws(ExpressionError) -> Int32 {
        var lhs = try unary()
        while true {
            skipSpace()
            guard let c = peek(), c == "*" || c == "×" || c == "/" || c == "÷", !isDoubleStar() else { return lhs }
            position += 1
            let rhs = try unary()
            try count()
            lhs = (c == "*" || c == "×") ? graph.multiply(lhs, rhs) : graph.divide(lhs, rhs)
        }
    }

    private mutating func unary() throws(ExpressionError) -> Int32 {
        skipSpace()
        guard let c = peek(), c == "-" || c == "−" || c == "+" else { return try power() }
        try enter()
        position += 1
        let operand = try unary()
        depth -= 1
        try count()
        return c == "+" ? operand : graph.negate(operand)
    }

    private mutating func power() throws(ExpressionError) -> Int32 {
        let base = try primary()
        skipSpace()
        if peek() == "^" {
            position += 1
        } else if isDoubleStar() {
            position += 2
        } else {
            return base
        }
        try enter()
        let exponent = try unary()
        depth -= 1
        try count()
        return graph.power(base, exponent)
    }

    private mutating func primary() throws(ExpressionError) -> Int32 {
        skipSpace()
        guard let c = peek() else { throw ExpressionError(position: position, reason: "unexpected end of expression") }
        try count()
        if c == "(" { return try parenthesized() }
        if Self.isDigit(c) || c == "." { return try number() }
        if Self.isIdentifierStart(c) { return try identifier() }
        throw unexpected()
    }

    private mutating func identifier() throws(ExpressionError) -> Int32 {
        let start = position
        while let c = peek(), Self.isIdentifierStart(c) || Self.isDigit(c) { position += 1 }
        let name = String(String.UnicodeScalarView(text[start..<position]))
        skipSpace()
        if peek() == "(" {
            guard let op = ExpressionOp.functions[name] else {
                throw ExpressionError(position: start, reason: "unknown function '\(name)'")
            }
            return graph.apply(op, try parenthesized())
        }
        if let index = variables[name] { return graph.variable(index) }
        if name == "pi" { return graph.constant(Double.pi) }
        if name == "e" { return graph.constant(2.718281828459045) }
        if ExpressionOp.functions[name] != nil {
            throw ExpressionError(position: position, reason: "expected '(' after '\(name)'")
        }
        throw ExpressionError(position: start, reason: "unknown variable '\(name)'")
    }

    private mutating func number() throws(ExpressionError) -> Int32 {
        let start = position
        var digits = 0
        while let c = peek(), Self.isDigit(c) { position += 1; digits += 1 }
        if peek() == "." {
            position += 1
            while let c = peek(), Self.isDigit(c) { position += 1; digits += 1 }
        }
        if digits == 0 { throw ExpressionError(position: start, reason: "malformed number") }
        if let c = peek(), c == "e" || c == "E" {
            let mark = position
            position += 1
            if let s = peek(), s == "+" || s == "-" { position += 1 }
            var exponentDigits = 0
            while let c = peek(), Self.isDigit(c) { position += 1; exponentDigits += 1 }
            if exponentDigits == 0 { throw ExpressionError(position: mark, reason: "exponent of number has no digits") }
        }
        let literal = String(String.UnicodeScalarView(text[start..<position]))
        guard let value = Double(literal), value.isFinite else {
            throw ExpressionError(position: start, reason: "number '\(literal)' is out of range")
        }
        return graph.constant(value)
    }

    /// "(" sum ")", starting at the "(".
    private mutating func parenthesized() throws(ExpressionError) -> Int32 {
        let open = position
        try enter()
        position += 1
        let inner = try sum()
        try close(open)
        depth -= 1
        return inner
    }

    private mutating func close(_ open: Int) throws(ExpressionError) {
        skipSpace()
        guard peek() == ")" else {
            if position == text.count {
                throw ExpressionError(position: position, reason: "expected ')' to close '(' at \(open)")
            }
            throw unexpected()
        }
        position += 1
    }

    private mutating func enter() throws(ExpressionError) {
        depth += 1
        if depth > limits.maxDepth {
            throw ExpressionError(position: position, reason: "expression nests deeper than \(limits.maxDepth)")
        }
    }

    private mutating func count() throws(ExpressionError) {
        nodeCount += 1
        if nodeCount > limits.maxNodes {
            throw ExpressionError(position: position, reason: "expression has more than \(limits.maxNodes) nodes")
        }
    }

    private func unexpected() -> ExpressionError {
        ExpressionError(position: position, reason: "unexpected '\(Character(text[position]))'")
    }

    private func peek() -> Unicode.Scalar? { position < text.count ? text[position] : nil }

    private func isDoubleStar() -> Bool {
        position + 1 < text.count && text[position] == "*" && text[position + 1] == "*"
    }

    private mutating func skipSpace() {
        while let c = peek(), c == " " || c == "\t" || c == "\n" || c == "\r" { position += 1 }
    }

    static func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }

    static func isIdentifierStart(_ c: Unicode.Scalar) -> Bool {
        c == "_" || (c.isASCII ? ((c >= "a" && c <= "z") || (c >= "A" && c <= "Z")) : c.properties.isAlphabetic)
    }
}
