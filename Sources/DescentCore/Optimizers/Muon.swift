/// Muon (Jordan 2024, "Muon: an optimizer for hidden layers") with optax's `optax.contrib.muon` semantics (optax 0.2.8):
/// momentum orthogonalised by a Newton–Schulz iteration for the weight matrices, AdamW with Nesterov momentum
/// (`optax.adamw(…, nesterov=…)`) for every other coordinate.
///
/// Pseudo-code for one matrix W (outputs × inputs; optax holds its transpose X = Wᵀ, inputs × outputs) and one step
/// t = 1, 2, … (γ = lr, β = beta, λ = weight_decay, (a, b, c) = ns_coeffs, ε = eps; bias corrections as `Optax`
/// rounds them, c_t = 1/(1 − βᵗ)):
/// ```
/// μ ← (1 − β)·g + β·μ
/// μ̂ ← nesterov ? β·(μ·c_{t+1}) + (1 − β)·(g·c_t) : μ·c_t
/// M ← X = μ̂ᵀ, or μ̂ itself when inputs > outputs (optax iterates on the wide orientation)
/// M ← M·(1/(‖M‖_F + ε))
/// ns_steps times:  A ← M·Mᵀ;  B ← b·A + c·(A·A);  M ← a·M + B·M
/// O ← M in W's orientation
/// u ← s·O,  s = consistent_rms == null ? √max(1, outputs/inputs) : √max(inputs, outputs)·consistent_rms
/// θ ← θ + (−γ)·(u + λ·θ)                                            (λ term only when λ ≠ 0)
/// ```
/// and for the other coordinates (β₁ = adam_b1, β₂ = adam_b2, ε_root = adam_eps_root, λ_a = adam_weight_decay):
/// ```
/// m ← (1 − β₁)·g + β₁·m;   v ← (1 − β₂)·g² + β₂·v
/// m̂ ← nesterov ? β₁·(m·c¹_{t+1}) + (1 − β₁)·(g·c¹_t) : m·c¹_t;   v̂ ← v·c²_t
/// θ ← θ + (−γ)·(m̂ / (√(v̂ + ε_root) + ε) + λ_a·θ)
/// ```
/// The matrices are the objective's 2-D tensors (`NamedParameterTensors`: an MLP's weight matrices, softmax
/// regression's weights); every other coordinate (biases, batch norm, vectors, a closed form's θ) is Adam's, as
/// optax labels every parameter that is not 2-D. optax's `adam_learning_rate` (the same rate when None), `adaptive`,
/// `preconditioning` other than "frobenius" and the masks are not offered.
/// The matrix products sum in index order; XLA's CPU dot may sum in another, so the rows agree with optax's
/// to rounding (`MuonTests`: 1e-12 relative), not to the bit.
/// Defaults (optax's): ns_coeffs (3.4445, −4.7750, 2.0315), ns_steps 5, beta 0.95, eps 1e-8, weight_decay 0,
/// nesterov true, adam_b1 0.9, adam_b2 0.999, adam_eps_root 0, adam_weight_decay 0, consistent_rms null;
/// lr 0.02 (optax has no default; Jordan's for hidden layers).
public struct Muon: Optimizer {
    /// Where one weight matrix lives in θ: row-major, `rows` = outputs, `columns` = inputs.
    public struct WeightMatrix: Sendable, Equatable {
        /// Offset of W[0][0] in θ.
        public let start: Int
        /// Outputs (W's rows).
        public let rows: Int
        /// Inputs (W's columns).
        public let columns: Int
        /// A matrix of `rows` × `columns` values from θ[start].
        public init(start: Int, rows: Int, columns: Int) { self.start = start; self.rows = rows; self.columns = columns }
        /// Its coordinates.
        var range: Range<Int> { start..<(start + rows * columns) }
    }

