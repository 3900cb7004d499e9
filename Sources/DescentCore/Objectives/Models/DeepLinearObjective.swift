/// A deep linear network ŷ = W_L ⋯ W₂ W₁ x (no bias, no activation) with the mean squared error
/// L = (1/B) Σᵢ (ŷᵢ − yᵢ)² over a batch: the lecture's ŷ = w₁·w₂·x is depth 2, width 1, one feature.
///
/// Layers map d → width → … → width → 1 (`depth` matrices; depth 1 is linear regression without a bias).
/// Parameters are the matrices in layer order, each row-major (W₁ first, width × d). The loss depends on the
/// weights only through the end-to-end row vector P = W_L ⋯ W₁, so the gradient is computed from
/// G = ∂L/∂P = (2/B) Σᵢ rᵢ xᵢᵀ (rᵢ = P xᵢ − yᵢ) as ∂L/∂W_k = a_k u_kᵀ with a_k = (W_L ⋯ W_{k+1})ᵀ and
/// u_k = W_{k−1} ⋯ W₁ Gᵀ. Computed this way the gradient keeps the network's symmetries exactly in floating
/// point: on depth 2, width 1, one feature, ∂L/∂w₁ = w₂·G and ∂L/∂w₂ = w₁·G, so a start with w₁ = −w₂ stays
/// on that line (the stable manifold of the saddle at the origin) under full-batch gradient descent.
/// Hessian-vector products run the same code on dual numbers (forward over reverse), exactly; the Hessian
/// is n of them.
public struct DeepLinearObjective: Objective {
    /// Samples the loss is trained on; batches index into it.
    public let training: Dataset
    /// Held-out samples for `evaluate(split: .validation)`.
    public let validation: Dataset?
    /// Number of weight matrices (≥ 1).
    public let depth: Int
    /// Width of every hidden layer (used when depth ≥ 2).
    public let width: Int

    /// A deep linear network on `training` (regression targets).
    public init(training: Dataset, validation: Dataset? = nil, depth: Int = 2, width: Int = 1) {
        self.training = training; self.validation = validation
        self.depth = max(1, depth); self.width = max(1, width)
    }

    /// Layer widths: features, `width` for each of the depth − 1 hidden layers, then 1.
    public var layerSizes: [Int]? { [training.featureCount] + Array(repeating: width, count: depth - 1) + [1] }
    private var sizes: [Int] { layerSizes ?? [] }
    /// Σ_k sizes[k+1] · sizes[k].
    public var dimension: Int { zip(sizes, sizes.dropFirst()).reduce(0) { $0 + $1.0 * $1.1 } }
    /// Number of training samples.
    public var sampleCount: Int { training.sampleCount }

    /// Each matrix uniform in ±1/√fan_in from `seed` (torch's `nn.Linear` default bound), layer by layer.
    public func initialParameters(seed: UInt64) -> [Double] {
        var random = SeededRandom(seed: seed)
        var theta: [Double] = []
        theta.reserveCapacity(dimension)
        for (fanIn, fanOut) in zip(sizes, sizes.dropFirst()) {
            let bound = 1 / Double(max(fanIn, 1)).squareRoot()
            for _ in 0..<(fanIn * fanOut) { theta.append(bound * (2 * random.nextDouble() - 1)) }
        }
        return theta
    }

    /// Mean squared error over `batch`.
    public func value(at theta: [Double], batch: Batch) -> Double {
        var none: [Double] = []
        return loss(theta, training, SampleRows(batch, total: sampleCount), wantGradient: false, gradient: &none)
    }

    /// Mean squared error over `batch` and its exact gradient.
    public func valueAndGradient(at theta: [Double], batch: Batch, gradient: inout [Double]) -> Double {
        var g = [Double](repeating: 0, count: dimension)
        let value = loss(theta, training, SampleRows(batch, total: sampleCount), wantGradient: true, gradient: &g)
        gradient = g
        return value
    }

    /// H(θ)v over all training samples: the gradient code on θ + εv.
    public func hessianVectorProduct(at theta: [Double], _ v: [Double]) -> [Double] {
        let dual = (0..<dimension).map { DualNumber(theta[$0], v[$0]) }
        var g = [DualNumber](repeating: DualNumber(constant: 0), count: dimension)
        _ = loss(dual, training, SampleRows(.full, total: sampleCount), wantGradient: true, gradient: &g)
        return g.map(\.tangent)
    }

