/// Gradient descent with momentum in the lecture's form (a running sum of past moves).
///
/// Pseudo-code (η = lr, λ = momentum):
/// ```
/// m₀ ← 0
/// m_t ← λ m_{t−1} − η g_t
/// θ_t ← θ_{t−1} + m_t
/// ```
/// With a constant η this equals PyTorch's SGD with μ = λ, τ = 0 up to the scaling of the buffer
/// (torch stores b = −m/η and its first step sets b ← g). Default λ = 0.9.
public struct MomentumLecture: Optimizer {
    /// λ.
    public let momentum: Double
    /// The movement m.
    public private(set) var movement: [Double]

    /// Creates the state for `dimension` parameters.
    public init(dimension: Int, momentum: Double = 0.9) {
        self.momentum = momentum
        movement = [Double](repeating: 0, count: dimension)
    }

    /// One step: m ← λm − ηg, θ ← θ + m.
    public mutating func step(parameters: inout [Double], gradient: inout [Double], learningRate: Double) {
        for i in 0..<parameters.count {
            let m = momentum * movement[i] - learningRate * gradient[i]
            movement[i] = m
            parameters[i] += m
        }
    }
}
