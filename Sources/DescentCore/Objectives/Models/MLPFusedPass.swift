#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
internal import CLaneMath

/// The MLP's `Double` pass for networks without batch normalisation and with one output (mean squared error
/// or binary cross-entropy): eight samples per SIMD lane group, forward and backward fused chunk by chunk,
/// with no allocation.
///
/// Without batch normalisation a sample's forward and backward pass need nothing from the other samples, so
/// the samples can sit side by side in SIMD lanes: each lane does, for its sample, the operations `MLPPass`
/// (the generic pass the dual-number Hessians and batch norm use) does, in the same order, and every sum over
/// samples runs one sample after another in row order. So both passes give the same bits, for any widths.
/// The rows go through in chunks of `chunkSize` samples; the last chunk's missing lanes are zeros that no sum
/// reads. Per chunk:
/// - forward, layer by layer: aₒ = bₒ + Σᵢ Wₒᵢhᵢ summed over i in order, eight samples per lane group, then
///   the hidden activation over each unit's row of samples (one `LaneTanh.apply` call per row);
/// - the loss, one sample after another, and ∂L/∂z of each sample;
/// - backward, last layer first: ∂L/∂bₒ and ∂L/∂Wₒᵢ add the chunk's samples in row order onto what the earlier
///   chunks left, sixteen, eight or four consecutive i per lane group (reading a sample-major copy of the
///   layer's input written during the forward pass); then ∂L/∂hᵢ = (Σₒ δₒWₒᵢ from zero over o in order)·act′,
///   eight samples per lane group.
/// tanh is `LaneTanh`, whose lanes and one-value calls agree bit for bit.
///
/// On a CPU with AVX the three loops over samples (the affine forward step, the gradient's accumulation and the
/// backward step) run in CLaneMath's kernels (`MLPKernels.c`): the same operations in the same order on 256-bit
/// registers, where Swift compiles `SIMD8<Double>` for baseline x86-64 as four SSE2 halves. So the bits are the same
/// on either path (`MLPFusedPassTests` compares them).
///
/// Activations and deltas are stored unit-major (one row of `chunkSize` samples per unit), so a lane group is
/// eight adjacent values. Scratch memory comes from `withUnsafeTemporaryAllocation`, on the stack for networks
/// of this size.
struct MLPFusedPass {
    let architecture: MLPArchitecture
    /// Whether the loops run in the AVX kernels; false takes the Swift loops (the tests compare the two).
    var kernels = descent_lanes_avx_available() != 0

    /// The SIMD lane group: one sample per lane.
    private typealias Lanes = SIMD8<Double>
    /// Samples per lane group.
    private static let laneWidth = 8
    /// Samples per chunk (a multiple of `laneWidth`): one unit's row in the unit-major scratch.
    static let chunkSize = 32

    /// Whether this pass computes `architecture`'s loss (no batch norm, one output).
    static func handles(_ architecture: MLPArchitecture) -> Bool {
        architecture.batchNorm == nil && architecture.loss != .softmaxCrossEntropy
    }

