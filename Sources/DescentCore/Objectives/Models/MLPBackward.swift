extension MLPPass {
    /// Mean output loss over the batch; when `computeDelta`, writes ∂L/∂z into `delta`.
    /// - Returns: the mean loss and the number of correct classifications.
    mutating func outputLoss(data: ModelData, rows: SampleRows, computeDelta: Bool) -> (loss: T, correct: Int) {
        let last = architecture.layers.count - 1
        let width = architecture.layers[last].outputs
        let out = blockOffset(last)
        let scale = T(constant: batchSize > 0 ? 1 / Double(batchSize) : 0)
        var loss = T(constant: 0)
        var correct = 0
        for b in 0..<batchSize {
            let i = rows[b]
            switch architecture.loss {
            case .meanSquaredError:
                let residual = affine[out + b] - T(constant: data.targets[i])
                loss += residual * residual
                if computeDelta { delta[b] = T(constant: 2) * residual * scale }
            case .binaryCrossEntropy:
                let z = affine[out + b], y = data.targets[i]
                loss += StableMath.softplus(z) - T(constant: y) * z
                if (z.primal > 0) == (y >= 0.5) { correct += 1 }
                if computeDelta { delta[b] = (StableMath.sigmoid(z) - T(constant: y)) * scale }
            case .softmaxCrossEntropy:
                let base = out + b * width, label = data.labels[i]
                let lse = StableMath.logSumExp(affine, offset: base, count: width, probabilities: &probabilities)
                loss += lse - affine[base + label]
                var best = 0
                for k in 1..<max(width, 1) where affine[base + k].primal > affine[base + best].primal { best = k }
                if best == label { correct += 1 }
                if computeDelta {
                    for k in 0..<width {
                        let p = probabilities[base + k]
                        delta[b * width + k] = (k == label ? p - T(constant: 1) : p) * scale
                    }
                }
            }
        }
        return (loss * scale, correct)
    }

    /// Back-propagates `delta` (∂L/∂z of the output layer) and adds ∂L/∂θ into `gradient`.
    mutating func backward(theta: [T], mode: NormalizationMode, gradient: inout [T]) {
        for l in architecture.layers.indices.reversed() {
            let layer = architecture.layers[l]
            let sourceOffset = l == 0 ? 0 : blockOffset(l - 1)
            // Moved out of `self` so the buffer pointers below are unique and check-free.
            var next: [T] = []
            swap(&next, &deltaNext)
            affineBackward(layer: layer, theta: theta, source: l == 0 ? input : activated, sourceOffset: sourceOffset,
                           delta: delta, gradient: &gradient, below: &next, propagate: l > 0)
            if l > 0 {
                // Through the activation of the layer below.
                let hidden = activated
                next.withUnsafeMutableBufferPointer { dh in
                    for k in 0..<(batchSize * layer.inputs) { dh[k] = dh[k] * activationSlope(hidden[sourceOffset + k]) }
                }
            }
            swap(&next, &deltaNext)
            guard l > 0 else { break }
            let below = architecture.layers[l - 1]
            if let gamma = below.gamma, let beta = below.beta {
                normalizationBackward(layer: l - 1, gamma: gamma, beta: beta, theta: theta, mode: mode, gradient: &gradient)
            }
            swap(&delta, &deltaNext)
        }
    }

    /// ∂L/∂W += δᵀh, ∂L/∂b += Σδ and, when `propagate`, ∂L/∂h = δW into `below`.
    private func affineBackward(
        layer: MLPLayer, theta: [T], source: [T], sourceOffset: Int, delta: [T],
        gradient: inout [T], below: inout [T], propagate: Bool
    ) {
        let n = layer.outputs, m = layer.inputs, count = batchSize
        theta.withUnsafeBufferPointer { w in
            source.withUnsafeBufferPointer { h in
                delta.withUnsafeBufferPointer { dz in
                    gradient.withUnsafeMutableBufferPointer { g in
                        for b in 0..<count {
                            let row = sourceOffset + b * m
                            for o in 0..<n {
                                let d = dz[b * n + o]
                                g[layer.bias + o] += d
                                let wo = layer.weights + o * m
                                for i in 0..<m { g[wo + i] += d * h[row + i] }
                            }
                        }
                    }
                    guard propagate else { return }
                    below.withUnsafeMutableBufferPointer { dh in
                        for k in 0..<(count * m) { dh[k] = T(constant: 0) }
                        for b in 0..<count {
                            for o in 0..<n {
                                let d = dz[b * n + o]
                                let wo = layer.weights + o * m
                                for i in 0..<m { dh[b * m + i] += d * w[wo + i] }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Turns ∂L/∂y in `deltaNext` into ∂L/∂a through y = γx̂ + β, adding ∂L/∂γ and ∂L/∂β.
    ///
    /// With batch statistics x̂ depends on the whole batch:
    /// ∂L/∂aᵦ = (1/B)(σ² + ε)^−½ (B·gᵦ − Σ g − x̂ᵦ Σ g·x̂) where g = ∂L/∂x̂ = γ·∂L/∂y;
    /// with running statistics ∂L/∂aᵦ = gᵦ (σ̄² + ε)^−½.
    private mutating func normalizationBackward(
        layer l: Int, gamma: Int, beta: Int, theta: [T], mode: NormalizationMode, gradient: inout [T]
    ) {
        let n = architecture.layers[l].outputs
        let out = blockOffset(l), f = featureOffset(l)
        let count = T(constant: Double(batchSize))
        for o in 0..<n {
            var sumDy = T(constant: 0), sumDyX = T(constant: 0)
            for b in 0..<batchSize {
                let dy = deltaNext[b * n + o]
                sumDy += dy
                sumDyX += dy * normalized[out + b * n + o]
            }
            gradient[gamma + o] += sumDyX
            gradient[beta + o] += sumDy
            let g = theta[gamma + o], inv = inverseStd[f + o]
            switch mode {
            case .batchStatistics:
                // Σ ∂L/∂x̂ = γ Σ dy and Σ ∂L/∂x̂·x̂ = γ Σ dy·x̂.
                let sumG = g * sumDy, sumGX = g * sumDyX
                for b in 0..<batchSize {
                    let k = b * n + o
                    let gx = g * deltaNext[k]
                    deltaNext[k] = inv * (count * gx - sumG - normalized[out + k] * sumGX) / count
                }
            case .runningStatistics:
                for b in 0..<batchSize {
                    let k = b * n + o
                    deltaNext[k] = g * deltaNext[k] * inv
                }
            }
        }
    }
}
