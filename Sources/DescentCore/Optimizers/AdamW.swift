/// AdamW: Adam with decoupled weight decay, PyTorch's `torch.optim.AdamW` semantics.
///
/// torch 2.13's AdamW is Adam with `decoupled_weight_decay=True`; `Adam` states the update exactly.
/// Pseudo-code (γ = lr, λ = weight_decay, the rest as in `Adam`):
/// ```
/// if maximize:  g ← −g
/// θ ← θ·(1 − γλ)
/// m ← lerp(m, g, 1 − β₁);  v ← fma((1 − β₂)g, g, β₂v)
/// if amsgrad:  v^max ← max(v^max, v);  u ← v^max  else u ← v
/// θ ← θ + (−(γ / (1 − β₁**t))·m) / (√u / (1 − β₂**t)**0.5 + ε)
/// ```
/// Defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight_decay 1e-2, amsgrad false, maximize false.
public enum AdamW {
    /// AdamW state for `dimension` parameters (an `Adam` with `decoupled` weight decay).
    public static func make(dimension: Int, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8,
                            weightDecay: Double = 1e-2, amsgrad: Bool = false, maximize: Bool = false) -> Adam {
        Adam(dimension: dimension, beta1: beta1, beta2: beta2, epsilon: epsilon,
             weightDecay: weightDecay, amsgrad: amsgrad, decoupled: true, maximize: maximize)
    }
}
