/// A compiled straight-line program: the nodes some outputs need, renumbered so that
/// instruction i writes register i and reads only earlier registers.
struct ExpressionProgram: Sendable {
    /// One instruction; `value` is the constant, the variable index, or a constant exponent.
    struct Instruction: Sendable {
        enum Code: UInt8, Sendable {
            case constant, variable, add, subtract, multiply, divide, negate, power, square, powerConstant
            case exp, log, sin, cos, tanh, sqrt
        }
        var code: Code
        var a: Int32
        var b: Int32
        var value: Double
    }

    private(set) var instructions: [Instruction] = []
    /// Registers holding the outputs, in the order they were asked for.
    private(set) var outputs: [Int32] = []

    /// Compiles the part of `graph` that `outputs` reach.
    init(_ graph: ExpressionGraph, outputs: [Int32]) {
        let n = graph.count
        let needed = graph.reachable(from: outputs, prefix: n)
        var register = [Int32](repeating: -1, count: n)
        for i in 0..<n where needed[i] {
            let node = graph.nodes[i]
            let a = node.lhs >= 0 ? register[Int(node.lhs)] : -1
            let b = node.rhs >= 0 ? register[Int(node.rhs)] : -1
            register[i] = Int32(instructions.count)
            instructions.append(Self.instruction(for: node, a: a, b: b, graph: graph))
        }
        self.outputs = outputs.map { register[Int($0)] }
    }

    private static func instruction(for node: ExpressionNode, a: Int32, b: Int32, graph: ExpressionGraph) -> Instruction {
        let code: Instruction.Code
        var value = 0.0
        switch node.op {
        case .constant: code = .constant; value = Double(bitPattern: node.payload)
        case .variable: code = .variable; value = Double(node.payload)
        case .add: code = .add
        case .subtract: code = .subtract
        case .multiply: code = .multiply
        case .divide: code = .divide
        case .negate: code = .negate
        case .power:
            if let c = graph.constantValue(node.rhs) {
                code = c == 2 ? .square : .powerConstant
                value = c
            } else {
                code = .power
            }
        case .exp: code = .exp
        case .log: code = .log
        case .sin: code = .sin
        case .cos: code = .cos
        case .tanh: code = .tanh
        case .sqrt: code = .sqrt
        }
        return Instruction(code: code, a: a, b: b, value: value)
    }

    /// Number of registers `run` needs.
    var registerCount: Int { instructions.count }

    /// Runs the program at `x`, filling `r` (at least `registerCount` long).
    func run(_ x: [Double], registers r: UnsafeMutableBufferPointer<Double>) {
        for (i, ins) in instructions.enumerated() {
            let a = Int(ins.a), b = Int(ins.b)
            let v: Double
            switch ins.code {
            case .constant: v = ins.value
            case .variable: v = x[Int(ins.value)]
            case .add: v = r[a] + r[b]
            case .subtract: v = r[a] - r[b]
            case .multiply: v = r[a] * r[b]
            case .divide: v = r[a] / r[b]
            case .negate: v = -r[a]
            case .square: v = r[a] * r[a]
            case .powerConstant: v = LibM.pow(r[a], ins.value)
            case .power: v = LibM.pow(r[a], r[b])
            case .exp: v = LibM.exp(r[a])
            case .log: v = LibM.log(r[a])
            case .sin: v = LibM.sin(r[a])
            case .cos: v = LibM.cos(r[a])
            case .tanh: v = LibM.tanh(r[a])
            case .sqrt: v = r[a].squareRoot()
            }
            r[i] = v
        }
    }

    /// Runs the program at `x` and hands the registers and output indices to `body`.
    func withResults<R>(at x: [Double], _ body: (UnsafeMutableBufferPointer<Double>, [Int32]) -> R) -> R {
        withUnsafeTemporaryAllocation(of: Double.self, capacity: max(1, registerCount)) { r in
            run(x, registers: r)
            return body(r, outputs)
        }
    }
}
