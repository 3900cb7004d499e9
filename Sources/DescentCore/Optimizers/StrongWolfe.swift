/// The line search of `torch.optim.LBFGS` with `line_search_fn="strong_wolfe"` (torch 2.13,
/// `_strong_wolfe` and `_cubic_interpolate`, themselves after minFunc): find t along d satisfying
/// the strong Wolfe conditions f(x + td) ≤ f + c₁t·gᵀd and |∇f(x + td)ᵀd| ≤ −c₂gᵀd.
///
/// Pseudo-code (f, g at x; gtd = gᵀd < 0; φ(t) = f and ∇f at x + td, counted as evaluations):
/// ```
/// 1. bracketing: t_prev ← 0; evaluate φ(t)
///    repeat while fewer than max_ls evaluations followed the first:
///      if f(t) > f + c₁t·gtd or (iteration > 1 and f(t) ≥ f(t_prev)):  bracket [t_prev, t]; stop
///      if |gtd(t)| ≤ −c₂·gtd:  accept t; done
///      if gtd(t) ≥ 0:  bracket [t_prev, t]; stop
///      t_prev, t ← t, cubic minimiser of (t_prev, t) clamped to [t + 0.01(t − t_prev), 10t]; evaluate φ(t)
///    no bracket after max_ls: bracket [0, t]
/// 2. zoom while not done and fewer than max_ls evaluations followed the first:
///      stop if |b₁ − b₀|·max|d| < tolerance_change
///      t ← cubic minimiser of the bracket, moved to 0.1·width inside it when it keeps landing near an end
///      evaluate φ(t); if sufficient decrease fails or f(t) ≥ f(low):  high ← t
///      else:  done if |gtd(t)| ≤ −c₂·gtd;  if gtd(t)(b_high − b_low) ≥ 0: high ← low;  low ← t
/// return the low end of the bracket (or the accepted t), its f and g, and the evaluations
/// ```
/// c₁ = 1e-4, c₂ = 0.9 as in torch. Scalars are rounded as torch's 0-dim tensor arithmetic rounds them.
struct StrongWolfe {
    /// Sufficient-decrease constant c₁.
    let c1 = 1e-4
    /// Curvature constant c₂.
    let c2 = 0.9
    /// Stop zooming when the bracket times max|d| is below this.
    let toleranceChange: Double
    /// Evaluations allowed after the first.
    let maxEvaluations: Int

    /// The result of a search: the step length, f and ∇f there, and the evaluations done.
    struct Result {
        var loss: Double
        var gradient: [Double]
        var step: Double
        var evaluations: Int
    }

    /// Searches along `direction` from a point with loss `loss`, gradient `gradient` and slope `slope` = gᵀd,
    /// starting at step `step`; `evaluate(t)` returns f and ∇f at x + t·d.
    func search(step initial: Double, direction d: [Double], loss f: Double, gradient g: [Double], slope gtd: Double,
                evaluate: (Double) -> (Double, [Double])) -> Result {
        let dNorm = Torch.maxAbs(d)
        var t = initial
        var (fNew, gNew) = evaluate(t)
        var evaluations = 1
        var gtdNew = VectorMath.dot(gNew, d)
        var (tPrev, fPrev, gPrev, gtdPrev) = (0.0, f, g, gtd)
        var done = false
        var iteration = 0
        var bracket: [Double] = [], bracketF: [Double] = [], bracketG: [[Double]] = [], bracketGtd: [Double] = []
        while iteration < maxEvaluations {
            if fNew > f + c1 * t * gtd || (iteration > 1 && fNew >= fPrev) {
                (bracket, bracketF, bracketG, bracketGtd) = ([tPrev, t], [fPrev, fNew], [gPrev, gNew], [gtdPrev, gtdNew])
                break
            }
            if abs(gtdNew) <= -c2 * gtd {
                (bracket, bracketF, bracketG) = ([t], [fNew], [gNew])
                done = true
                break
            }
            if gtdNew >= 0 {
                (bracket, bracketF, bracketG, bracketGtd) = ([tPrev, t], [fPrev, fNew], [gPrev, gNew], [gtdPrev, gtdNew])
                break
            }
            let bounds = (t + 0.01 * (t - tPrev), t * 10)
            let previous = t
            t = Self.cubicMinimizer(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, bounds: bounds)
            (tPrev, fPrev, gPrev, gtdPrev) = (previous, fNew, gNew, gtdNew)
            (fNew, gNew) = evaluate(t)
            evaluations += 1
            gtdNew = VectorMath.dot(gNew, d)
            iteration += 1
        }
        if iteration >= maxEvaluations { (bracket, bracketF, bracketG) = ([0, t], [f, fNew], [g, gNew]) }

        var insufficientProgress = false
        var (low, high) = bracketF[0] <= bracketF[bracketF.count - 1] ? (0, 1) : (1, 0)
        while !done && iteration < maxEvaluations {
            if abs(bracket[1] - bracket[0]) * dNorm < toleranceChange { break }
            t = Self.cubicMinimizer(bracket[0], bracketF[0], bracketGtd[0], bracket[1], bracketF[1], bracketGtd[1], bounds: nil)
            let (top, bottom) = (max(bracket[0], bracket[1]), min(bracket[0], bracket[1]))
            let margin = 0.1 * (top - bottom)
            if min(top - t, t - bottom) < margin {
                if insufficientProgress || t >= top || t <= bottom {
                    t = abs(t - top) < abs(t - bottom) ? top - margin : bottom + margin
                    insufficientProgress = false
                } else {
                    insufficientProgress = true
                }
            } else {
                insufficientProgress = false
            }
            (fNew, gNew) = evaluate(t)
            evaluations += 1
            gtdNew = VectorMath.dot(gNew, d)
            iteration += 1
            if fNew > f + c1 * t * gtd || fNew >= bracketF[low] {
                (bracket[high], bracketF[high], bracketG[high], bracketGtd[high]) = (t, fNew, gNew, gtdNew)
                (low, high) = bracketF[0] <= bracketF[1] ? (0, 1) : (1, 0)
            } else {
                if abs(gtdNew) <= -c2 * gtd {
                    done = true
                } else if gtdNew * (bracket[high] - bracket[low]) >= 0 {
                    (bracket[high], bracketF[high], bracketG[high], bracketGtd[high])
                        = (bracket[low], bracketF[low], bracketG[low], bracketGtd[low])
                }
                (bracket[low], bracketF[low], bracketG[low], bracketGtd[low]) = (t, fNew, gNew, gtdNew)
            }
        }
        return Result(loss: bracketF[low], gradient: bracketG[low], step: bracket[low], evaluations: evaluations)
    }

    /// The minimiser of the cubic through (x₁, f₁) and (x₂, f₂) with slopes g₁, g₂, clamped to `bounds`
    /// (default: between x₁ and x₂); their midpoint when the cubic has no minimum.
    static func cubicMinimizer(_ x1: Double, _ f1: Double, _ g1: Double, _ x2: Double, _ f2: Double, _ g2: Double,
                               bounds: (Double, Double)?) -> Double {
        let (lower, upper) = bounds ?? (x1 <= x2 ? (x1, x2) : (x2, x1))
        let d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
        let d2Square = d1 * d1 - g1 * g2
        guard d2Square >= 0 else { return (lower + upper) / 2.0 }
        let d2 = d2Square.squareRoot()
        let position = x1 <= x2 ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
                                : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
        return min(max(position, lower), upper)
    }
}