    /// (a, b, c) of the quintic Newton–Schulz step.
    public let coefficients: (Double, Double, Double)
    /// Newton–Schulz iterations per step.
    public let steps: Int
    /// β, the momentum decay of the matrices.
    public let beta: Double
    /// ε, added to the Frobenius norm and to Adam's denominator.
    public let epsilon: Double
    /// λ, decoupled weight decay of the matrices.
    public let weightDecay: Double
    /// Nesterov momentum (both parts).
    public let nesterov: Bool
    /// Adam's β₁, β₂, ε_root and decoupled weight decay.
    public let adamBeta1: Double, adamBeta2: Double, adamEpsilonRoot: Double, adamWeightDecay: Double
    /// The scale `consistent_rms` (nil: optax's width scaling √max(1, outputs/inputs)).
    public let consistentRMS: Double?
    /// The matrices Newton–Schulz orthogonalises.
    public let matrices: [WeightMatrix]
    /// The coordinates Adam updates (every one not in a matrix), as ranges of θ.
    public let adamRanges: [Range<Int>]
    /// Steps taken.
    public private(set) var stepCount = 0
    /// μ for matrix coordinates, m for Adam's.
    private var firstMoment: [Double]
    /// v for Adam's coordinates.
    private var secondMoment: [Double]
    /// Newton–Schulz scratch: M (p × q), and A, A·A, B (p × p), B·M (p × q), p ≤ q, sized for the largest matrix.
    private var scratch: NewtonSchulzScratch

    /// Muon state for `dimension` parameters with `matrices` orthogonalised and the rest Adam's.
    public init(dimension: Int, matrices: [WeightMatrix], coefficients: (Double, Double, Double) = (3.4445, -4.7750, 2.0315),
                steps: Int = 5, beta: Double = 0.95, epsilon: Double = 1e-8, weightDecay: Double = 0, nesterov: Bool = true,
                adamBeta1: Double = 0.9, adamBeta2: Double = 0.999, adamEpsilonRoot: Double = 0, adamWeightDecay: Double = 0,
                consistentRMS: Double? = nil) {
        self.coefficients = coefficients; self.steps = steps; self.beta = beta; self.epsilon = epsilon
        self.weightDecay = weightDecay; self.nesterov = nesterov
        self.adamBeta1 = adamBeta1; self.adamBeta2 = adamBeta2; self.adamEpsilonRoot = adamEpsilonRoot
        self.adamWeightDecay = adamWeightDecay; self.consistentRMS = consistentRMS
        self.matrices = matrices
        var inMatrix = [Bool](repeating: false, count: dimension)
        for matrix in matrices { for i in matrix.range { inMatrix[i] = true } }
        var ranges: [Range<Int>] = []
        var i = 0
        while i < dimension {
            if inMatrix[i] { i += 1; continue }
            let start = i
            while i < dimension && !inMatrix[i] { i += 1 }
            ranges.append(start..<i)
        }
        adamRanges = ranges
        firstMoment = [Double](repeating: 0, count: dimension)
        secondMoment = [Double](repeating: 0, count: dimension)
        scratch = NewtonSchulzScratch(largest: matrices.map { (min($0.rows, $0.columns), max($0.rows, $0.columns)) })
    }

    /// One Muon step: Newton–Schulz on each matrix's momentum, Adam on the rest.
    public mutating func step(parameters: inout [Double], gradient: inout [Double], learningRate lr: Double) {
        stepCount += 1
        let t = stepCount
        for matrix in matrices { stepMatrix(matrix, &parameters, gradient, lr: lr, t: t) }
        let (b1, b2, eps, epsRoot, wd) = (adamBeta1, adamBeta2, epsilon, adamEpsilonRoot, adamWeightDecay)
        let c1 = Optax.biasCorrection(b1, t), c1Next = Optax.biasCorrection(b1, t + 1), c2 = Optax.biasCorrection(b2, t)
        for range in adamRanges {
            for i in range {
                let g = gradient[i]
                let m = Optax.moment(firstMoment[i], g, decay: b1), v = Optax.squaredMoment(secondMoment[i], g, decay: b2)
                firstMoment[i] = m
                secondMoment[i] = v
                let mHat = nesterov ? b1 * (m * c1Next) + (1 - b1) * (g * c1) : m * c1
                let u = mHat / ((v * c2 + epsRoot).squareRoot() + eps)
                parameters[i] = parameters[i] + -lr * Optax.decayed(u, parameters[i], weightDecay: wd)
            }
        }
    }

