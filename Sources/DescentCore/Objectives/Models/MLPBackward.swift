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
            let n = layer.outputs, m = layer.inputs
            let source = l == 0 ? input : activated
            let sourceOffset = l == 0 ? 0 : blockOffset(l - 1)
            for b in 0..<batchSize {
                for o in 0..<n {
                    let g = delta[b * n + o]
                    gradient[layer.bias + o] += g
                    let w = layer.weights + o * m, h = sourceOffset + b * m
                    for i in 0..<m { gradient[w + i] += g * source[h + i] }
                }
            }
            guard l > 0 else { break }
            // ∂L/∂h of the layer below, then through its activation (and batch norm).
            for k in 0..<(batchSize * m) { deltaNext[k] = T(constant: 0) }
            for b in 0..<batchSize {
                for o in 0..<n {
                    let g = delta[b * n + o]
                    let w = layer.weights + o * m
                    for i in 0..<m { deltaNext[b * m + i] += g * theta[w + i] }
                }
            }
            for b in 0..<batchSize {
                for i in 0..<m {
                    deltaNext[b * m + i] = deltaNext[b * m + i] * activationSlope(activated[sourceOffset + b * m + i])
                }
            }
            let below = architecture.layers[l - 1]
            if let gamma = below.gamma, let beta = below.beta {
                normalizationBackward(layer: l - 1, gamma: gamma, beta: beta, theta: theta, mode: mode, gradient: &gradient)
            }
            swap(&delta, &deltaNext)
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
