/// The MLP's `Double` pass with a batch's samples split over four SIMD lanes: samples 4g … 4g + 3 of the batch
/// run forward and backward together, one per lane, and each lane keeps its own partial sums of the loss and
/// the gradient. Used only when a caller asks for it (`BatchSplit.lanes`); every experiment uses `MLPFusedPass`.
///
/// The split is a rule of the batch alone: lane j sums the samples at batch positions j, j + 4, j + 8, … in
/// that order, and at the end each sum is (lane 0 + lane 1) + (lane 2 + lane 3). So the bits depend on the
/// batch (its rows and their order), never on threads or timing. They differ from the in-order pass's by the
/// summation order only: each sample's forward values, output delta and per-sample gradient terms are the same
/// operations as in `MLPFusedPass` (aₒ = bₒ + Σᵢ Wₒᵢhᵢ over i in order, ∂L/∂hᵢ = Σₒ δₒWₒᵢ over o in order,
/// `LaneTanh`, whose lanes and one-value calls agree), only across samples instead of across units.
///
/// A last group with fewer than four samples fills its idle lanes with the group's last sample and gives them
/// a zero output delta and no loss, so they add zeros.
///
/// Scratch memory (one lane group's activations and deltas, and the four lanes' gradient sums: 32 bytes per
/// parameter) comes from `withUnsafeTemporaryAllocation`.
struct MLPSampleLanePass {
    let architecture: MLPArchitecture

    /// Whether this pass computes `architecture`'s loss (the networks `MLPFusedPass` handles).
    static func handles(_ architecture: MLPArchitecture) -> Bool { MLPFusedPass.handles(architecture) }

    /// Mean loss over `rows` and the number classified correctly; when `gradient` is not empty (it must then
    /// hold `parameterCount` zeros), adds ∂L/∂θ into it.
    func run(theta: [Double], data: ModelData, rows: SampleRows, gradient: inout [Double]) -> (loss: Double, correct: Int) {
        typealias Lanes = SIMD4<Double>
        let layers = architecture.layers
        let widths = architecture.layerSizes
        let activationTotal = widths.reduce(0, +)
        let widest = widths.max() ?? 0
        let parameters = architecture.parameterCount
        let withGradient = !gradient.isEmpty
        let scale = rows.count > 0 ? 1 / Double(rows.count) : 0
        let tanh = architecture.activation == .tanh
        let loss = architecture.loss
        // Activations of every layer, two delta rows, and (with a gradient) the lanes' gradient sums.
        let scratchCount = activationTotal + 2 * widest + (withGradient ? parameters : 0)
        return withUnsafeTemporaryAllocation(of: Lanes.self, capacity: scratchCount) { scratch in
            guard let activations = scratch.baseAddress else { return (0, 0) }
            let delta = activations + activationTotal, below = delta + widest, laneGradient = below + widest
            if withGradient { laneGradient.initialize(repeating: Lanes(repeating: 0), count: parameters) }
            return theta.withUnsafeBufferPointer { thetaBuffer in
                data.features.withUnsafeBufferPointer { featureBuffer in
                    guard let w = thetaBuffer.baseAddress, let x = featureBuffer.baseAddress else { return (0, 0) }
                    var total = Lanes(repeating: 0), correct = 0
                    let d = widths[0]
                    var first = 0
                    while first < rows.count {
                        let active = min(4, rows.count - first)
                        // Idle lanes repeat the group's last sample: real data, so every value stays finite.
                        let r = (rows[first], rows[first + min(1, active - 1)], rows[first + min(2, active - 1)],
                                 rows[first + active - 1])
                        for j in 0..<d { activations[j] = Lanes(x[r.0 * d + j], x[r.1 * d + j], x[r.2 * d + j], x[r.3 * d + j]) }
                        var offset = 0
                        for (l, layer) in layers.enumerated() {
                            Self.affine(layer, weights: w, input: activations + offset, output: activations + offset + layer.inputs,
                                        hidden: l < layers.count - 1, tanh: tanh)
                            offset += layer.inputs
                        }
                        let z = activations[offset]
                        let y = Lanes(data.targets[r.0], data.targets[r.1], data.targets[r.2], data.targets[r.3])
                        var outputDelta = Lanes(repeating: 0)
                        switch loss {
                        case .meanSquaredError:
                            let residual = z - y
                            var term = residual * residual
                            outputDelta = 2 * residual * scale
                            for j in active..<4 { term[j] = 0; outputDelta[j] = 0 }
                            total += term
                        default:
                            var term = Lanes(repeating: 0)
                            for j in 0..<active {
                                term[j] = StableMath.softplus(z[j]) - y[j] * z[j]
                                if (z[j] > 0) == (y[j] >= 0.5) { correct += 1 }
                                outputDelta[j] = (StableMath.sigmoid(z[j]) - y[j]) * scale
                            }
                            total += term
                        }
                        first += 4
                        guard withGradient else { continue }
                        delta[0] = outputDelta
                        for l in layers.indices.reversed() {
                            let layer = layers[l]
                            offset -= layer.inputs
                            Self.backward(layer, weights: w, gradient: laneGradient, input: activations + offset, delta: delta,
                                          below: l > 0 ? below : nil, tanh: tanh)
                            if l > 0 { delta.update(from: below, count: layer.inputs) }
                        }
                    }
                    if withGradient {
                        gradient.withUnsafeMutableBufferPointer { g in
                            for p in 0..<parameters { g[p] += Self.combined(laneGradient[p]) }
                        }
                    }
                    return (Self.combined(total) * scale, correct)
                }
            }
        }
    }

