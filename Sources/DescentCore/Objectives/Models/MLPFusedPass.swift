/// The MLP's `Double` pass for networks without batch normalisation and with one output (mean squared error
/// or binary cross-entropy): forward and backward fused sample by sample, on SIMD lanes, with no allocation.
///
/// Without batch normalisation a sample's forward and backward pass need nothing from the other samples, so
/// each sample runs forward, then backward, and adds its share into the gradient before the next sample
/// starts. Every sum keeps the order of `MLPPass` (the generic pass the dual-number Hessians and batch norm
/// use), so both give the same bits:
/// - aₒ = bₒ + Σᵢ Wₒᵢhᵢ summed over i in order — four outputs per SIMD lane group, reading a transposed copy
///   of W so the lanes are adjacent; the hidden activation is applied to the four sums at once;
/// - the loss and every gradient entry summed over the samples in batch order (each sample adds its term);
/// - ∂L/∂hᵢ = Σₒ δₒWₒᵢ from zero over o in order, four inputs per lane group.
/// Widths that are not multiples of four finish with scalar code doing the same operations. tanh is
/// `LaneTanh`, whose lanes and one-value calls agree bit for bit.
///
/// Scratch memory (the transposed weights and one sample's activations and deltas) comes from
/// `withUnsafeTemporaryAllocation`, on the stack for networks of this size.
struct MLPFusedPass {
    let architecture: MLPArchitecture

    /// Whether this pass computes `architecture`'s loss (no batch norm, one output).
    static func handles(_ architecture: MLPArchitecture) -> Bool {
        architecture.batchNorm == nil && architecture.loss != .softmaxCrossEntropy
    }

