/// Operations of a formula node.
enum ExpressionOp: UInt8, Sendable {
    case constant, variable, add, subtract, multiply, divide, negate, power
    case exp, log, sin, cos, tanh, sqrt

    /// The one-argument functions a formula may call, by name.
    static let functions: [String: ExpressionOp] = [
        "exp": .exp, "log": .log, "sin": .sin, "cos": .cos, "tanh": .tanh, "sqrt": .sqrt,
    ]
}

/// One node: an operation, up to two operand ids, and a payload (constant bits or variable index).
struct ExpressionNode: Hashable, Sendable {
    var op: ExpressionOp
    var lhs: Int32 = -1
    var rhs: Int32 = -1
    var payload: UInt64 = 0
}

/// A hash-consed DAG of formula nodes, each appended after its operands (so index order is a
/// topological order). Constructors fold constants and the trivial identities 0 + x, 1·x, 0·x,
/// x/1, x^1, x^0, −(−x), so derivative trees stay small.
///
/// Folding 0·x to 0 assumes x is finite, the usual convention of symbolic differentiation.
struct ExpressionGraph: Sendable {
    private(set) var nodes: [ExpressionNode] = []
    private var ids: [ExpressionNode: Int32] = [:]

    /// Ids of the constants 0 and 1, made first.
    let zero: Int32 = 0, one: Int32 = 1

    init() {
        _ = intern(ExpressionNode(op: .constant, payload: (0.0).bitPattern))
        _ = intern(ExpressionNode(op: .constant, payload: (1.0).bitPattern))
    }

    var count: Int { nodes.count }

    subscript(id: Int32) -> ExpressionNode { nodes[Int(id)] }

    /// The value of a constant node, nil for anything else.
    func constantValue(_ id: Int32) -> Double? {
        let node = nodes[Int(id)]
        return node.op == .constant ? Double(bitPattern: node.payload) : nil
    }

    mutating func constant(_ value: Double) -> Int32 {
        // −0 and 0 differ in bits; keep one zero so the identities below recognise it.
        intern(ExpressionNode(op: .constant, payload: (value == 0 ? 0.0 : value).bitPattern))
    }

    mutating func variable(_ index: Int) -> Int32 {
        intern(ExpressionNode(op: .variable, payload: UInt64(index)))
    }

    mutating func add(_ a: Int32, _ b: Int32) -> Int32 {
        if a == zero { return b }
        if b == zero { return a }
        if let x = constantValue(a), let y = constantValue(b) { return constant(x + y) }
        return intern(ExpressionNode(op: .add, lhs: min(a, b), rhs: max(a, b)))
    }

    mutating func subtract(_ a: Int32, _ b: Int32) -> Int32 {
        if b == zero { return a }
        if a == zero { return negate(b) }
        if a == b { return zero }
        if let x = constantValue(a), let y = constantValue(b) { return constant(x - y) }
        return intern(ExpressionNode(op: .subtract, lhs: a, rhs: b))
    }

    mutating func multiply(_ a: Int32, _ b: Int32) -> Int32 {
        if a == zero || b == zero { return zero }
        if a == one { return b }
        if b == one { return a }
        if let x = constantValue(a), let y = constantValue(b) { return constant(x * y) }
        if constantValue(a) == -1 { return negate(b) }
        if constantValue(b) == -1 { return negate(a) }
        return intern(ExpressionNode(op: .multiply, lhs: min(a, b), rhs: max(a, b)))
    }

    mutating func divide(_ a: Int32, _ b: Int32) -> Int32 {
        if b == one { return a }
        if a == zero { return zero }
        if let x = constantValue(a), let y = constantValue(b) { return constant(x / y) }
        return intern(ExpressionNode(op: .divide, lhs: a, rhs: b))
    }

    mutating func negate(_ a: Int32) -> Int32 {
        if let x = constantValue(a) { return constant(-x) }
        let node = nodes[Int(a)]
        if node.op == .negate { return node.lhs }
        return intern(ExpressionNode(op: .negate, lhs: a))
    }

    mutating func power(_ a: Int32, _ b: Int32) -> Int32 {
        if b == one { return a }
        if b == zero { return one }
        if let x = constantValue(a), let y = constantValue(b) { return constant(LibM.pow(x, y)) }
        return intern(ExpressionNode(op: .power, lhs: a, rhs: b))
    }

    /// A one-argument function applied to `a` (folded when `a` is a constant).
    mutating func apply(_ op: ExpressionOp, _ a: Int32) -> Int32 {
        if let x = constantValue(a) { return constant(Self.evaluate(op, x)) }
        return intern(ExpressionNode(op: op, lhs: a))
    }

    /// The value of a one-argument function.
    static func evaluate(_ op: ExpressionOp, _ x: Double) -> Double {
        switch op {
        case .exp: LibM.exp(x)
        case .log: LibM.log(x)
        case .sin: LibM.sin(x)
        case .cos: LibM.cos(x)
        case .tanh: LibM.tanh(x)
        case .sqrt: x.squareRoot()
        case .negate: -x
        default: .nan
        }
    }

    /// Marks the nodes among the first `prefix` that some target reaches (targets included).
    func reachable(from targets: [Int32], prefix: Int) -> [Bool] {
        var reached = [Bool](repeating: false, count: prefix)
        for t in targets { reached[Int(t)] = true }
        for i in stride(from: prefix - 1, through: 0, by: -1) where reached[i] {
            let node = nodes[i]
            if node.lhs >= 0 { reached[Int(node.lhs)] = true }
            if node.rhs >= 0 { reached[Int(node.rhs)] = true }
        }
        return reached
    }

    private mutating func intern(_ node: ExpressionNode) -> Int32 {
        if let id = ids[node] { return id }
        let id = Int32(nodes.count)
        nodes.append(node)
        ids[node] = id
        return id
    }
}
