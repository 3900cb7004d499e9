/// Binary logistic regression: mean binary cross-entropy of σ(w·x + b) against targets in [0, 1].
///
/// Per sample the loss is −y log σ(z) − (1 − y) log(1 − σ(z)) = softplus(z) − y·z, evaluated as
/// max(z, 0) + log1p(e^−|z|) − y·z so it never overflows. Parameters are the d weights then the
/// bias. Gradient (1/B) Σ (σ(zᵢ) − yᵢ) x̃ᵢ; Hessian (1/N) X̃ᵀ D X̃ with D = diag(σ(zᵢ)(1 − σ(zᵢ)))
/// over all N training samples.
public struct LogisticRegressionObjective: Objective {
    /// Samples the loss is trained on; batches index into it.
    public let training: Dataset
    /// Held-out samples for `evaluate(split: .validation)`.
    public let validation: Dataset?

    /// A logistic-regression objective; targets are 0/1 labels (or probabilities).
    public init(training: Dataset, validation: Dataset? = nil) {
        self.training = training
        self.validation = validation
    }

    /// d + 1 (weights then bias).
    public var dimension: Int { training.featureCount + 1 }
    /// Number of training samples.
    public var sampleCount: Int { training.sampleCount }
    /// Not a layered model.
    public var layerSizes: [Int]? { nil }

    /// All zeros (the seed is unused).
    public func initialParameters(seed: UInt64) -> [Double] { [Double](repeating: 0, count: dimension) }

    /// Mean binary cross-entropy over `batch`.
    public func value(at theta: [Double], batch: Batch) -> Double {
        var noGradient: [Double] = []
        return crossEntropy(theta, training, SampleRows(batch, total: sampleCount), gradient: &noGradient).loss
    }

    /// Mean binary cross-entropy over `batch` and its exact gradient.
    public func valueAndGradient(at theta: [Double], batch: Batch, gradient: inout [Double]) -> Double {
        resetGradient(&gradient, count: dimension)
        return crossEntropy(theta, training, SampleRows(batch, total: sampleCount), gradient: &gradient).loss
    }

    /// (1/N) X̃ᵀ D X̃ over all training samples.
    public func hessian(at theta: [Double]) -> Matrix {
        AffineRows(training).weightedGram(rows: sampleCount) { curvature(theta, row: $0) }
    }

    /// (1/N) X̃ᵀ D (X̃v), without forming the Hessian.
    public func hessianVectorProduct(at theta: [Double], _ v: [Double]) -> [Double] {
        AffineRows(training).weightedGramProduct(rows: sampleCount, v) { curvature(theta, row: $0) }
    }

    /// σ(zᵢ)(1 − σ(zᵢ))/N for training row i.
    private func curvature(_ theta: [Double], row i: Int) -> Double {
        let p = StableMath.sigmoid(AffineRows(training).affine(theta, row: i, weights: 0, bias: training.featureCount))
        return p * (1 - p) / Double(sampleCount)
    }

    /// Mean cross-entropy and accuracy (class 1 when z > 0, target class 1 when y ≥ 0.5).
    public func evaluate(at theta: [Double], buffers: [Double], split: DataSplit) -> Evaluation? {
        guard let data = splitData(split, training: training, validation: validation) else { return nil }
        var noGradient: [Double] = []
        let result = crossEntropy(theta, data, SampleRows(.full, total: data.sampleCount), gradient: &noGradient)
        return Evaluation(loss: result.loss, accuracy: Double(result.correct) / Double(data.sampleCount))
    }

    /// Mean BCE over `rows` of `data` and the number of correct predictions; adds the gradient
    /// into `gradient` unless it is empty.
    private func crossEntropy(
        _ theta: [Double], _ data: Dataset, _ rows: SampleRows, gradient: inout [Double]
    ) -> (loss: Double, correct: Int) {
        guard rows.count > 0 else { return (0, 0) }
        let affine = AffineRows(data)
        let d = data.featureCount
        let scale = 1 / Double(rows.count)
        var loss = 0.0
        var correct = 0
        for k in 0..<rows.count {
            let i = rows[k]
            let z = affine.affine(theta, row: i, weights: 0, bias: d)
            let y = data.targets[i]
            loss += StableMath.softplus(z) - y * z
            if (z > 0) == (y >= 0.5) { correct += 1 }
            if !gradient.isEmpty {
                affine.accumulate((StableMath.sigmoid(z) - y) * scale, row: i, into: &gradient, weights: 0, bias: d)
            }
        }
        return (loss * scale, correct)
    }
}
