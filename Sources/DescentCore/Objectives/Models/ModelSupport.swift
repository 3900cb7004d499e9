/// The sample rows a `Batch` selects from a dataset of `total` samples, without copying indices.
struct SampleRows {
    private let batch: Batch
    /// Number of selected samples.
    let count: Int

    /// The rows of `batch` in a dataset of `total` samples.
    init(_ batch: Batch, total: Int) {
        self.batch = batch
        switch batch {
        case .full: count = total
        case .indices(let indices): count = indices.count
        }
    }

    /// Dataset row of the k-th selected sample.
    subscript(k: Int) -> Int {
        switch batch {
        case .full: return k
        case .indices(let indices): return indices[indices.startIndex + k]
        }
    }
}

/// Affine maps of dataset rows shared by the linear models: θ[w…]·x + θ[b].
struct AffineRows {
    /// Row-major features.
    let features: [Double]
    /// Features per sample.
    let width: Int

    /// Features of `dataset`.
    init(_ dataset: Dataset) {
        features = dataset.features.storage
        width = dataset.featureCount
    }

    /// θ[weights..<weights+d]·x_row + θ[bias].
    func affine(_ theta: [Double], row: Int, weights: Int, bias: Int) -> Double {
        var s = theta[bias]
        let base = row * width
        for j in 0..<width { s += theta[weights + j] * features[base + j] }
        return s
    }

    /// Adds scale·x_row to g[weights…] and scale to g[bias].
    func accumulate(_ scale: Double, row: Int, into g: inout [Double], weights: Int, bias: Int) {
        let base = row * width
        for j in 0..<width { g[weights + j] += scale * features[base + j] }
        g[bias] += scale
    }

    /// Σᵢ cᵢ x̃ᵢx̃ᵢᵀ over all rows, with x̃ = [x, 1] and cᵢ = `weight(i)`: the Hessian of the
    /// single-output linear models (weights then bias).
    func weightedGram(rows count: Int, weight: (Int) -> Double) -> Matrix {
        let n = width + 1
        var h = Matrix(rows: n, columns: n)
        for i in 0..<count {
            let c = weight(i)
            for a in 0..<n {
                let xa = extended(row: i, a) * c
                for b in 0..<n { h[a, b] += xa * extended(row: i, b) }
            }
        }
        return h
    }

    /// Σᵢ cᵢ x̃ᵢ(x̃ᵢ·v) over all rows, i.e. `weightedGram` times v without forming the matrix.
    func weightedGramProduct(rows count: Int, _ v: [Double], weight: (Int) -> Double) -> [Double] {
        var out = [Double](repeating: 0, count: width + 1)
        for i in 0..<count {
            let projection = affine(v, row: i, weights: 0, bias: width)
            accumulate(weight(i) * projection, row: i, into: &out, weights: 0, bias: width)
        }
        return out
    }

    /// Feature j of the row extended by a trailing 1 (x̃ = [x, 1]).
    func extended(row: Int, _ j: Int) -> Double {
        j < width ? features[row * width + j] : 1
    }
}

/// Class labels 0..<classes from Double targets; non-finite or out-of-range targets are clamped
/// (the spec layer rejects them before a model is built).
func classLabels(_ targets: [Double], classes: Int) -> [Int] {
    targets.map { t in
        guard t.isFinite else { return 0 }
        return min(max(Int(t.rounded()), 0), max(classes - 1, 0))
    }
}

/// Resizes `gradient` to n and zeroes it.
func resetGradient(_ gradient: inout [Double], count n: Int) {
    if gradient.count != n {
        gradient = [Double](repeating: 0, count: n)
    } else {
        for i in 0..<n { gradient[i] = 0 }
    }
}

/// The split's dataset, or nil when it is absent or empty.
func splitData(_ split: DataSplit, training: Dataset, validation: Dataset?) -> Dataset? {
    let data = split == .training ? training : validation
    guard let data, data.sampleCount > 0 else { return nil }
    return data
}
