/// The per-coordinate arithmetic of the torch-named update rules, written once over `LaneArithmetic` in
/// torch 2.13's operation order (the `Torch` operations: fused multiply-adds where torch's CPU kernels fuse).
///
/// The optimizers (`Adam`, `SGD`, `RMSprop`, `Adagrad`) call these with `Double`, on both the array and the
/// raw-buffer (fast-path) entry points; lockstep runs call them with `Lanes`, one member per lane. Same
/// code, same operations in the same order: each lane's bits are those of the member run alone, and both
/// are torch's (`TorchFixtureTests`). The branches take uniform flags (a lockstep group shares its shape).
/// Per-step scalars (Adam's bias corrections, Adagrad's decayed rate) are computed by the helpers here
/// once per step, as torch.optim computes them in Python floats. The pseudo-code and defaults are in each
/// optimizer's file.
enum AdamUpdate {
    /// One coordinate of Adam / AdamW: θ, m, v (and v^max with amsgrad) updated in place.
    /// `decay` is 1 − γλ (used when `decoupled`), `stepSize` γ / (1 − β₁**t), `correction2` (1 − β₂**t)**0.5.
    @inline(__always)
    static func apply<V: LaneArithmetic>(
        theta: inout V, gradient: V, m: inout V, v: inout V, vMax: inout V,
        beta1: V, beta2: V, epsilon: V, weightDecay: V, decay: V, stepSize: V, correction2: V,
        decays: Bool, decoupled: Bool, amsgrad: Bool, maximize: Bool
    ) {
        let one = V.broadcast(1)
        var g = maximize ? -gradient : gradient
        if decays {
            if decoupled { theta = theta * decay } else { g = Torch.add(g, theta, alpha: weightDecay) }
        }
        let mi = Torch.lerp(m, g, weight: one - beta1)
        let vi = Torch.scaleAddSquare(v, beta2, g, value: one - beta2)
        m = mi
        v = vi
        var u = vi
        if amsgrad {
            u = V.larger(vMax, vi)
            vMax = u
        }
        theta = Torch.addcdiv(theta, mi, u.squareRoot() / correction2 + epsilon, value: -stepSize)
    }

    /// The bias corrections of step `t` (from 1), as torch.optim computes them with Python floats:
    /// 1 − β₁**t and (1 − β₂**t)**0.5 (the C library's pow). `settled` when both 1 − βᵗ have rounded to
    /// exactly 1: βᵗ only shrinks, so they stay 1 and later steps may skip the pow calls.
    @inline(__always)
    static func corrections(beta1: Double, beta2: Double, step t: Int) -> (correction1: Double, correction2: Double, settled: Bool) {
        let correction1 = 1 - Torch.power(beta1, Double(t)), squaredCorrection2 = 1 - Torch.power(beta2, Double(t))
        return (correction1, Torch.power(squaredCorrection2, 0.5), correction1 == 1 && squaredCorrection2 == 1)
    }

    /// The step size γ / (1 − β₁**t) (γ per lane: the schedule's rate).
    @inline(__always)
    static func stepSize<V: LaneArithmetic>(learningRate: V, correction1: V) -> V { learningRate / correction1 }

    /// The decoupled decay factor 1 − γλ.
    @inline(__always)
    static func decay<V: LaneArithmetic>(learningRate: V, weightDecay: V) -> V { V.broadcast(1) - learningRate * weightDecay }
}

enum SGDUpdate {
    /// One coordinate of SGD: θ (and the momentum buffer b when `hasMomentum`) updated in place.
    @inline(__always)
    static func apply<V: LaneArithmetic>(
        theta: inout V, gradient: V, buffer: inout V, momentum: V, dampening: V, weightDecay: V, learningRate: V,
        decays: Bool, hasMomentum: Bool, first: Bool, nesterov: Bool, maximize: Bool
    ) {
        var g = maximize ? -gradient : gradient
        if decays { g = Torch.add(g, theta, alpha: weightDecay) }
        if hasMomentum {
            let b = first ? g : Torch.scaleAdd(buffer, momentum, g, alpha: V.broadcast(1) - dampening)
            buffer = b
            g = nesterov ? Torch.add(g, b, alpha: momentum) : b
        }
        theta = Torch.add(theta, g, alpha: -learningRate)
    }
}

enum RMSpropUpdate {
    /// One coordinate of RMSprop: θ, v (g^ave when centered, b when `hasMomentum`) updated in place.
    @inline(__always)
    static func apply<V: LaneArithmetic>(
        theta: inout V, gradient: V, squareAverage: inout V, gradientAverage: inout V, buffer: inout V,
        alpha: V, epsilon: V, weightDecay: V, momentum: V, learningRate: V,
        decays: Bool, centered: Bool, hasMomentum: Bool, maximize: Bool
    ) {
        let one = V.broadcast(1)
        var g = maximize ? -gradient : gradient
        if decays { g = Torch.add(g, theta, alpha: weightDecay) }
        let v = Torch.scaleAddSquare(squareAverage, alpha, g, value: one - alpha)
        squareAverage = v
        var average = v
        if centered {
            let a = Torch.lerp(gradientAverage, g, weight: one - alpha)
            gradientAverage = a
            average = Torch.addcmul(v, a, a, value: -one)
        }
        let denominator = average.squareRoot() + epsilon
        if hasMomentum {
            let b = Torch.addcdiv(momentum * buffer, g, denominator, value: one)
            buffer = b
            theta = Torch.add(theta, b, alpha: -learningRate)
        } else {
            theta = Torch.addcdiv(theta, g, denominator, value: -learningRate)
        }
    }
}

enum AdagradUpdate {
    /// One coordinate of Adagrad at the decayed rate γ̃: θ and Σg² updated in place.
    @inline(__always)
    static func apply<V: LaneArithmetic>(theta: inout V, gradient: V, stateSum: inout V, weightDecay: V, epsilon: V,
                                         decayedRate: V, decays: Bool, maximize: Bool) {
        var g = maximize ? -gradient : gradient
        if decays { g = Torch.add(g, theta, alpha: weightDecay) }
        let s = Torch.addcmul(stateSum, g, g, value: V.broadcast(1))
        stateSum = s
        theta = Torch.addcdiv(theta, g, s.squareRoot() + epsilon, value: -decayedRate)
    }

    /// γ̃ = γ / (1 + (t − 1)η) at step `t` (from 1).
    @inline(__always)
    static func decayedRate<V: LaneArithmetic>(learningRate: V, step t: Int, decay: V) -> V {
        learningRate / (V.broadcast(1) + V.broadcast(Double(t) - 1) * decay)
    }
}