    /// The exact Hessian: n Hessian-vector products with the unit vectors, symmetrised.
    public func hessian(at theta: [Double]) -> Matrix {
        let n = dimension
        var h = Matrix(rows: n, columns: n)
        for j in 0..<n {
            var e = [Double](repeating: 0, count: n)
            e[j] = 1
            let column = hessianVectorProduct(at: theta, e)
            for i in 0..<n { h[i, j] = column[i] }
        }
        for i in 0..<n { for j in 0..<i { let m = (h[i, j] + h[j, i]) / 2; h[i, j] = m; h[j, i] = m } }
        return h
    }

    /// Mean squared error on the split; no accuracy (regression).
    public func evaluate(at theta: [Double], buffers: [Double], split: DataSplit) -> Evaluation? {
        guard let data = splitData(split, training: training, validation: validation) else { return nil }
        var none: [Double] = []
        return Evaluation(loss: loss(theta, data, SampleRows(.full, total: data.sampleCount), wantGradient: false, gradient: &none))
    }

    /// The loss over `rows` of `data`; with `wantGradient`, the gradient into `gradient` (n values).
    private func loss<T: ModelScalar>(_ theta: [T], _ data: Dataset, _ rows: SampleRows, wantGradient: Bool,
                                      gradient: inout [T]) -> T {
        guard rows.count > 0 else { return T(constant: 0) }
        let s = sizes, d = data.featureCount, features = data.features.storage
        var offsets: [Int] = [0]
        for k in 0..<depth { offsets.append(offsets[k] + s[k + 1] * s[k]) }
        // P = W_L ⋯ W₁, as a row vector: p ← p W_k from the output layer down.
        var p = [T](repeating: T(constant: 1), count: 1)
        for k in stride(from: depth - 1, through: 0, by: -1) {
            var next = [T](repeating: T(constant: 0), count: s[k])
            for i in 0..<s[k + 1] {
                for j in 0..<s[k] { next[j] += p[i] * theta[offsets[k] + i * s[k] + j] }
            }
            p = next
        }
        // Residuals in sample order; Σ rᵢ² and Σ rᵢ xᵢ accumulated in that order.
        var squares = T(constant: 0)
        var correlation = [T](repeating: T(constant: 0), count: d)
        for k in 0..<rows.count {
            let row = rows[k] * d
            var prediction = T(constant: 0)
            for j in 0..<d { prediction += p[j] * T(constant: features[row + j]) }
            let r = prediction - T(constant: data.targets[rows[k]])
            squares += r * r
            if wantGradient { for j in 0..<d { correlation[j] += r * T(constant: features[row + j]) } }
        }
        let scale = T(constant: 1 / Double(rows.count))
        guard wantGradient else { return squares * scale }
        let twice = T(constant: 2 / Double(rows.count))
        // u_k = W_{k−1} ⋯ W₁ Gᵀ, for k = 1 … L.
        var u: [[T]] = [correlation.map { twice * $0 }]
        for k in 0..<(depth - 1) {
            var next = [T](repeating: T(constant: 0), count: s[k + 1])
            for i in 0..<s[k + 1] {
                for j in 0..<s[k] { next[i] += theta[offsets[k] + i * s[k] + j] * u[k][j] }
            }
            u.append(next)
        }
        // a_k = (W_L ⋯ W_{k+1})ᵀ from the output down; ∂L/∂W_k = a_k u_kᵀ.
        var a = [T](repeating: T(constant: 1), count: 1)
        for k in stride(from: depth - 1, through: 0, by: -1) {
            for i in 0..<s[k + 1] {
                for j in 0..<s[k] { gradient[offsets[k] + i * s[k] + j] = a[i] * u[k][j] }
            }
            guard k > 0 else { break }
            var next = [T](repeating: T(constant: 0), count: s[k])
            for i in 0..<s[k + 1] {
                for j in 0..<s[k] { next[j] += theta[offsets[k] + i * s[k] + j] * a[i] }
            }
            a = next
        }
        return squares * scale
    }
}

extension DeepLinearObjective: DatasetModel {}
