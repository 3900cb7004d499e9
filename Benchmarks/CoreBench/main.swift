import DescentCore
#if canImport(Glibc)
import Glibc
#endif

// Core benchmark: optimizer steps per second on 2-D Rosenbrock with Adam (recording every step,
// params included), and MLP 2-16-16-1 epochs per second (batch 32). Single thread, release build.
// Usage: descent-bench [rosenbrock-steps] [repeats] [all|rosenbrock|mlp|bare|rules|transforms|sweep [members [kept|streamed|both
//        [lockstep|alone|both]]]]
// `rules` instead runs every torch-named and optax-named update rule on 2-D Rosenbrock the same way; `transforms`
// runs Adam there with each gradient transform and parameter average (the general loop) and with `record_internals`
// (the general loop too) beside none (the fast path).
// `sweep`: a learning-rate sweep of 2-D Rosenbrock + Adam (every step recorded), run once as a lockstep group
// and once member by member, back to back in this process; prints aggregate member-steps per CPU-second.

let arguments = CommandLine.arguments
let steps = arguments.count > 1 ? Int(arguments[1]) ?? 2_000_000 : 2_000_000
let repeats = arguments.count > 2 ? Int(arguments[2]) ?? 5 : 5
let only = arguments.count > 3 ? arguments[3] : "all"
let sweepMembers = arguments.count > 4 ? Int(arguments[4]) ?? 64 : 64
/// The sweep's recordings (`kept`, `streamed` or `both`) and paths (`lockstep`, `alone` or `both`); one of each
/// gives a single workload for `valgrind --tool=callgrind` or `perf`.
let sweepRecordings = arguments.count > 5 && arguments[5] != "both" ? [arguments[5] == "streamed"] : [false, true]
let sweepPaths = arguments.count > 6 ? arguments[6] : "both"

/// CPU seconds this thread has used (wall-clock time misleads on a shared, loaded machine).
func threadCPUSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) * 1e-9
}

/// CPU seconds this thread spent in `body`; the wall-clock seconds go to `wallSeconds`.
func time(_ body: () -> Void) -> Double {
    let clock = ContinuousClock()
    let cpuStart = threadCPUSeconds()
    let elapsed = clock.measure(body)
    wallSeconds.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
    return threadCPUSeconds() - cpuStart
}
// Unsafe global: the benchmark is one thread of top-level code; nothing else touches it.
nonisolated(unsafe) var wallSeconds: [Double] = []

func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

// 0. The bare loop (no trainer, no recording), for reference.
if only == "bare" {
    var p: [Double] = [-1.2, 1], g: [Double] = [0, 0]
    var optimizer = Adam(dimension: 2)
    let seconds = time {
        for _ in 0..<steps {
            _ = RosenbrockObjective().valueAndGradient(at: p, gradient: &g)
            optimizer.step(parameters: &p, gradient: &g, learningRate: 1e-3)
        }
    }
    print("bare_rosenbrock2d_adam: steps_per_cpu_s=\(Int(Double(steps) / seconds)) params=\(p)")
}

