extension ExpressionGraph {
    /// Symbolic partial derivatives ∂tᵢ/∂x_v of the `targets`, as new nodes of this graph.
    ///
    /// Forward mode over the nodes in index (topological) order, visiting only nodes the targets
    /// reach and that depend on x_v; every other derivative is the constant 0. Iterative, so a
    /// long formula cannot overflow the stack. Rules: d(a/b) = (da − (a/b)·db)/b; a^c with a
    /// constant c gives c·a^(c−1)·da; a general a^b = exp(b·log a) gives a^b·(db·log a + b·da/a);
    /// d exp a = exp a·da, d log a = da/a, d sin a = cos a·da, d cos a = −sin a·da,
    /// d tanh a = (1 − tanh²a)·da, d √a = da/(2√a).
    mutating func derivatives(of targets: [Int32], withRespectTo v: Int) -> [Int32] {
        // Nodes after the last target cannot feed it.
        let n = Int(targets.max() ?? -1) + 1
        let needed = reachable(from: targets, prefix: n)
        var depends = [Bool](repeating: false, count: n)
        var d = [Int32](repeating: zero, count: n)
        for i in 0..<n where needed[i] {
            let node = nodes[i]
            switch node.op {
            case .constant: continue
            case .variable:
                depends[i] = node.payload == UInt64(v)
                if depends[i] { d[i] = one }
                continue
            default:
                depends[i] = (node.lhs >= 0 && depends[Int(node.lhs)]) || (node.rhs >= 0 && depends[Int(node.rhs)])
            }
            if depends[i] { d[i] = rule(Int32(i), node, d) }
        }
        return targets.map { d[Int($0)] }
    }

    private mutating func rule(_ f: Int32, _ node: ExpressionNode, _ d: [Int32]) -> Int32 {
        let a = node.lhs, b = node.rhs
        let da = d[Int(a)]
        let db = b >= 0 ? d[Int(b)] : zero
        switch node.op {
        case .add: return add(da, db)
        case .subtract: return subtract(da, db)
        case .negate: return negate(da)
        case .multiply: return add(multiply(da, b), multiply(a, db))
        case .divide: return divide(subtract(da, multiply(f, db)), b)
        case .power:
            if let c = constantValue(b) {
                return multiply(multiply(constant(c), power(a, constant(c - 1))), da)
            }
            let viaLog = multiply(db, apply(.log, a))
            let viaBase = divide(multiply(b, da), a)
            return multiply(f, add(viaLog, viaBase))
        case .exp: return multiply(f, da)
        case .log: return divide(da, a)
        case .sin: return multiply(apply(.cos, a), da)
        case .cos: return negate(multiply(apply(.sin, a), da))
        case .tanh: return multiply(subtract(one, multiply(f, f)), da)
        case .sqrt: return divide(da, multiply(constant(2), f))
        case .constant, .variable: return zero
        }
    }
}
