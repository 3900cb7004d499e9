#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Cost of one update and of one epoch against the batch size B, measured by running the trainer.
///
/// For each B the experiment's model and optimizer train for `epochs` whole epochs (⌈N/B⌉ updates each,
/// the last batch of an epoch possibly short) from the experiment's start, recording one row and evaluating
/// the full training-set loss only at the start and the end. What a run costs besides its updates (those two
/// evaluations, the summary's final full-set gradient, setting up the model's buffers: about three passes over the
/// training set, which would be spread over the run's updates and weigh most where there are few) is measured by a
/// run of one update made just after it and taken off: the figure is (time of epochs × ⌈N/B⌉ + 1 updates − time of
/// 1 update) / (epochs × ⌈N/B⌉), the updates alone. Each B is run `repeats` times and the fastest of each of the
/// two runs is kept: interference from other work on a shared machine only ever adds time. Time is the calling
/// thread's CPU time (`CLOCK_THREAD_CPUTIME_ID`), not wall-clock time.
///
/// One thread, by design: by default the models sum their batch's per-sample gradients in sample order, as every
/// experiment does, and those figures grow with B — what one core pays per update, not what parallel hardware
/// pays. A `BatchSplit` measures the same training with the batch's samples summed another fixed way (`lanes`:
/// four samples per SIMD register), timed beside the in-order runs: its bits depend on the split, never on the
/// thread count, and its figures show what summing a batch in parallel saves on this one core.
public enum BatchCost {
    /// The cost at one batch size.
    public struct Row: Sendable, Equatable {
        /// B.
        public var batchSize: Int
        /// ⌈N/B⌉.
        public var updatesPerEpoch: Int
        /// Updates timed: the long run's less the short run's (fewer than epochs × ⌈N/B⌉ only if a run diverged and
        /// stopped).
        public var updates: Int
        /// CPU seconds per update: the difference of the fastest long and the fastest short run, over `updates`.
        public var secondsPerUpdate: Double
        /// `secondsPerUpdate` × ⌈N/B⌉.
        public var secondsPerEpoch: Double
        /// `secondsPerUpdate` / B.
        public var secondsPerSampleGradient: Double
    }

    /// Measures `batchSizes` (each in 1...N) in the order given.
    /// - Parameters:
    ///   - objective: a dataset objective (N = `sampleCount` ≥ 1).
    ///   - optimizer: the update rule, at its own learning rate (constant).
    ///   - start: the starting parameters.
    ///   - seed: the batch order's seed.
    ///   - epochs: whole epochs per run (≥ 1).
    ///   - repeats: runs per batch size, the fastest kept (≥ 1).
    ///   - clock: seconds of some monotone clock (default: this thread's CPU time).
    /// - Returns: one row per batch size.
    public static func measure(objective: any Objective, optimizer: OptimizerConfiguration, start: [Double], seed: UInt64,
                               batchSizes: [Int], epochs: Int, repeats: Int,
                               clock: () -> Double = threadCPUSeconds) -> [Row] {
        measure(objectives: [objective], optimizer: optimizer, start: start, seed: seed, batchSizes: batchSizes, epochs: epochs,
                repeats: repeats, clock: clock)[0]
    }

    /// Measures several objectives of one dimension and sample count (the same model summed different ways, e.g.
    /// `BatchSplit.apply(to:)`) side by side: for each batch size, each repeat runs every objective in the order
    /// given, so slow phases of a shared machine touch them alike.
    /// - Returns: per objective, one row per batch size.
    public static func measure(objectives: [any Objective], optimizer: OptimizerConfiguration, start: [Double], seed: UInt64,
                               batchSizes: [Int], epochs: Int, repeats: Int,
                               clock: () -> Double = threadCPUSeconds) -> [[Row]] {
        precondition(!objectives.isEmpty, "at least one objective")
        let samples = objectives[0].sampleCount
        precondition(samples >= 1 && epochs >= 1 && repeats >= 1, "a dataset objective, epochs ≥ 1 and repeats ≥ 1")
        precondition(objectives.allSatisfy { $0.sampleCount == samples }, "objectives of one training set")
        var rows = [[Row]](repeating: [], count: objectives.count)
        for b in batchSizes {
            precondition((1...samples).contains(b), "batch size \(b) outside 1...\(samples)")
            let perEpoch = (samples + b - 1) / b, updates = epochs * perEpoch
            func configuration(steps: Int) -> TrainingConfiguration {
                var c = TrainingConfiguration(start: start, steps: steps, learningRate: optimizer.learningRate, batchSize: b, seed: seed,
                                              recordEvery: steps, recordParams: false, evaluateEvery: steps)
                c.keepsTrajectory = false
                return c
            }
            // The long run makes one update more than the figure is of, so that the short run's one update is the
            // long run's first and their difference is `updates` updates.
            let long = configuration(steps: updates + 1), short = configuration(steps: 1)
            var fastestLong = [Double](repeating: .infinity, count: objectives.count), fastestShort = fastestLong
            var made = [Int](repeating: updates, count: objectives.count)
            for _ in 0..<repeats {
                for (k, objective) in objectives.enumerated() {
                    let begin = clock()
                    let result = Trainer.run(objective: objective, optimizer: optimizer, configuration: long)
                    let middle = clock()
                    _ = Trainer.run(objective: objective, optimizer: optimizer, configuration: short)
                    let end = clock()
                    fastestLong[k] = min(fastestLong[k], middle - begin)
                    fastestShort[k] = min(fastestShort[k], end - middle)
                    made[k] = min(made[k], result.summary.stepsRun - 1)
                }
            }
            for k in objectives.indices {
                // A run that diverged at its first update times none: its whole time is given per update.
                let perUpdate = made[k] >= 1 ? max(0, fastestLong[k] - fastestShort[k]) / Double(made[k]) : fastestLong[k]
                rows[k].append(Row(batchSize: b, updatesPerEpoch: perEpoch, updates: max(made[k], 1), secondsPerUpdate: perUpdate,
                                   secondsPerEpoch: perUpdate * Double(perEpoch), secondsPerSampleGradient: perUpdate / Double(b)))
            }
        }
        return rows
    }

    /// CPU seconds the calling thread has used.
    public static func threadCPUSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) * 1e-9
    }
}