// 0b. Every torch-named and optax-named rule on Rosenbrock-2D from (−1.2, 1), every step recorded; the
// reference's defaults except lr where those diverge (optax has no default lr: Descent's defaults).
if only == "rules" {
    let rules: [(String, OptimizerConfiguration)] = [
        ("sgd", .sgd(lr: 1e-3, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, maximize: false)),
        ("sgd_nesterov", .sgd(lr: 1e-3, momentum: 0.9, dampening: 0, nesterov: true, weightDecay: 0, maximize: false)),
        ("adam", .adam(lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, amsgrad: false)),
        ("adamw", .adamw(lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 1e-2, amsgrad: false)),
        ("adagrad", .adagrad(lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10)),
        ("rmsprop", .rmsprop(lr: 1e-3, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false)),
        ("nadam", .nadam(lr: 2e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, momentumDecay: 4e-3,
                         decoupledWeightDecay: false, maximize: false)),
        ("radam", .radam(lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupledWeightDecay: false,
                         maximize: false)),
        ("adamax", .adamax(lr: 2e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, maximize: false)),
        ("adadelta", .adadelta(lr: 1, rho: 0.9, eps: 1e-6, weightDecay: 0, maximize: false)),
        ("rprop", .rprop(lr: 1e-3, etaMinus: 0.5, etaPlus: 1.2, stepSizeMin: 1e-6, stepSizeMax: 50, maximize: false)),
        ("asgd", .asgd(lr: 1e-3, lambd: 1e-4, alpha: 0.75, t0: 1e6, weightDecay: 0, maximize: false)),
        ("lbfgs_strong_wolfe", .lbfgs(lr: 1, maxIter: 20, maxEval: nil, toleranceGrad: 1e-7, toleranceChange: 1e-9,
                                      historySize: 100, strongWolfe: true)),
        ("lion", .lion(lr: 1e-4, b1: 0.9, b2: 0.99, weightDecay: 1e-3)),
        ("adabelief", .adabelief(lr: 1e-3, b1: 0.9, b2: 0.999, eps: 1e-16, epsRoot: 1e-16, nesterov: false)),
        ("yogi", .yogi(lr: 1e-2, b1: 0.9, b2: 0.999, eps: 1e-3, initialAccumulatorValue: 1e-6)),
        ("lamb", .lamb(lr: 1e-3, b1: 0.9, b2: 0.999, eps: 1e-6, epsRoot: 0, weightDecay: 0)),
        ("lars", .lars(lr: 1, weightDecay: 0, trustCoefficient: 1e-3, eps: 0, momentum: 0.9, nesterov: false)),
        ("prodigy", .prodigy(lr: 1, beta1: 0.9, beta2: 0.999, beta3: nil, eps: 1e-8, estimLR0: 1e-6, estimLRCoef: 1,
                             weightDecay: 0, safeguardWarmup: false)),
        ("sam", .sam(.optax(lr: 1e-3, rho: 0.05, momentum: 0, nesterov: false))),
        ("asam", .sam(.adaptive(lr: 1e-3, rho: 0.5, eta: 0.01, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false))),
        ("adan", .adan(lr: 1e-3, b1: 0.98, b2: 0.92, b3: 0.99, eps: 1e-8, epsRoot: 1e-8, weightDecay: 0)),
        ("schedule_free_sgd", .scheduleFreeSGD(lr: 1e-3, b1: 0.9, weightDecay: 0, weightLRPower: 2)),
        ("schedule_free_adamw", .scheduleFreeAdamW(lr: 2.5e-3, b1: 0.9, b2: 0.999, eps: 1e-8, weightDecay: 0, weightLRPower: 2)),
    ]
    let ruleConfig = TrainingConfiguration(start: [-1.2, 1], steps: steps, learningRate: 1e-3)
    for (name, rule) in rules {
        var ruleRates: [Double] = []
        var stop = StopReason.budget
        for _ in 0..<repeats {
            var config = ruleConfig
            config.learningRate = rule.learningRate
            var result: RunResult?
            let seconds = time { result = Trainer.run(objective: RosenbrockObjective(), optimizer: rule, configuration: config) }
            ruleRates.append(Double(result?.summary.stepsRun ?? 0) / seconds)
            stop = result?.summary.stopReason ?? .cancelled
        }
        print("rosenbrock2d_\(name)_record_every_step: steps=\(steps) repeats=\(repeats) "
              + "median_steps_per_cpu_s=\(Int(median(ruleRates))) stop=\(stop)")
    }
}

// 0c. Adam on Rosenbrock-2D with each transform (every step recorded), beside the same run without one.
if only == "transforms" {
    // "internals": no transform, `record_internals` on (the general loop, with m, v and the update's size per row).
    let variants: [(String, [GradientTransform], ParameterAveraging?)] = [
        ("none", [], nil),
        ("internals", [], nil),
        ("clip_grad_norm", [.clipNorm(maxNorm: 1, infinity: false)], nil),
        ("clip_grad_value", [.clipValue(1)], nil),
        ("gradient_noise", [.noise(eta: 1e-4, gamma: 0.55)], nil),
        ("ema", [], .ema(decay: 0.999)),
        ("polyak", [], .polyak),
    ]
    let adamRule = OptimizerConfiguration.adam(lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, amsgrad: false)
    for (name, transforms, averaging) in variants {
        var variantRates: [Double] = []
        for _ in 0..<repeats {
            var config = TrainingConfiguration(start: [-1.2, 1], steps: steps, learningRate: 1e-3)
            config.transforms = transforms
            config.averaging = averaging
            config.recordInternals = name == "internals"
            var result: RunResult?
            let seconds = time { result = Trainer.run(objective: RosenbrockObjective(), optimizer: adamRule, configuration: config) }
            variantRates.append(Double(result?.summary.stepsRun ?? 0) / seconds)
        }
        print("rosenbrock2d_adam_\(name)_record_every_step: steps=\(steps) repeats=\(repeats) "
              + "median_steps_per_cpu_s=\(Int(median(variantRates)))")
    }
}

