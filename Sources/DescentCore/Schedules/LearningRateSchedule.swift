/// A learning-rate schedule: a pure function from the optimizer step t = 0, 1, 2, … to a rate.
///
/// As PyTorch's schedulers do, each schedule scales the optimizer's base rate γ₀ (`base`); the
/// scheduler is stepped once per optimizer step, so PyTorch's `last_epoch` is our t.
public indirect enum LearningRateSchedule: Sendable, Equatable {
    /// γ₀ for every t.
    case constant
    /// γ₀ · γ^⌊t / step_size⌋ (`StepLR`).
    case step(stepSize: Int, gamma: Double)
    /// γ₀ · γ^(number of milestones ≤ t) (`MultiStepLR`).
    case multiStep(milestones: [Int], gamma: Double)
    /// γ₀ · γᵗ (`ExponentialLR`).
    case exponential(gamma: Double)
    /// η_min + (γ₀ − η_min)(1 + cos(πt / T_max)) / 2 — `CosineAnnealingLR`'s closed form
    /// (periodic beyond T_max, as that closed form is).
    case cosine(tMax: Int, etaMin: Double)
    /// γ₀ · (f + (1 − f)·t / w) for t < w (`LinearLR` from start factor f to 1), then `then`
    /// evaluated at t − w (`SequentialLR`).
    case linearWarmup(warmupSteps: Int, startFactor: Double, then: LearningRateSchedule)
    /// γ₀ · min(s / w, √(w / s)) with s = t + 1: linear warm-up to γ₀ at s = w, then ∝ 1/√s
    /// (the Transformer schedule normalised to peak at γ₀).
    case inverseSqrt(warmupSteps: Int)
    /// `OneCycleLR`: from max_lr/div_factor up to max_lr at step pct_start·total − 1, then down to
    /// max_lr/(div_factor·final_div_factor) at step total − 1; with `threePhase`, back to max_lr/div_factor
    /// at 2·pct_start·total − 2 first. Each phase anneals by cosine, or linearly with `linearAnneal`.
    /// With `momentum`, the momentum goes the other way in the same phases (max → base → max; three
    /// phases: max → base → max → max). Ignores γ₀.
    case oneCycle(maxLR: Double, totalSteps: Int, pctStart: Double, divFactor: Double, finalDivFactor: Double,
                  threePhase: Bool = false, linearAnneal: Bool = false, momentum: MomentumCycle? = nil)
    /// γ₀ · (s + (e − s)·min(T, t)/T) (`LinearLR` from start factor s to end factor e over T steps).
    case linear(startFactor: Double, endFactor: Double, totalIters: Int)
    /// γ₀ · (f + [t ≥ T](1 − f)): the factor f for the first T steps, then γ₀ (`ConstantLR`).
    case constantFactor(factor: Double, totalIters: Int)
    /// γ₀ · (1 − min(T, t)/T)^p (`PolynomialLR`).
    case polynomial(totalIters: Int, power: Double)
    /// η_min + (γ₀ − η_min)(1 + cos(π·t_cur/T_i))/2 with t_cur the steps since the last restart and
    /// T_i = T₀·T_mult^i the current period (`CosineAnnealingWarmRestarts`).
    case cosineWarmRestarts(t0: Int, tMult: Int, etaMin: Double)
    /// `CyclicLR`: from base_lr up to max_lr over step_size_up steps and back over step_size_down, the
    /// amplitude scaled per `CyclicMode`; with `momentum`, the momentum from max down to base and back,
    /// inversely to the rate and with the same amplitude scaling. Ignores γ₀.
    case cyclic(baseLR: Double, maxLR: Double, stepSizeUp: Int, stepSizeDown: Int, mode: CyclicMode, gamma: Double,
                momentum: MomentumCycle? = nil)

    /// γ₀ · λ(t) for a formula λ in t (`LambdaLR`).
    case lambda(ScheduleFormula)

    /// `SequentialLR`: `schedules[i]` from step `milestones[i − 1]` on (the first from 0), each evaluated at the
    /// steps since its milestone, as torch restarts each later scheduler with `step(0)` at its milestone.
    /// `milestones` has one entry fewer than `schedules` and increases.
    case sequential(schedules: [LearningRateSchedule], milestones: [Int])

    /// `ReduceLROnPlateau`: γ₀ times a factor for each plateau of the loss seen so far. Not a function of t:
    /// the training loop keeps its state (`PlateauTracker`), and `learningRate(at:base:)` gives only the
    /// rate before the first reduction, γ₀.
    case reduceOnPlateau(ReduceOnPlateau)

    /// Whether the rate depends on observed losses (so the run needs the general loop, which observes them).
    public var isStateful: Bool {
        if case .reduceOnPlateau = self { return true }
        return false
    }

    /// The momentum range a `oneCycle` or `cyclic` schedule cycles (torch's `cycle_momentum=True`), nil when it
    /// sets the rate only.
    public var momentumCycle: MomentumCycle? {
        switch self {
        case let .oneCycle(_, _, _, _, _, _, _, momentum): momentum
        case let .cyclic(_, _, _, _, _, _, momentum): momentum
        default: nil
        }
    }

    /// How `cyclic` scales its amplitude.
    public enum CyclicMode: String, Sendable, Equatable, CaseIterable {
        /// Constant amplitude.
        case triangular
        /// Amplitude halved every cycle: 1/2^(cycle − 1).
        case triangular2
        /// Amplitude γᵗ.
        case expRange = "exp_range"
    }

    /// The learning rate at optimizer step `t` for base rate `base`.
    public func learningRate(at t: Int, base: Double) -> Double {
        switch self {
        case .constant:
            return base
        case let .step(stepSize, gamma):
            return base * Self.power(gamma, t / stepSize)
        case let .multiStep(milestones, gamma):
            return base * Self.power(gamma, milestones.reduce(0) { $0 + ($1 <= t ? 1 : 0) })
        case let .exponential(gamma):
            return base * Self.power(gamma, t)
        case let .cosine(tMax, etaMin):
            return etaMin + (base - etaMin) * (1 + LibM.cos(Double.pi * Double(t) / Double(tMax))) / 2
        case let .linearWarmup(warmupSteps, startFactor, then):
            if t < warmupSteps {
                return base * (startFactor + (1 - startFactor) * Double(t) / Double(warmupSteps))
            }
            return then.learningRate(at: t - warmupSteps, base: base)
        case let .inverseSqrt(warmupSteps):
            let s = Double(t + 1), w = Double(warmupSteps)
            return base * min(s / w, (w / s).squareRoot())
        case let .oneCycle(maxLR, totalSteps, pctStart, divFactor, finalDivFactor, threePhase, linearAnneal, _):
            let initial = maxLR / divFactor
            let minimum = initial / finalDivFactor
            let (phase, fraction) = Self.oneCyclePhase(at: t, totalSteps: totalSteps, pctStart: pctStart, threePhase: threePhase)
            let anneal = linearAnneal ? Self.linearAnneal : Self.cosineAnneal
            switch phase {
            case 0: return anneal(initial, maxLR, fraction)
            case 1 where threePhase: return anneal(maxLR, initial, fraction)
            default: return anneal(threePhase ? initial : maxLR, minimum, fraction)
            }
        case let .linear(startFactor, endFactor, totalIters):
            return base * (startFactor + (endFactor - startFactor) * Double(min(totalIters, t)) / Double(totalIters))
        case let .constantFactor(factor, totalIters):
            return base * (factor + (t >= totalIters ? 1 : 0) * (1 - factor))
        case let .polynomial(totalIters, power):
            return base * LibM.pow(1.0 - Double(min(totalIters, t)) / Double(totalIters), power)
        case let .cosineWarmRestarts(t0, tMult, etaMin):
            // Walk the restarts (T_i grows geometrically, so O(log t) when T_mult > 1).
            var sinceRestart = t, period = t0
            if tMult == 1 {
                sinceRestart = t % t0
            } else {
                while sinceRestart >= period { sinceRestart -= period; period *= tMult }
            }
            return etaMin + (base - etaMin) * (1 + LibM.cos(Double.pi * Double(sinceRestart) / Double(period))) / 2
        case let .cyclic(baseLR, maxLR, stepSizeUp, stepSizeDown, mode, gamma, _):
            let (scale, amplitude) = Self.cyclicPosition(at: t, stepSizeUp: stepSizeUp, stepSizeDown: stepSizeDown,
                                                         mode: mode, gamma: gamma)
            return baseLR + (maxLR - baseLR) * scale * amplitude
        case let .lambda(formula):
            return base * formula.factor(at: t)
        case let .sequential(schedules, milestones):
            // bisect_right: the number of milestones ≤ t.
            let index = milestones.reduce(0) { $0 + ($1 <= t ? 1 : 0) }
            return schedules[index].learningRate(at: index == 0 ? t : t - milestones[index - 1], base: base)
        case .reduceOnPlateau:
            return base
        }
    }

    /// The momentum at optimizer step `t` of a schedule that cycles it (`momentumCycle` not nil), as torch's
    /// `get_lr` sets the param group's `momentum` or `betas[0]` for step t; nil for every other schedule.
    public func momentum(at t: Int) -> Double? {
        switch self {
        case let .oneCycle(_, totalSteps, pctStart, _, _, threePhase, linearAnneal, momentum?):
            let (phase, fraction) = Self.oneCyclePhase(at: t, totalSteps: totalSteps, pctStart: pctStart, threePhase: threePhase)
            let anneal = linearAnneal ? Self.linearAnneal : Self.cosineAnneal
            switch phase {
            case 0: return anneal(momentum.max, momentum.base, fraction)
            case 1: return anneal(momentum.base, momentum.max, fraction)
            default: return anneal(momentum.max, momentum.max, fraction)
            }
        case let .cyclic(_, _, stepSizeUp, stepSizeDown, mode, gamma, momentum?):
            let (scale, amplitude) = Self.cyclicPosition(at: t, stepSizeUp: stepSizeUp, stepSizeDown: stepSizeDown,
                                                         mode: mode, gamma: gamma)
            return momentum.max - (momentum.max - momentum.base) * scale * amplitude
        default:
            return nil
        }
    }

    /// OneCycleLR's phase (0, 1, then 2 with `threePhase`) at step `t` and the fraction of it done, torch's
    /// `(step − start) / (end − start)` (the last phase's clamped at 1 for the final row at t = total).
    static func oneCyclePhase(at t: Int, totalSteps: Int, pctStart: Double, threePhase: Bool) -> (phase: Int, fraction: Double) {
        let peak = pctStart * Double(totalSteps) - 1
        let trough = 2 * pctStart * Double(totalSteps) - 2
        let end = Double(totalSteps - 1)
        let x = Double(t)
        if x <= peak { return (0, peak > 0 ? x / peak : 1) }
        if threePhase && x <= trough { return (1, (x - peak) / (trough - peak)) }
        let start = threePhase ? trough : peak
        return (threePhase ? 2 : 1, min(1, (x - start) / (end - start)))
    }

    /// CyclicLR's position at step `t`: the scale factor (0 at base_lr, 1 at max_lr) and the mode's amplitude.
    static func cyclicPosition(at t: Int, stepSizeUp: Int, stepSizeDown: Int, mode: CyclicMode,
                               gamma: Double) -> (scale: Double, amplitude: Double) {
        let total = Double(stepSizeUp) + Double(stepSizeDown)
        let ratio = Double(stepSizeUp) / total
        let cycle = (1 + Double(t) / total).rounded(.down)
        let x = 1.0 + Double(t) / total - cycle
        let scale = x <= ratio ? x / ratio : (x - 1) / (ratio - 1)
        let amplitude: Double = switch mode {
        case .triangular: 1.0
        case .triangular2: 1 / LibM.pow(2.0, cycle - 1)
        case .expRange: LibM.pow(gamma, Double(t))
        }
        return (scale, amplitude)
    }

    /// OneCycleLR's `_annealing_cos`: end + (start − end)/2 · (cos(π·fraction) + 1).
    static func cosineAnneal(_ start: Double, _ end: Double, _ fraction: Double) -> Double {
        end + (start - end) / 2 * (LibM.cos(Double.pi * fraction) + 1)
    }

    /// OneCycleLR's `_annealing_linear`: (end − start)·fraction + start.
    static func linearAnneal(_ start: Double, _ end: Double, _ fraction: Double) -> Double {
        (end - start) * fraction + start
    }

    /// γⁿ as the closed forms' `gamma ** n` computes it (C `pow`).
    static func power(_ x: Double, _ n: Int) -> Double { LibM.pow(x, Double(n)) }
}

/// The momentum range of `CyclicLR` and `OneCycleLR` with `cycle_momentum`: the momentum (SGD's and RMSprop's
/// μ, the Adam family's β₁) is `max` where the rate is lowest and `base` where it peaks.
public struct MomentumCycle: Sendable, Equatable, Hashable {
    /// torch's `base_momentum`: the momentum at the rate's peak.
    public var base: Double
    /// torch's `max_momentum`: the momentum at the cycle's start.
    public var max: Double

    /// A range from `base` (at the peak rate) to `max`.
    public init(base: Double, max: Double) { self.base = base; self.max = max }
}
