/// L-BFGS with PyTorch's `torch.optim.LBFGS` semantics (torch 2.13): one step is torch's
/// `step(closure)`, up to `max_iter` quasi-Newton iterations that evaluate the objective (full batch)
/// themselves, counted in `functionEvaluations` as torch counts `func_evals`.
///
/// Pseudo-code of one step (γ = lr, m = history_size; fma and rounding as in `Torch`):
/// ```
/// f, g ← L(θ), ∇L(θ)                                   # one evaluation
/// if max|g| ≤ tolerance_grad:  return
/// repeat up to max_iter times (k counts iterations over all steps):
///     if k = 1:  d ← −g;  H ← 1;  history ← ∅
///     else:
///         y ← g − g_prev;  s ← t·d;  ys ← yᵀs
///         if ys > 1e-10:  push (y, s, ρ = 1/ys), dropping the oldest beyond m;  H ← ys / yᵀy
///         q ← −g;  for i newest → oldest:  aᵢ ← (sᵢᵀq)ρᵢ;  q ← fma(−aᵢ, yᵢ, q)
///         r ← qH;  for i oldest → newest:  bᵢ ← (yᵢᵀr)ρᵢ;  r ← fma(aᵢ − bᵢ, sᵢ, r)
///         d ← r                                         # two-loop recursion: d = −H_k g
///     g_prev ← g;  f_prev ← f
///     t ← min(1, 1/Σ|g|)·γ if k = 1 else γ
///     if gᵀd > −tolerance_change:  stop
///     if line_search_fn = strong_wolfe:  f, g, t ← `StrongWolfe` from t;  θ ← fma(t, d, θ)
///     else:  θ ← fma(t, d, θ);  unless this is the last iteration: f, g ← L(θ), ∇L(θ)
///     stop if: max_iter iterations, ≥ max_eval evaluations in this step, max|g| ≤ tolerance_grad,
///              max|t·d| ≤ tolerance_change, or |f − f_prev| < tolerance_change
/// ```
/// d, t, the history and g_prev carry over to the next step. Dot products are summed left to right,
/// which is torch's (MKL's) order for two coordinates; for more, torch may round differently.
/// Defaults: lr 1, max_iter 20, max_eval max_iter·5/4 (integer division), tolerance_grad 1e-7,
/// tolerance_change 1e-9, history_size 100, line_search_fn none.
public struct LBFGS<O: Objective>: Optimizer {
    /// The objective it evaluates (always on the full batch).
    public let objective: O
    /// Iterations per step.
    public let maxIterations: Int
    /// Evaluations per step.
    public let maxEvaluations: Int
    /// First-order optimality tolerance on max|g|.
    public let toleranceGrad: Double
    /// Tolerance on changes of f and θ.
    public let toleranceChange: Double
    /// Curvature pairs kept.
    public let historySize: Int
    /// Search t by `StrongWolfe` instead of taking t = γ.
    public let strongWolfe: Bool
    /// Objective evaluations over all steps (torch's `func_evals`).
    public private(set) var functionEvaluations = 0
    /// Iterations over all steps (torch's `n_iter`).
    public private(set) var iterations = 0
    private var direction: [Double] = []
    private var stepLength = 0.0
    private var gradientChanges: [[Double]] = []
    private var stepChanges: [[Double]] = []
    private var inverseCurvatures: [Double] = []
    private var hessianDiagonal = 1.0
    private var previousGradient: [Double] = []

    /// Creates L-BFGS state for `objective`; `maxEvaluations` nil means max_iter·5/4.
    public init(objective: O, maxIterations: Int = 20, maxEvaluations: Int? = nil, toleranceGrad: Double = 1e-7,
                toleranceChange: Double = 1e-9, historySize: Int = 100, strongWolfe: Bool = false) {
        self.objective = objective; self.maxIterations = maxIterations
        self.maxEvaluations = maxEvaluations ?? maxIterations * 5 / 4
        self.toleranceGrad = toleranceGrad; self.toleranceChange = toleranceChange; self.historySize = historySize
        self.strongWolfe = strongWolfe
    }