    /// Mean loss over `rows` and the number classified correctly; when `gradient` is not empty (it must then
    /// hold `parameterCount` zeros), adds ∂L/∂θ into it.
    func run(theta: [Double], data: ModelData, rows: SampleRows, gradient: inout [Double]) -> (loss: Double, correct: Int) {
        let layers = architecture.layers
        let widths = architecture.layerSizes
        let withGradient = !gradient.isEmpty
        let scale = rows.count > 0 ? 1 / Double(rows.count) : 0
        let tanh = architecture.activation == .tanh
        let loss = architecture.loss
        let stride = Self.chunkSize
        // Unit-major activations of every layer, the input's included.
        let unitMajorCount = widths.reduce(0, +) * stride
        // Sample-major copies of every affine layer's input (all widths but the output's), for the gradient.
        let sampleMajorCount = withGradient ? (widths.reduce(0, +) - (widths.last ?? 0)) * stride : 0
        let deltaCount = (widths.max() ?? 0) * stride
        let scratchCount = unitMajorCount + sampleMajorCount + 2 * deltaCount
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: scratchCount) { scratch in
            guard let unitMajor = scratch.baseAddress else { return (0, 0) }
            let sampleMajor = unitMajor + unitMajorCount
            var delta = sampleMajor + sampleMajorCount, below = delta + deltaCount
            return theta.withUnsafeBufferPointer { thetaBuffer in
                gradient.withUnsafeMutableBufferPointer { gradientBuffer in
                    data.features.withUnsafeBufferPointer { featureBuffer in
                        data.targets.withUnsafeBufferPointer { targetBuffer in
                            guard let w = thetaBuffer.baseAddress, let x = featureBuffer.baseAddress,
                                  let targets = targetBuffer.baseAddress else { return (0, 0) }
                            let g = gradientBuffer.baseAddress
                            var total = 0.0, correct = 0
                            let d = widths[0]
                            var start = 0
                            while start < rows.count {
                                let count = min(stride, rows.count - start)
                                let groups = (count + Self.laneWidth - 1) / Self.laneWidth
                                // The chunk's inputs, unit-major (zeros past `count`) and sample-major.
                                for k in 0..<(groups * Self.laneWidth) {
                                    let source = k < count ? x + rows[start + k] * d : nil
                                    for j in 0..<d {
                                        let value = source?[j] ?? 0
                                        unitMajor[j * stride + k] = value
                                        if withGradient { sampleMajor[k * d + j] = value }
                                    }
                                }
                                // Forward: layer l reads unit-major rows at `offset` and writes after them.
                                var offset = 0
                                for (l, layer) in layers.enumerated() {
                                    let hidden = l < layers.count - 1
                                    let next = offset + layer.inputs * stride
                                    Self.forward(layer, weights: w, input: unitMajor + offset, output: unitMajor + next,
                                                 copy: withGradient && hidden ? sampleMajor + next : nil, groups: groups,
                                                 hidden: hidden, tanh: tanh, kernels: kernels)
                                    offset = next
                                }
                                // The loss, sample after sample; ∂L/∂z into `delta` (zeros past `count`).
                                let z = unitMajor + offset
                                for k in 0..<count {
                                    let y = targets[rows[start + k]]
                                    switch loss {
                                    case .meanSquaredError:
                                        let residual = z[k] - y
                                        total += residual * residual
                                        delta[k] = 2 * residual * scale
                                    default:
                                        let (softplus, sigmoid) = Self.softplusAndSigmoid(z[k])
                                        total += softplus - y * z[k]
                                        if (z[k] > 0) == (y >= 0.5) { correct += 1 }
                                        delta[k] = (sigmoid - y) * scale
                                    }
                                }
                                if let g, withGradient {
                                    for k in count..<(groups * Self.laneWidth) { delta[k] = 0 }
                                    // Backward, last layer first; `delta` holds ∂L/∂a of the layer being processed.
                                    for l in layers.indices.reversed() {
                                        let layer = layers[l]
                                        offset -= layer.inputs * stride
                                        Self.accumulate(layer, gradient: g, delta: delta, input: sampleMajor + offset,
                                                        count: count, kernels: kernels)
                                        guard l > 0 else { break }
                                        Self.propagate(layer, weights: w, delta: delta, activations: unitMajor + offset,
                                                       below: below, groups: groups, tanh: tanh, kernels: kernels)
                                        swap(&delta, &below)
                                    }
                                }
                                start += count
                            }
                            return (total * scale, correct)
                        }
                    }
                }
            }
        }
    }

    /// softplus(z) = log(1 + eᶻ) and σ(z) = 1/(1 + e⁻ᶻ) through one e^−|z|: `StableMath.softplus` and
    /// `StableMath.sigmoid` evaluate the same exponential on either side of 0, so the bits are theirs.
    @inline(__always)
    private static func softplusAndSigmoid(_ z: Double) -> (Double, Double) {
        let e = exp(-abs(z))
        if z >= 0 { return (z + log1p(e), 1 / (1 + e)) }
        return (log1p(e), e / (1 + e))
    }

    /// output = W·input + b, eight samples per lane group; then, for hidden layers, the activation over each
    /// output row (`LaneTanh.apply`, or ReLU) and, when `copy` is given, the outputs sample-major into it.
    @inline(__always)
    private static func forward(_ layer: MLPLayer, weights w: UnsafePointer<Double>, input: UnsafePointer<Double>,
                                output: UnsafeMutablePointer<Double>, copy: UnsafeMutablePointer<Double>?, groups: Int,
                                hidden: Bool, tanh: Bool, kernels: Bool) {
        let n = layer.outputs, m = layer.inputs
        if kernels {
            descent_mlp_affine_avx(w + layer.weights, w + layer.bias, input, output, n, m, groups, chunkSize)
        } else {
            affine(layer, weights: w, input: input, output: output, groups: groups)
        }
        guard hidden else { return }
        let used = groups * laneWidth
        for o in 0..<n {
            let values = output + o * chunkSize
            if tanh {
                LaneTanh.apply(to: values, count: used)
            } else {
                for group in 0..<groups {
                    let s = load(values + group * laneWidth)
                    store(s.replacing(with: 0, where: .!(s .> 0)), values + group * laneWidth)
                }
            }
            guard let copy else { continue }
            var target = copy + o
            for k in 0..<used {
                target.pointee = values[k]
                target += n
            }
        }
    }

    /// output = W·input + b, eight samples per lane group (the Swift loop of `descent_mlp_affine_avx`).
    @inline(__always)
    private static func affine(_ layer: MLPLayer, weights w: UnsafePointer<Double>, input: UnsafePointer<Double>,
                               output: UnsafeMutablePointer<Double>, groups: Int) {
        let n = layer.outputs, m = layer.inputs
        for group in 0..<groups {
            let lane = group * laneWidth
            var row = w + layer.weights
            for o in 0..<n {
                var s = Lanes(repeating: w[layer.bias + o])
                var source = input + lane
                for i in 0..<m {
                    s += Lanes(repeating: row[i]) * load(source)
                    source += chunkSize
                }
                store(s, output + o * chunkSize + lane)
                row += m
            }
        }
    }

    /// Adds, for the chunk's `count` samples in order, δₒ to ∂L/∂bₒ and δₒ·inputᵢ to ∂L/∂Wₒᵢ; `input` is
    /// sample-major.
    @inline(__always)
    private static func accumulate(_ layer: MLPLayer, gradient g: UnsafeMutablePointer<Double>,
                                   delta: UnsafePointer<Double>, input h: UnsafePointer<Double>, count: Int,
                                   kernels: Bool) {
        let n = layer.outputs, m = layer.inputs
        if kernels {
            descent_mlp_accumulate_avx(g + layer.weights, g + layer.bias, delta, h, n, m, count, chunkSize)
            return
        }
        for o in 0..<n {
            let d = delta + o * chunkSize
            var bias = g[layer.bias + o]
            for k in 0..<count { bias += d[k] }
            g[layer.bias + o] = bias
            let row = g + layer.weights + o * m
            var i = 0
            while i + 16 <= m {
                var low = load(row + i), high = load(row + i + 8)
                var sample = h + i
                for k in 0..<count {
                    let lanes = Lanes(repeating: d[k])
                    low += lanes * load(sample)
                    high += lanes * load(sample + 8)
                    sample += m
                }
                store(low, row + i)
                store(high, row + i + 8)
                i += 16
            }
            if i + 8 <= m {
                var sum = load(row + i)
                var sample = h + i
                for k in 0..<count {
                    sum += Lanes(repeating: d[k]) * load(sample)
                    sample += m
                }
                store(sum, row + i)
                i += 8
            }
            if i + 4 <= m {
                var sum = loadFour(row + i)
                var sample = h + i
                for k in 0..<count {
                    sum += SIMD4(repeating: d[k]) * loadFour(sample)
                    sample += m
                }
                storeFour(sum, row + i)
                i += 4
            }
            while i < m {
                var sum = row[i]
                var sample = h + i
                for k in 0..<count {
                    sum += d[k] * sample.pointee
                    sample += m
                }
                row[i] = sum
                i += 1
            }
        }
    }

    /// below = (Σₒ δₒWₒᵢ)·act′ for every input i, with act′ from the activation hᵢ = `activations`ᵢ; eight
    /// samples per lane group.
    @inline(__always)
    private static func propagate(_ layer: MLPLayer, weights w: UnsafePointer<Double>, delta: UnsafePointer<Double>,
                                  activations: UnsafePointer<Double>, below: UnsafeMutablePointer<Double>, groups: Int,
                                  tanh: Bool, kernels: Bool) {
        let n = layer.outputs, m = layer.inputs
        let weights = w + layer.weights
        if kernels {
            descent_mlp_propagate_avx(weights, delta, activations, below, n, m, groups, chunkSize, tanh ? 1 : 0)
            return
        }
        for group in 0..<groups {
            let lane = group * laneWidth
            for i in 0..<m {
                var s = Lanes(repeating: 0)
                var source = delta + lane, weight = weights + i
                for _ in 0..<n {
                    s += load(source) * Lanes(repeating: weight.pointee)
                    source += chunkSize
                    weight += m
                }
                let a = load(activations + i * chunkSize + lane)
                let slope = tanh ? Lanes(repeating: 1) - a * a : Lanes(repeating: 0).replacing(with: 1, where: a .> 0)
                store(s * slope, below + i * chunkSize + lane)
            }
        }
    }

    @inline(__always)
    private static func load(_ p: UnsafePointer<Double>) -> Lanes {
        UnsafeRawPointer(p).loadUnaligned(as: Lanes.self)
    }

    @inline(__always)
    private static func store(_ v: Lanes, _ p: UnsafeMutablePointer<Double>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: Lanes.self)
    }

    @inline(__always)
    private static func loadFour(_ p: UnsafePointer<Double>) -> SIMD4<Double> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Double>.self)
    }

    @inline(__always)
    private static func storeFour(_ v: SIMD4<Double>, _ p: UnsafeMutablePointer<Double>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD4<Double>.self)
    }
}