    /// The lanes' sums combined in the fixed order (lane 0 + lane 1) + (lane 2 + lane 3).
    @inline(__always)
    static func combined(_ s: SIMD4<Double>) -> Double { (s[0] + s[1]) + (s[2] + s[3]) }

    /// output = W·input + b, then the activation for hidden layers; each unit for the four samples at once.
    @inline(__always)
    private static func affine(_ layer: MLPLayer, weights w: UnsafePointer<Double>, input: UnsafePointer<SIMD4<Double>>,
                               output: UnsafeMutablePointer<SIMD4<Double>>, hidden: Bool, tanh: Bool) {
        let n = layer.outputs, m = layer.inputs
        for o in 0..<n {
            let row = w + layer.weights + o * m
            var s = SIMD4(repeating: w[layer.bias + o])
            for i in 0..<m { s += SIMD4(repeating: row[i]) * input[i] }
            if hidden {
                s = tanh ? LaneTanh.lanes(s) : s.replacing(with: 0, where: .!(s .> 0))
            }
            output[o] = s
        }
    }

    /// Adds δₒ to each lane's ∂L/∂bₒ and δₒ·inputᵢ to its ∂L/∂Wₒᵢ; when `below` is given, writes ∂L/∂a of the
    /// layer below: (Σₒ δₒWₒᵢ)·act′, with act′ from the activation hᵢ = inputᵢ.
    @inline(__always)
    private static func backward(_ layer: MLPLayer, weights w: UnsafePointer<Double>, gradient g: UnsafeMutablePointer<SIMD4<Double>>,
                                 input h: UnsafePointer<SIMD4<Double>>, delta: UnsafePointer<SIMD4<Double>>,
                                 below: UnsafeMutablePointer<SIMD4<Double>>?, tanh: Bool) {
        let n = layer.outputs, m = layer.inputs
        for o in 0..<n {
            let d = delta[o]
            g[layer.bias + o] += d
            let row = g + layer.weights + o * m
            for i in 0..<m { row[i] += d * h[i] }
        }
        guard let below else { return }
        for i in 0..<m {
            var s = SIMD4<Double>(repeating: 0)
            for o in 0..<n { s += delta[o] * SIMD4(repeating: w[layer.weights + o * m + i]) }
            let a = h[i]
            let slope = tanh ? SIMD4(repeating: 1) - a * a : SIMD4<Double>(repeating: 0).replacing(with: 1, where: a .> 0)
            below[i] = s * slope
        }
    }
}
