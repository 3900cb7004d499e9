/// One change to the batch gradient between its evaluation and the update (a spec `transforms` entry).
public enum GradientTransform: Sendable, Equatable {
    /// `torch.nn.utils.clip_grad_norm_(params, max_norm, norm_type)`: with N the 2-norm (or, `infinity`,
    /// the largest |gᵢ|) of the gradient, c = min(max_norm · (1/(N + 10⁻⁶)), 1) and g ← c·g — every step, c = 1
    /// included, as torch multiplies unconditionally.
    case clipNorm(maxNorm: Double, infinity: Bool)
    /// `torch.nn.utils.clip_grad_value_(params, clip_value)`: gᵢ ← min(max(gᵢ, −c), c).
    case clipValue(Double)
    /// Annealed Gaussian noise (Neelakantan et al. 2015, "Adding gradient noise improves learning for very
    /// deep networks"): gᵢ ← gᵢ + σₜ·zᵢ, σₜ² = η/(1 + t)^γ at update t = 0, 1, …, zᵢ standard normal.
    case noise(eta: Double, gamma: Double)
}

/// A running average of the parameters after each update (a spec `ema` or `polyak` entry).
public enum ParameterAveraging: Sendable, Equatable {
    /// torch.optim.swa_utils.AveragedModel with `multi_avg_fn=get_ema_multi_avg_fn(decay)`: the first update's
    /// parameters, then θ̄ ← θ̄.lerp(θ, 1 − decay).
    case ema(decay: Double)
    /// torch.optim.swa_utils.AveragedModel's default on the CPU (`get_swa_avg_fn`): the first update's parameters,
    /// then θ̄ ← θ̄ + (θ − θ̄)/(k + 1) with k the updates averaged so far — the mean of θ₁ … θₜ.
    case polyak
}

/// The gradient transforms of one run, in order, with the noise generator's state.
///
/// The noise stream is SplitMix64 (`SeededRandom`) seeded with the first output of a SplitMix64 seeded with
/// the spec's seed XOR `noiseSeedSalt`, so it is independent of the batch shuffles and of the initial point,
/// which use the seed itself. Coordinates draw in order 0 … n − 1 at each update, one Box–Muller normal each
/// (`SeededRandom.nextGaussian`).
struct GradientTransformChain: Sendable {
    /// The transforms, applied first to last.
    let transforms: [GradientTransform]
    /// The noise generator (advanced only by `noise` transforms).
    private var random: SeededRandom

    /// XOR-ed into the spec's seed to derive the noise stream ("noise" in ASCII).
    static let noiseSeedSalt: UInt64 = 0x6E_6F_69_73_65

    /// A chain for `transforms` whose noise derives from `seed`.
    init(_ transforms: [GradientTransform], seed: UInt64) {
        self.transforms = transforms
        var derive = SeededRandom(seed: seed ^ Self.noiseSeedSalt)
        random = SeededRandom(seed: derive.next())
    }

    /// Applies every transform in order to `gradient` before update `t` (0-based).
    mutating func apply(to gradient: inout [Double], step t: Int) {
        for transform in transforms {
            switch transform {
            case let .clipNorm(maxNorm, infinity):
                let norm = infinity ? Self.largestMagnitude(gradient) : Self.euclideanNorm(gradient)
                // torch computes max_norm / (N + 1e-6) as a Python float over a tensor, which is
                // `reciprocal(N + 1e-6) * max_norm`: two roundings, not one division.
                let coefficient = min((1 / (norm + 1e-6)) * maxNorm, 1.0)
                for i in gradient.indices { gradient[i] *= coefficient }
            case let .clipValue(c):
                for i in gradient.indices { gradient[i] = min(max(gradient[i], -c), c) }
            case let .noise(eta, gamma):
                let sigma = Self.noiseDeviation(eta: eta, gamma: gamma, step: t)
                for i in gradient.indices { gradient[i] += sigma * random.nextGaussian() }
            }
        }
    }

    /// σₜ = √(η/(1 + t)^γ).
    static func noiseDeviation(eta: Double, gamma: Double, step t: Int) -> Double {
        (eta / LibM.pow(1 + Double(t), gamma)).squareRoot()
    }

    /// √(Σ gᵢ²) rounded as torch's CPU `_foreach_norm` sums (measured against torch 2.13): four partial sums
    /// s_j ← fma(gᵢ, gᵢ, s_j) over whole groups of four (i ≡ j mod 4), added s₀ + s₁ + s₂ + s₃, then the
    /// remaining coordinates fused in one by one. That is torch's order exactly up to 7 coordinates (so on
    /// every 2-D objective); beyond, its kernel's wider reduction tree is not reproduced and the norm can
    /// differ in the last bit. `g` is an array or a slice of one (ASAM's tensors).
    static func euclideanNorm<C: RandomAccessCollection<Double>>(_ g: C) -> Double where C.Index == Int {
        var partial = (0.0, 0.0, 0.0, 0.0)
        let start = g.startIndex
        let whole = start + g.count / 4 * 4
        var i = start
        while i < whole {
            partial.0 = partial.0.addingProduct(g[i], g[i])
            partial.1 = partial.1.addingProduct(g[i + 1], g[i + 1])
            partial.2 = partial.2.addingProduct(g[i + 2], g[i + 2])
            partial.3 = partial.3.addingProduct(g[i + 3], g[i + 3])
            i += 4
        }
        var squares = partial.0 + partial.1 + partial.2 + partial.3
        while i < g.endIndex {
            squares = squares.addingProduct(g[i], g[i])
            i += 1
        }
        return squares.squareRoot()
    }

    /// max |gᵢ| (0 for no coordinates; NaN when a coordinate is NaN, as torch's reduction propagates it).
    static func largestMagnitude(_ g: [Double]) -> Double {
        var largest = 0.0
        for x in g {
            if x.isNaN { return .nan }
            largest = max(largest, abs(x))
        }
        return largest
    }
}

/// The running parameter average of one run.
struct ParameterAverage: Sendable {
    /// How it averages.
    let averaging: ParameterAveraging
    /// The average so far (empty before the first update).
    private(set) var point: [Double] = []
    /// Updates averaged so far.
    private(set) var count = 0

    /// An empty average.
    init(_ averaging: ParameterAveraging) { self.averaging = averaging }

    /// Takes the parameters after an update into the average.
    mutating func update(_ theta: [Double]) {
        defer { count += 1 }
        guard count > 0 else { point = theta; return }
        switch averaging {
        case let .ema(decay):
            let weight = 1 - decay
            for i in point.indices { point[i] = Torch.lerp(point[i], theta[i], weight: weight) }
        case .polyak:
            let divisor = Double(count + 1)
            for i in point.indices { point[i] = point[i] + (theta[i] - point[i]) / divisor }
        }
    }
}