    /// The momentum, Newton–Schulz and update of one matrix.
    private mutating func stepMatrix(_ matrix: WeightMatrix, _ theta: inout [Double], _ gradient: [Double], lr: Double, t: Int) {
        let (rows, columns, start) = (matrix.rows, matrix.columns, matrix.start)
        let c = Optax.biasCorrection(beta, t), cNext = Optax.biasCorrection(beta, t + 1)
        // optax iterates on X = Wᵀ (inputs × outputs), transposed when inputs > outputs: on W itself then.
        let wide = columns > rows
        let (p, q) = wide ? (rows, columns) : (columns, rows)
        for r in 0..<rows {
            for k in 0..<columns {
                let i = start + r * columns + k, g = gradient[i]
                let mu = Optax.moment(firstMoment[i], g, decay: beta)
                firstMoment[i] = mu
                let hat = nesterov ? beta * (mu * cNext) + (1 - beta) * (g * c) : mu * c
                scratch.m[wide ? r * q + k : k * q + r] = hat
            }
        }
        scratch.orthogonalize(p: p, q: q, coefficients: coefficients, steps: steps, epsilon: epsilon)
        let scale = consistentRMS.map { Double(max(rows, columns)).squareRoot() * $0 }
            ?? max(1, Double(rows) / Double(columns)).squareRoot()
        for r in 0..<rows {
            for k in 0..<columns {
                let i = start + r * columns + k
                let u = scale * scratch.m[wide ? r * q + k : k * q + r]
                theta[i] = theta[i] + -lr * Optax.decayed(u, theta[i], weightDecay: weightDecay)
            }
        }
    }
}

extension Muon {
    /// The 2-D tensors of `objective` (`NamedParameterTensors`), none for an objective without named tensors.
    static func weightMatrices(of objective: any Objective) -> [WeightMatrix] {
        ((objective as? NamedParameterTensors)?.namedTensors ?? []).compactMap { tensor in
            guard let shape = tensor.matrixShape, shape.count == 2 else { return nil }
            return WeightMatrix(start: tensor.range.lowerBound, rows: shape[0], columns: shape[1])
        }
    }
}

/// The buffers of the Newton–Schulz iteration, allocated once for the largest matrix.
struct NewtonSchulzScratch: Sendable {
    /// M, p × q row-major (p ≤ q): the input, then the result.
    var m: [Double]
    private var a: [Double], aa: [Double], b: [Double], bm: [Double]

    /// Buffers for matrices of the given (p, q) shapes.
    init(largest shapes: [(Int, Int)]) {
        let pq = shapes.map { $0.0 * $0.1 }.max() ?? 0, pp = shapes.map { $0.0 * $0.0 }.max() ?? 0
        m = [Double](repeating: 0, count: pq); bm = m
        a = [Double](repeating: 0, count: pp); aa = a; b = a
    }

    /// optax's `orthogonalize_via_newton_schulz` with Frobenius preconditioning on M (p × q, p ≤ q), in place:
    /// M ← M·(1/(‖M‖_F + ε)), then `steps` times A ← MMᵀ, B ← b·A + c·A², M ← a·M + B·M.
    mutating func orthogonalize(p: Int, q: Int, coefficients: (Double, Double, Double), steps: Int, epsilon: Double) {
        var squares = 0.0
        for k in 0..<(p * q) { squares += m[k] * m[k] }
        let inverse = 1 / (squares.squareRoot() + epsilon)
        for k in 0..<(p * q) { m[k] = m[k] * inverse }
        let (c0, c1, c2) = coefficients
        for _ in 0..<steps {
            for i in 0..<p {
                for j in 0..<p {
                    var s = 0.0
                    for k in 0..<q { s += m[i * q + k] * m[j * q + k] }
                    a[i * p + j] = s
                }
            }
            for i in 0..<p {
                for j in 0..<p {
                    var s = 0.0
                    for k in 0..<p { s += a[i * p + k] * a[k * p + j] }
                    aa[i * p + j] = s
                }
            }
            for k in 0..<(p * p) { b[k] = c1 * a[k] + c2 * aa[k] }
            for i in 0..<p {
                for j in 0..<q {
                    var s = 0.0
                    for k in 0..<p { s += b[i * p + k] * m[k * q + j] }
                    bm[i * q + j] = s
                }
            }
            for k in 0..<(p * q) { m[k] = c0 * m[k] + bm[k] }
        }
    }
}
