/// Hidden-layer nonlinearity of an MLP.
public enum Activation: String, Codable, Sendable, CaseIterable {
    /// Hyperbolic tangent; smooth, so the Hessian exists everywhere.
    case tanh
    /// max(0, x); its second derivative is taken as 0 (the kink at 0 has measure zero).
    case relu
}

/// Batch-normalisation settings for every hidden layer of an MLP.
///
/// Training mode normalises with the batch mean μ and biased batch variance σ², then updates the
/// moving averages μ̄ ← p·μ̄ + (1 − p)·μ and σ̄² ← p·σ̄² + (1 − p)·σ²ᵤ with the unbiased variance
/// σ²ᵤ = σ²·B/(B − 1) (PyTorch's choice; for a batch of one the biased value 0 is used).
/// Note p is the lecture's weight of the old average: PyTorch's `momentum` argument is 1 − p.
public struct BatchNormOptions: Sendable, Codable, Equatable {
    /// Weight p of the old moving average; default 0.9.
    public var momentum: Double
    /// ε added to the variance before the square root; default 1e-5.
    public var epsilon: Double

    /// Options with the given moving-average weight and variance offset.
    public init(momentum: Double = 0.9, epsilon: Double = 1e-5) {
        self.momentum = momentum
        self.epsilon = epsilon
    }

    private enum CodingKeys: String, CodingKey { case momentum, epsilon }

    /// Decodes options; absent fields take their defaults.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        momentum = try container.decodeIfPresent(Double.self, forKey: .momentum) ?? 0.9
        epsilon = try container.decodeIfPresent(Double.self, forKey: .epsilon) ?? 1e-5
    }
}
