/// The scalar and element-wise operations the optax-named rules are made of, rounded as optax's
/// float64 code computes them on the CPU (each `jax.numpy` operation rounded once; no fused
/// multiply-add outside the norm's reduction; the bias correction as XLA simplifies it), so their trajectories can be compared with optax's row by row
/// (`Tests/Fixtures/optax/`).
enum Optax {
    /// The factor of optax's bias correction, 1 / (1 − decay^t): `tree_bias_correction` divides a moment by
    /// 1 − decay^t, which XLA turns into a product with this reciprocal (a division by a broadcast scalar
    /// becomes a multiplication; measured: m·(1/c) and m/c differ in a third of cases, optax always
    /// agrees with the former). The power is the C library's pow, as JAX computes `decay ** count`.
    @inline(__always)
    static func biasCorrection(_ decay: Double, _ count: Int) -> Double { 1 / (1 - LibM.pow(decay, Double(count))) }

    /// `x ** count` for a float `x` and an int32 count outside jit, as JAX computes it: by squaring
    /// (acc ← 1; per bit of `count` from the lowest: acc ← acc·x if set, x ← x·x), not the C library's pow
    /// (measured: equal on 1,596 of 1,596 (decay, t) pairs, against pow's 18).
    static func integerPower(_ x: Double, _ count: Int) -> Double {
        var (base, exponent, result) = (x, count, 1.0)
        while exponent > 0 {
            if exponent & 1 == 1 { result *= base }
            base *= base
            exponent >>= 1
        }
        return result
    }

    /// `tree_update_moment(g, m, decay, 1)`: (1 − decay)·g + decay·m, each product rounded.
    @inline(__always)
    static func moment(_ m: Double, _ g: Double, decay: Double) -> Double { (1 - decay) * g + decay * m }

    /// `tree_update_moment_per_elem_norm(g, v, decay, 2)`: (1 − decay)·g² + decay·v, each product rounded.
    @inline(__always)
    static func squaredMoment(_ v: Double, _ g: Double, decay: Double) -> Double { (1 - decay) * (g * g) + decay * v }

    /// `add_decayed_weights`: u + λ·θ, or u itself for λ = 0 (optax skips a zero constant decay).
    @inline(__always)
    static func decayed(_ u: Double, _ theta: Double, weightDecay: Double) -> Double {
        weightDecay != 0 ? u + weightDecay * theta : u
    }

    /// `jnp.sign`: −1, 0 or 1 (0 for ±0; NaN stays NaN).
    @inline(__always)
    static func sign(_ x: Double) -> Double { x > 0 ? 1 : (x < 0 ? -1 : x) }

    /// `jnp.linalg.norm` of `count` values: s ← x²ₙ₋₁, then s ← fma(xᵢ, xᵢ, s) from the last but one to
    /// the first, √s. That is XLA's CPU reduction for one and two values (measured: 3,000 of 3,000 random
    /// pairs); for longer tensors XLA's vectorised reduction adds in an order of its own, and the result
    /// may differ from it in the last bit.
    static func norm(_ x: UnsafePointer<Double>, count: Int) -> Double {
        guard count > 0 else { return 0 }
        var sum = x[count - 1] * x[count - 1]
        for i in stride(from: count - 2, through: 0, by: -1) { sum = sum.addingProduct(x[i], x[i]) }
        return sum.squareRoot()
    }
}

extension Optax {
    /// `scale_by_trust_ratio`'s factor for one tensor: c·‖θ‖ / (‖u‖ + ε), or 1 when either norm is 0.
    static func trustRatio(parameters: UnsafePointer<Double>, update: UnsafePointer<Double>, count: Int,
                           coefficient: Double, epsilon: Double) -> Double {
        let parameterNorm = norm(parameters, count: count), updateNorm = norm(update, count: count)
        if parameterNorm == 0 || updateNorm == 0 { return 1 }
        return coefficient * parameterNorm / (updateNorm + epsilon)
    }
}
