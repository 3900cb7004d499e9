/// Multinomial logistic (softmax) regression: mean cross-entropy of softmax(W x + b).
///
/// With K classes and d features the parameters are W (K×d, row-major) followed by b (K), so
/// n = K(d + 1). Per sample the loss is logΣₖe^{zₖ} − z_y (log-sum-exp shifted by max z).
/// Gradient w.r.t. the logits is p − e_y; the parameter Hessian is
/// (1/N) Σᵢ (diag pᵢ − pᵢpᵢᵀ) ⊗ x̃ᵢx̃ᵢᵀ over all N training samples, with x̃ = [x, 1].
public struct SoftmaxRegressionObjective: Objective {
    /// Samples the loss is trained on; batches index into it.
    public let training: Dataset
    /// Held-out samples for `evaluate(split: .validation)`.
    public let validation: Dataset?
    /// Number of classes K: the training set's `classCount`, or max label + 1 when that is
    /// below 2; at least 2.
    public let classCount: Int
    private let trainingLabels: [Int]
    private let validationLabels: [Int]

    /// A softmax-regression objective; targets are class indices 0..<K.
    public init(training: Dataset, validation: Dataset? = nil) {
        self.training = training
        self.validation = validation
        let largestLabel = training.targets.filter(\.isFinite).max().map { Int($0.rounded()) } ?? 0
        classCount = training.classCount >= 2 ? training.classCount : max(2, largestLabel + 1)
        trainingLabels = classLabels(training.targets, classes: classCount)
        validationLabels = classLabels(validation?.targets ?? [], classes: classCount)
    }

    /// K(d + 1): W row-major, then b.
    public var dimension: Int { classCount * (training.featureCount + 1) }
    /// Number of training samples.
    public var sampleCount: Int { training.sampleCount }
    /// Not a layered model.
    public var layerSizes: [Int]? { nil }

    /// All zeros (the seed is unused).
    public func initialParameters(seed: UInt64) -> [Double] { [Double](repeating: 0, count: dimension) }

    /// Mean cross-entropy over `batch`.
    public func value(at theta: [Double], batch: Batch) -> Double {
        var noGradient: [Double] = []
        return crossEntropy(theta, training, trainingLabels, SampleRows(batch, total: sampleCount), gradient: &noGradient).loss
    }

    /// Mean cross-entropy over `batch` and its exact gradient.
    public func valueAndGradient(at theta: [Double], batch: Batch, gradient: inout [Double]) -> Double {
        resetGradient(&gradient, count: dimension)
        return crossEntropy(theta, training, trainingLabels, SampleRows(batch, total: sampleCount), gradient: &gradient).loss
    }

    /// The exact Hessian over all training samples.
    public func hessian(at theta: [Double]) -> Matrix {
        let n = dimension, count = sampleCount, classes = classCount, width = training.featureCount + 1
        var h = Matrix(rows: n, columns: n)
        guard count > 0 else { return h }
        let rows = AffineRows(training)
        var p = [Double](repeating: 0, count: classes)
        var z = [Double](repeating: 0, count: classes)
        for i in 0..<count {
            probabilities(theta, rows, row: i, logits: &z, into: &p)
            for k in 0..<classes {
                for l in 0..<classes {
                    let curvature = ((k == l ? p[k] : 0) - p[k] * p[l]) / Double(count)
                    for j in 0..<width {
                        let xj = rows.extended(row: i, j) * curvature
                        let a = index(k, j)
                        for m in 0..<width { h[a, index(l, m)] += xj * rows.extended(row: i, m) }
                    }
                }
            }
        }
        return h
    }

    /// Exact H·v: per sample the logit change u = V x̃ is mapped through diag p − ppᵀ.
    public func hessianVectorProduct(at theta: [Double], _ v: [Double]) -> [Double] {
        let count = sampleCount, classes = classCount, width = training.featureCount + 1
        var out = [Double](repeating: 0, count: dimension)
        guard count > 0 else { return out }
        let rows = AffineRows(training)
        var p = [Double](repeating: 0, count: classes)
        var z = [Double](repeating: 0, count: classes)
        var u = [Double](repeating: 0, count: classes)
        for i in 0..<count {
            probabilities(theta, rows, row: i, logits: &z, into: &p)
            var mean = 0.0
            for k in 0..<classes {
                u[k] = rows.affine(v, row: i, weights: k * (width - 1), bias: classes * (width - 1) + k)
                mean += p[k] * u[k]
            }
            for k in 0..<classes {
                let s = p[k] * (u[k] - mean) / Double(count)
                rows.accumulate(s, row: i, into: &out, weights: k * (width - 1), bias: classes * (width - 1) + k)
            }
        }
        return out
    }

    /// Mean cross-entropy and accuracy (argmax of the logits) on the split.
    public func evaluate(at theta: [Double], buffers: [Double], split: DataSplit) -> Evaluation? {
        guard let data = splitData(split, training: training, validation: validation) else { return nil }
        let labels = split == .training ? trainingLabels : validationLabels
        var noGradient: [Double] = []
        let result = crossEntropy(theta, data, labels, SampleRows(.full, total: data.sampleCount), gradient: &noGradient)
        return Evaluation(loss: result.loss, accuracy: Double(result.correct) / Double(data.sampleCount))
    }

    /// Parameter index of class k's coefficient on extended feature j (j = d is the bias).
    private func index(_ k: Int, _ j: Int) -> Int {
        let d = training.featureCount
        return j < d ? k * d + j : classCount * d + k
    }

    /// Softmax probabilities of one row.
    private func probabilities(_ theta: [Double], _ rows: AffineRows, row: Int, logits z: inout [Double], into p: inout [Double]) {
        let d = rows.width
        for k in 0..<classCount { z[k] = rows.affine(theta, row: row, weights: k * d, bias: classCount * d + k) }
        _ = StableMath.logSumExp(z, offset: 0, count: classCount, probabilities: &p)
    }

    /// Mean cross-entropy over `rows` and the number of correct argmax predictions; adds the
    /// gradient into `gradient` unless it is empty.
    private func crossEntropy(
        _ theta: [Double], _ data: Dataset, _ labels: [Int], _ rows: SampleRows, gradient: inout [Double]
    ) -> (loss: Double, correct: Int) {
        guard rows.count > 0 else { return (0, 0) }
        let affine = AffineRows(data)
        let d = data.featureCount, classes = classCount
        let scale = 1 / Double(rows.count)
        var z = [Double](repeating: 0, count: classes)
        var p = [Double](repeating: 0, count: classes)
        var loss = 0.0
        var correct = 0
        for s in 0..<rows.count {
            let i = rows[s]
            var best = 0
            for k in 0..<classes {
                z[k] = affine.affine(theta, row: i, weights: k * d, bias: classes * d + k)
                if z[k] > z[best] { best = k }
            }
            let label = labels[i]
            loss += StableMath.logSumExp(z, offset: 0, count: classes, probabilities: &p) - z[label]
            if best == label { correct += 1 }
            if !gradient.isEmpty {
                for k in 0..<classes {
                    let dz = (p[k] - (k == label ? 1 : 0)) * scale
                    affine.accumulate(dz, row: i, into: &gradient, weights: k * d, bias: classes * d + k)
                }
            }
        }
        return (loss * scale, correct)
    }
}