    /// f and ∇f at `theta` on the full batch.
    private func evaluate(_ theta: [Double]) -> (Double, [Double]) {
        var gradient = [Double](repeating: 0, count: theta.count)
        let loss = objective.valueAndGradient(at: theta, batch: .full, gradient: &gradient)
        return (loss, gradient)
    }

    /// One torch `step(closure)`; `gradient` (the loop's, at θ) is not used: the step evaluates θ itself, as torch's does.
    public mutating func step(parameters theta: inout [Double], gradient _: inout [Double], learningRate lr: Double) {
        var (loss, g) = evaluate(theta)
        var evaluations = 1
        functionEvaluations += 1
        guard Torch.maxAbs(g) > toleranceGrad else { return }
        var iteration = 0
        while iteration < maxIterations {
            iteration += 1
            iterations += 1
            if iterations == 1 {
                direction = g.map { -$0 }
                (gradientChanges, stepChanges, inverseCurvatures, hessianDiagonal) = ([], [], [], 1)
            } else {
                updateDirection(gradient: g)
            }
            previousGradient = g
            let previousLoss = loss
            stepLength = iterations == 1 ? min(1.0, 1.0 / Torch.sumAbs(g)) * lr : lr
            let slope = VectorMath.dot(g, direction)
            if slope > -toleranceChange { break }
            var searchEvaluations = 0
            var optimal = false
            if strongWolfe {
                let start = theta, d = direction
                let search = StrongWolfe(toleranceChange: toleranceChange, maxEvaluations: maxEvaluations - evaluations)
                let found = search.search(step: stepLength, direction: d, loss: loss, gradient: g, slope: slope) { t in
                    var x = start
                    Torch.add(&x, d, alpha: t)
                    return evaluate(x)
                }
                (loss, g, stepLength, searchEvaluations) = (found.loss, found.gradient, found.step, found.evaluations)
                Torch.add(&theta, direction, alpha: stepLength)
                optimal = Torch.maxAbs(g) <= toleranceGrad
            } else {
                Torch.add(&theta, direction, alpha: stepLength)
                if iteration != maxIterations {
                    (loss, g) = evaluate(theta)
                    optimal = Torch.maxAbs(g) <= toleranceGrad
                    searchEvaluations = 1
                }
            }
            evaluations += searchEvaluations
            functionEvaluations += searchEvaluations
            if iteration == maxIterations || evaluations >= maxEvaluations || optimal { break }
            if Torch.maxAbs(direction.map { $0 * stepLength }) <= toleranceChange { break }
            if abs(loss - previousLoss) < toleranceChange { break }
        }
    }

    /// Stores the newest curvature pair and sets `direction` to −H g by the two-loop recursion.
    private mutating func updateDirection(gradient g: [Double]) {
        let y = zip(g, previousGradient).map { $0 - $1 }
        let s = direction.map { $0 * stepLength }
        let ys = VectorMath.dot(y, s)
        if ys > 1e-10 {
            if gradientChanges.count == historySize {
                gradientChanges.removeFirst(); stepChanges.removeFirst(); inverseCurvatures.removeFirst()
            }
            gradientChanges.append(y); stepChanges.append(s); inverseCurvatures.append(1.0 / ys)
            hessianDiagonal = ys / VectorMath.dot(y, y)
        }
        var alphas = [Double](repeating: 0, count: gradientChanges.count)
        var q = g.map { -$0 }
        for i in stride(from: gradientChanges.count - 1, through: 0, by: -1) {
            alphas[i] = VectorMath.dot(stepChanges[i], q) * inverseCurvatures[i]
            Torch.add(&q, gradientChanges[i], alpha: -alphas[i])
        }
        var r = q.map { $0 * hessianDiagonal }
        for i in 0..<gradientChanges.count {
            let beta = VectorMath.dot(gradientChanges[i], r) * inverseCurvatures[i]
            Torch.add(&r, stepChanges[i], alpha: alphas[i] - beta)
        }
        direction = r
    }
}
