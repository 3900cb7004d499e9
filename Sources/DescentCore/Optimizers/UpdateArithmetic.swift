/// The per-coordinate arithmetic of the torch-named update rules, written once over `LaneArithmetic`.
///
/// The optimizers (`Adam`, `SGD`, `RMSprop`, `Adagrad`) call these with `Double`; lockstep runs call them
/// with `Lanes`, one member per lane. Same code, same operations in the same order: each lane's bits are
/// those of the member run alone. The branches take uniform flags (a lockstep group shares its shape).
/// The pseudo-code and defaults are in each optimizer's file.
enum AdamUpdate {
    /// One coordinate of Adam / AdamW: θ, m, v (and v^max with amsgrad) updated in place.
    @inline(__always)
    static func apply<V: LaneArithmetic>(
        theta: inout V, gradient: V, m: inout V, v: inout V, vMax: inout V,
        beta1: V, beta2: V, epsilon: V, weightDecay: V, learningRate: V, stepSize: V, correction2: V,
        decays: Bool, decoupled: Bool, amsgrad: Bool
    ) {
        let one = V.broadcast(1)
        var g = gradient
        if decays {
            if decoupled { theta = theta * (one - learningRate * weightDecay) } else { g = g + weightDecay * theta }
        }
        let mi = beta1 * m + (one - beta1) * g
        let vi = beta2 * v + (one - beta2) * g * g
        m = mi
        v = vi
        var u = vi
        if amsgrad {
            u = V.larger(vMax, vi)
            vMax = u
        }
        theta = theta - stepSize * (mi / (u.squareRoot() / correction2 + epsilon))
    }

    /// The step size γ / (1 − β₁ᵗ) from the running power β₁ᵗ.
    @inline(__always)
    static func stepSize<V: LaneArithmetic>(learningRate: V, beta1Power: V) -> V { learningRate / (V.broadcast(1) - beta1Power) }

    /// The second bias correction √(1 − β₂ᵗ) from the running power β₂ᵗ.
    @inline(__always)
    static func correction2<V: LaneArithmetic>(beta2Power: V) -> V { (V.broadcast(1) - beta2Power).squareRoot() }
}

enum SGDUpdate {
    /// One coordinate of SGD: θ (and the momentum buffer b when `hasMomentum`) updated in place.
    @inline(__always)
    static func apply<V: LaneArithmetic>(
        theta: inout V, gradient: V, buffer: inout V, momentum: V, dampening: V, weightDecay: V, learningRate: V,
        decays: Bool, hasMomentum: Bool, first: Bool, nesterov: Bool, maximize: Bool
    ) {
        var g = gradient
        if decays { g = g + weightDecay * theta }
        if hasMomentum {
            let b = first ? g : momentum * buffer + (V.broadcast(1) - dampening) * g
            buffer = b
            g = nesterov ? g + momentum * b : b
        }
        theta = maximize ? theta + learningRate * g : theta - learningRate * g
    }
}

enum RMSpropUpdate {
    /// One coordinate of RMSprop: θ, v (g^ave when centered, b when `hasMomentum`) updated in place.
    @inline(__always)
    static func apply<V: LaneArithmetic>(
        theta: inout V, gradient: V, squareAverage: inout V, gradientAverage: inout V, buffer: inout V,
        alpha: V, epsilon: V, weightDecay: V, momentum: V, learningRate: V, decays: Bool, centered: Bool, hasMomentum: Bool
    ) {
        let one = V.broadcast(1)
        var g = gradient
        if decays { g = g + weightDecay * theta }
        let v = alpha * squareAverage + (one - alpha) * g * g
        squareAverage = v
        var tilde = v
        if centered {
            let a = alpha * gradientAverage + (one - alpha) * g
            gradientAverage = a
            tilde = tilde - a * a
        }
        let denominator = tilde.squareRoot() + epsilon
        if hasMomentum {
            let b = momentum * buffer + g / denominator
            buffer = b
            theta = theta - learningRate * b
        } else {
            theta = theta - learningRate * (g / denominator)
        }
    }
}

enum AdagradUpdate {
    /// One coordinate of Adagrad at the decayed rate γ̃: θ and Σg² updated in place.
    @inline(__always)
    static func apply<V: LaneArithmetic>(theta: inout V, gradient: V, stateSum: inout V, weightDecay: V, epsilon: V,
                                         decayedRate: V, decays: Bool) {
        var g = gradient
        if decays { g = g + weightDecay * theta }
        let s = stateSum + g * g
        stateSum = s
        theta = theta - decayedRate * (g / (s.squareRoot() + epsilon))
    }

    /// γ̃ = γ / (1 + (t − 1)η) at step `t` (from 1).
    @inline(__always)
    static func decayedRate<V: LaneArithmetic>(learningRate: V, step t: Int, decay: V) -> V {
        learningRate / (V.broadcast(1) + V.broadcast(Double(t - 1)) * decay)
    }
}
