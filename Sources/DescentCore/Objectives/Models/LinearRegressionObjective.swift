/// Least-squares linear regression: L(w, b) = (1/B) Σᵢ (w·xᵢ + b − yᵢ)² over a batch.
///
/// Parameters are the d weights followed by the bias. The Hessian does not depend on θ:
/// H = (2/N) X̃ᵀX̃ with X̃ = [X 1] over all N training samples.
public struct LinearRegressionObjective: Objective {
    /// Samples the loss is trained on; batches index into it.
    public let training: Dataset
    /// Held-out samples for `evaluate(split: .validation)`.
    public let validation: Dataset?

    /// A regression objective on `training` (targets are real numbers).
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

    /// Mean squared error over `batch`.
    public func value(at theta: [Double], batch: Batch) -> Double {
        var noGradient: [Double] = []
        return meanSquaredError(theta, training, SampleRows(batch, total: sampleCount), gradient: &noGradient)
    }

    /// Mean squared error over `batch` and its gradient (2/B) Σ rᵢ x̃ᵢ.
    public func valueAndGradient(at theta: [Double], batch: Batch, gradient: inout [Double]) -> Double {
        resetGradient(&gradient, count: dimension)
        return meanSquaredError(theta, training, SampleRows(batch, total: sampleCount), gradient: &gradient)
    }

    /// (2/N) X̃ᵀX̃ over all training samples.
    public func hessian(at theta: [Double]) -> Matrix {
        let scale = 2 / Double(max(sampleCount, 1))
        return AffineRows(training).weightedGram(rows: sampleCount) { _ in scale }
    }

    /// (2/N) X̃ᵀ(X̃v), without forming the Hessian.
    public func hessianVectorProduct(at theta: [Double], _ v: [Double]) -> [Double] {
        let scale = 2 / Double(max(sampleCount, 1))
        return AffineRows(training).weightedGramProduct(rows: sampleCount, v) { _ in scale }
    }

    /// Mean squared error on the split; no accuracy (regression).
    public func evaluate(at theta: [Double], buffers: [Double], split: DataSplit) -> Evaluation? {
        guard let data = splitData(split, training: training, validation: validation) else { return nil }
        var noGradient: [Double] = []
        return Evaluation(loss: meanSquaredError(theta, data, SampleRows(.full, total: data.sampleCount), gradient: &noGradient))
    }

    /// Mean squared error over `rows` of `data`; adds the gradient into `gradient` unless it is empty.
    private func meanSquaredError(_ theta: [Double], _ data: Dataset, _ rows: SampleRows, gradient: inout [Double]) -> Double {
        guard rows.count > 0 else { return 0 }
        let affine = AffineRows(data)
        let d = data.featureCount
        let scale = 1 / Double(rows.count)
        var loss = 0.0
        for k in 0..<rows.count {
            let i = rows[k]
            let residual = affine.affine(theta, row: i, weights: 0, bias: d) - data.targets[i]
            loss += residual * residual
            if !gradient.isEmpty { affine.accumulate(2 * residual * scale, row: i, into: &gradient, weights: 0, bias: d) }
        }
        return loss * scale
    }
}