    /// Mean loss over `rows` and the number classified correctly; when `gradient` is not empty (it must then
    /// hold `parameterCount` zeros), adds ∂L/∂θ into it.
    func run(theta: [Double], data: ModelData, rows: SampleRows, gradient: inout [Double]) -> (loss: Double, correct: Int) {
        let layers = architecture.layers
        let widths = architecture.layerSizes
        let activationTotal = widths.reduce(0, +)
        let widest = widths.max() ?? 0
        let parameters = architecture.parameterCount
        let withGradient = !gradient.isEmpty
        let scale = rows.count > 0 ? 1 / Double(rows.count) : 0
        let tanh = architecture.activation == .tanh
        let loss = architecture.loss
        // One block: transposed weights (as many as θ), activations of every layer, and two delta rows.
        let scratchCount = parameters + activationTotal + 2 * widest
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: scratchCount) { scratch in
            guard let base = scratch.baseAddress else { return (0, 0) }
            let transposed = base, activations = base + parameters
            let delta = activations + activationTotal, below = delta + widest
            return theta.withUnsafeBufferPointer { thetaBuffer in
                gradient.withUnsafeMutableBufferPointer { gradientBuffer in
                    data.features.withUnsafeBufferPointer { featureBuffer in
                        guard let w = thetaBuffer.baseAddress, let x = featureBuffer.baseAddress else { return (0, 0) }
                        let g = gradientBuffer.baseAddress
                        for layer in layers {
                            for o in 0..<layer.outputs {
                                for i in 0..<layer.inputs {
                                    transposed[layer.weights + i * layer.outputs + o] = w[layer.weights + o * layer.inputs + i]
                                }
                            }
                        }
                        var total = 0.0, correct = 0
                        let d = widths[0]
                        for k in 0..<rows.count {
                            let row = rows[k]
                            for j in 0..<d { activations[j] = x[row * d + j] }
                            // Forward: layer l reads its input at `offset` and writes after it.
                            var offset = 0
                            for (l, layer) in layers.enumerated() {
                                let hidden = l < layers.count - 1
                                Self.affine(layer, weights: w, transposed: transposed, input: activations + offset,
                                            output: activations + offset + layer.inputs, hidden: hidden, tanh: tanh)
                                offset += layer.inputs
                            }
                            let z = activations[offset], y = data.targets[row]
                            let outputDelta: Double
                            switch loss {
                            case .meanSquaredError:
                                let residual = z - y
                                total += residual * residual
                                outputDelta = 2 * residual * scale
                            default:
                                total += StableMath.softplus(z) - y * z
                                if (z > 0) == (y >= 0.5) { correct += 1 }
                                outputDelta = (StableMath.sigmoid(z) - y) * scale
                            }
                            guard withGradient, let g else { continue }
                            // Backward, last layer first; `delta` holds ∂L/∂a of the layer being processed.
                            delta[0] = outputDelta
                            for l in layers.indices.reversed() {
                                let layer = layers[l]
                                offset -= layer.inputs
                                Self.backward(layer, weights: w, gradient: g, input: activations + offset, delta: delta,
                                              below: l > 0 ? below : nil, tanh: tanh)
                                if l > 0 { delta.update(from: below, count: layer.inputs) }
                            }
                        }
                        return (total * scale, correct)
                    }
                }
            }
        }
    }

    /// output = W·input + b, then the activation for hidden layers; four outputs per lane group.
    @inline(__always)
    private static func affine(_ layer: MLPLayer, weights w: UnsafePointer<Double>, transposed: UnsafePointer<Double>,
                               input: UnsafePointer<Double>, output: UnsafeMutablePointer<Double>, hidden: Bool, tanh: Bool) {
        let n = layer.outputs, m = layer.inputs
        let wT = transposed + layer.weights, bias = w + layer.bias
        var o = 0
        while o + 4 <= n {
            var s = load(bias + o)
            for i in 0..<m { s += load(wT + i * n + o) * SIMD4(repeating: input[i]) }
            if hidden {
                s = tanh ? LaneTanh.lanes(s) : s.replacing(with: 0, where: .!(s .> 0))
            }
            store(s, output + o)
            o += 4
        }
        while o < n {
            var s = bias[o]
            for i in 0..<m { s += wT[i * n + o] * input[i] }
            if hidden { s = tanh ? LaneTanh.value(s) : (s > 0 ? s : 0) }
            output[o] = s
            o += 1
        }
    }

    /// Adds δₒ to ∂L/∂bₒ and δₒ·inputᵢ to ∂L/∂Wₒᵢ; when `below` is given, writes ∂L/∂a of the layer below:
    /// (Σₒ δₒWₒᵢ)·act′, with act′ from the activation hᵢ = inputᵢ.
    @inline(__always)
    private static func backward(_ layer: MLPLayer, weights w: UnsafePointer<Double>, gradient g: UnsafeMutablePointer<Double>,
                                 input h: UnsafePointer<Double>, delta: UnsafePointer<Double>,
                                 below: UnsafeMutablePointer<Double>?, tanh: Bool) {
        let n = layer.outputs, m = layer.inputs
        for o in 0..<n {
            let d = delta[o]
            g[layer.bias + o] += d
            let row = g + layer.weights + o * m
            let lanes = SIMD4(repeating: d)
            var i = 0
            while i + 4 <= m {
                store(load(row + i) + lanes * load(h + i), row + i)
                i += 4
            }
            while i < m {
                row[i] += d * h[i]
                i += 1
            }
        }
        guard let below else { return }
        var i = 0
        while i + 4 <= m {
            var s = SIMD4<Double>(repeating: 0)
            for o in 0..<n { s += SIMD4(repeating: delta[o]) * load(w + layer.weights + o * m + i) }
            let a = load(h + i)
            let slope = tanh ? SIMD4(repeating: 1) - a * a
                : SIMD4<Double>(repeating: 0).replacing(with: 1, where: a .> 0)
            store(s * slope, below + i)
            i += 4
        }
        while i < m {
            var s = 0.0
            for o in 0..<n { s += delta[o] * w[layer.weights + o * m + i] }
            let a = h[i]
            below[i] = s * (tanh ? 1 - a * a : (a > 0 ? 1 : 0))
            i += 1
        }
    }

    @inline(__always)
    private static func load(_ p: UnsafePointer<Double>) -> SIMD4<Double> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Double>.self)
    }

    @inline(__always)
    private static func store(_ v: SIMD4<Double>, _ p: UnsafeMutablePointer<Double>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD4<Double>.self)
    }
}