// 1. Rosenbrock-2D + Adam, every step recorded.
let adam = OptimizerConfiguration.adam(lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, amsgrad: false)
let rosenbrock = RosenbrockObjective()
let config = TrainingConfiguration(start: [-1.2, 1], steps: steps, learningRate: 1e-3)
var rates: [Double] = []
var lastResult: RunResult?
for _ in 0..<(only == "all" || only == "rosenbrock" ? repeats : 0) {
    var result: RunResult?
    let seconds = time { result = Trainer.run(objective: rosenbrock, optimizer: adam, configuration: config) }
    rates.append(Double(steps) / seconds)
    lastResult = result
}
if let r = lastResult {
    let t = r.trajectory
    let values = t.step.count + t.epoch.count + t.lr.count + t.loss.count + t.gradNorm.count + t.params.count
    let bytes = t.step.count * MemoryLayout<Int>.stride + t.epoch.count * MemoryLayout<Int>.stride
        + (t.lr.count + t.loss.count + t.gradNorm.count + t.params.count) * MemoryLayout<Double>.stride
    print("rosenbrock2d_adam_record_every_step: steps=\(steps) repeats=\(repeats) "
          + "median_steps_per_cpu_s=\(Int(median(rates))) min=\(Int(rates.min() ?? 0)) max=\(Int(rates.max() ?? 0)) "
          + "median_steps_per_wall_s=\(Int(Double(steps) / median(wallSeconds)))")
    print("rosenbrock2d_adam_final: params=\(r.summary.finalParams) loss=\(r.summary.finalLoss)")
    print("trajectory_storage: rows=\(t.count) values=\(values) bytes=\(bytes) bytes_per_value=\(Double(bytes) / Double(values))")
}

// 2. MLP 2-16-16-1 (tanh, BCE) on 1024 two-moons samples, batch 32 ⇒ 32 updates per epoch.
let moons = SyntheticDataset.twoMoons(samples: 1024, noise: 0.1, seed: 1)
let mlp = MLPObjective(training: moons, hiddenLayers: [16, 16], activation: .tanh)
let epochs = 50
var mlpConfig = TrainingConfiguration(start: mlp.initialParameters(seed: 1), steps: epochs * 32, learningRate: 1e-2)
mlpConfig.batchSize = 32
mlpConfig.recordParams = false
let mlpAdam = OptimizerConfiguration.adam(lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, amsgrad: false)
var epochRates: [Double] = []
wallSeconds = []
var mlpLoss = 0.0
for _ in 0..<(only == "all" || only == "mlp" ? repeats : 0) {
    var result: RunResult?
    let seconds = time { result = Trainer.run(objective: mlp, optimizer: mlpAdam, configuration: mlpConfig) }
    epochRates.append(Double(epochs) / seconds)
    mlpLoss = result?.summary.finalLoss ?? .nan
}
if !epochRates.isEmpty {
    print("mlp_2_16_16_1_batch32: samples=1024 epochs=\(epochs) repeats=\(repeats) "
      + "median_epochs_per_cpu_s=\(Int(median(epochRates))) median_epochs_per_wall_s=\(Int(Double(epochs) / median(wallSeconds))) "
          + "final_loss=\(mlpLoss)")
}

