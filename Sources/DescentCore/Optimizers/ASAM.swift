/// Adaptive sharpness-aware minimization (Kwon et al. 2021, "ASAM: Adaptive Sharpness-Aware Minimization for
/// Scale-Invariant Learning of Deep Neural Networks") as the authors' `ASAM` class does it (github.com/SamsungLabs/ASAM,
/// `asam.py`), wrapped around `torch.optim.SGD` as their `example_cifar.py` wraps it: each step perturbs θ along the
/// gradient rescaled per coordinate by T = |w| + η, takes the gradient there, undoes the perturbation and gives that
/// gradient to SGD.
///
/// Pseudo-code (ρ = rho, η = eta; tensors k in θ order; every operation rounded on its own, as torch's
/// single-tensor CPU code rounds it; ‖·‖ is torch.norm, whose sum of squares fuses each square into it):
/// ```
/// g ← ∇L(θ)                                          # the training loop's evaluation
/// for each tensor k:
///     if k is a weight:  T ← |θ_k| + η;  g_k ← g_k·T
///     n_k ← ‖g_k‖
/// N ← ‖(n_1, …, n_K)‖ + 1e-16
/// c ← (1/N)·ρ                                        # torch's ρ / tensor is reciprocal(tensor)·ρ
/// for each tensor k:
///     if k is a weight:  g_k ← g_k·T
///     ε_k ← g_k·c;  θ_k ← θ_k + ε_k
/// g' ← ∇L(θ)                                         # the rule's own evaluation, full batch, at θ + ε
/// θ ← θ − ε                                          # a subtraction, as the authors' `p.sub_(eps)`: θ + ε − ε
/// θ ← SGD(θ, g', γ)                                  # torch.optim.SGD's step (`SGD.swift`)
/// ```
/// Which tensors are weights: the authors scale a parameter when its torch name contains "weight" and leave the
/// others (biases) as SAM does. Descent's named tensors map onto torch's names: `weight` tensors and batch norm's
/// γ (torch's `BatchNorm1d.weight`) are scaled; biases and batch norm's β (`BatchNorm1d.bias`) are not. An
/// objective without named tensors (a closed form, the deep linear network) is one weight tensor.
/// torch.norm sums squares as `GradientTransformChain.euclideanNorm` does up to 7 values; a longer tensor's norm can
/// differ from torch's in the last bit (its kernel's reduction tree is not reproduced).
/// Every step costs two gradient evaluations (`gradientEvaluations`). The recorded loss and gradient norm are the
/// training loop's, at θ. Like SAM it evaluates the objective itself on the full batch, so `batch_size` must be null.
/// At g = 0, N = 1e-16 and ε = 0: the step is SGD's at θ.
/// Defaults: the authors' class, rho 0.5 and eta 0.01 (their example script passes eta 0 by default); SGD's own
/// (lr 1e-3, momentum 0, dampening 0, weight_decay 0, nesterov false).
public struct ASAM<O: Objective>: Optimizer {
    /// The objective it evaluates at the perturbed point (always on the full batch).
    public let objective: O
    /// ρ, the radius of the ascent step.
    public let rho: Double
    /// η, added to |w| in the per-coordinate scale T.
    public let eta: Double
    /// The parameter tensors in θ order, and whether each is scaled (a weight).
    public let tensors: [(range: Range<Int>, scaled: Bool)]
    /// The wrapped torch.optim.SGD.
    public private(set) var base: SGD
    /// Gradient evaluations over all steps: the loop's at θ and the rule's at θ + ε, two per step.
    public private(set) var gradientEvaluations = 0
    /// Scratch, allocated once: the perturbation ε, the scaled gradient, the gradient at θ + ε, the tensors' norms.
    private var perturbation: [Double]
    private var scaledGradient: [Double]
    private var perturbedGradient: [Double]
    private var tensorNorms: [Double]

    /// Creates ASAM state for `objective` around `base`.
    public init(objective: O, rho: Double = 0.5, eta: Double = 0.01, base: SGD) {
        self.objective = objective; self.rho = rho; self.eta = eta; self.base = base
        tensors = Self.tensors(of: objective)
        perturbation = [Double](repeating: 0, count: objective.dimension)
        scaledGradient = perturbation
        perturbedGradient = perturbation
        tensorNorms = [Double](repeating: 0, count: tensors.count)
    }

    /// One ASAM step from the loop's gradient at θ.
    public mutating func step(parameters theta: inout [Double], gradient g: inout [Double], learningRate lr: Double) {
        for (k, tensor) in tensors.enumerated() {
            for i in tensor.range {
                scaledGradient[i] = tensor.scaled ? g[i] * (abs(theta[i]) + eta) : g[i]
            }
            tensorNorms[k] = GradientTransformChain.euclideanNorm(scaledGradient[tensor.range])
        }
        let coefficient = (1 / (GradientTransformChain.euclideanNorm(tensorNorms[...]) + 1e-16)) * rho
        for tensor in tensors {
            for i in tensor.range {
                let u = tensor.scaled ? scaledGradient[i] * (abs(theta[i]) + eta) : scaledGradient[i]
                perturbation[i] = u * coefficient
                theta[i] = theta[i] + perturbation[i]
            }
        }
        _ = objective.valueAndGradient(at: theta, batch: .full, gradient: &perturbedGradient)
        gradientEvaluations += 2
        for i in theta.indices { theta[i] = theta[i] - perturbation[i] }
        base.step(parameters: &theta, gradient: &perturbedGradient, learningRate: lr)
    }

    /// The tensors of `objective` and whether each is scaled: named weights and batch norm's γ are, biases and β are
    /// not; an objective without named tensors is one scaled tensor.
    static func tensors(of objective: O) -> [(range: Range<Int>, scaled: Bool)] {
        guard let named = (objective as? NamedParameterTensors)?.namedTensors else { return [(0..<objective.dimension, true)] }
        return named.map { tensor in
            switch tensor.kind {
            case .weight, .gamma: (tensor.range, true)
            case .bias, .beta: (tensor.range, false)
            }
        }
    }
}