// 3. A learning-rate sweep of Rosenbrock-2D + Adam: `sweepMembers` members, `steps` steps each, every step
// recorded; lockstep (`Trainer.runLockstep`) and one after another (`Trainer.run`), alternating per repeat.
// Two recordings: `kept` (each result holds its whole trajectory, as `descent run` and the library's callers
// get it) and `streamed` (`keepsTrajectory` false: the rows go in chunks of 1,024 steps to a receiver, here a
// checksum of every recorded value, as the service's workers hand them to the store).
if only == "sweep" {
    /// Rows received and an XOR of every recorded value's bits, per member.
    final class Checksum {
        var rows = 0
        var bits: UInt64 = 0
        func add(_ chunk: TrajectoryChunk) {
            let r = chunk.records
            rows += r.count
            for i in 0..<r.count {
                bits ^= UInt64(bitPattern: Int64(r.step[i])) ^ r.lr[i].bitPattern ^ r.loss[i].bitPattern
                    ^ r.gradNorm[i].bitPattern
            }
            for p in r.params { bits ^= p.bitPattern }
        }
    }
    for streamed in sweepRecordings {
        func members(_ sums: [Checksum]) -> [LockstepMember] {
            (0..<sweepMembers).map { i in
                let lr = 1e-3 * pow(10, 2 * Double(i) / Double(max(1, sweepMembers - 1)))  // 1e-3 … 1e-1
                var configuration = TrainingConfiguration(start: [-1.2, 1], steps: steps, learningRate: lr)
                configuration.keepsTrajectory = !streamed
                return LockstepMember(objective: rosenbrock, optimizer: adam, configuration: configuration,
                                      onProgress: streamed ? sums[i].add : nil)
            }
        }
        var lockstepRates: [Double] = [], singleRates: [Double] = []
        var identical = true
        for _ in 0..<repeats {
            let groupSums = (0..<sweepMembers).map { _ in Checksum() }, aloneSums = (0..<sweepMembers).map { _ in Checksum() }
            let groupMembers = members(groupSums), aloneMembers = members(aloneSums)
            var group: [RunResult] = []
            if sweepPaths != "alone" {
                let groupSeconds = time { group = Trainer.runLockstep(groupMembers) }
                lockstepRates.append(Double(steps * sweepMembers) / groupSeconds)
            }
            var alone: [RunResult] = []
            if sweepPaths != "lockstep" {
                let aloneSeconds = time {
                    alone = aloneMembers.map {
                        Trainer.run(objective: $0.objective, optimizer: $0.optimizer, configuration: $0.configuration,
                                    onProgress: $0.onProgress)
                    }
                }
                singleRates.append(Double(steps * sweepMembers) / aloneSeconds)
            }
            guard sweepPaths == "both" else { continue }
            identical = identical && zip(group, alone).allSatisfy {
                $0.trajectory.loss.map(\.bitPattern) == $1.trajectory.loss.map(\.bitPattern)
                    && $0.trajectory.params.map(\.bitPattern) == $1.trajectory.params.map(\.bitPattern)
                    && $0.summary.finalParams.map(\.bitPattern) == $1.summary.finalParams.map(\.bitPattern)
            } && zip(groupSums, aloneSums).allSatisfy { $0.rows == $1.rows && $0.bits == $1.bits }
              && (!streamed || groupSums.allSatisfy { $0.rows == steps + 1 })
            group = []; alone = []
        }
        guard sweepPaths == "both" else {
            let rates = sweepPaths == "lockstep" ? lockstepRates : singleRates
            print("sweep_rosenbrock2d_adam_record_every_step: recording=\(streamed ? "streamed" : "kept") path=\(sweepPaths) "
                  + "members=\(sweepMembers) steps=\(steps) median_member_steps_per_cpu_s=\(Int(median(rates)))")
            continue
        }
        print("sweep_rosenbrock2d_adam_record_every_step: recording=\(streamed ? "streamed" : "kept") members=\(sweepMembers) "
              + "steps=\(steps) repeats=\(repeats) "
              + "lockstep_median_member_steps_per_cpu_s=\(Int(median(lockstepRates))) "
              + "single_median_member_steps_per_cpu_s=\(Int(median(singleRates))) "
              + "ratio=\(Double(Int(100 * median(lockstepRates) / median(singleRates))) / 100) identical=\(identical)")
    }
}
