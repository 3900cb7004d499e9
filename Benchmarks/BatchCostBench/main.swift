import DescentCore

// Cost per update against batch size B: the MLP 2-16-16-1 (tanh, BCE, 337 parameters) on N two-moons samples,
// plain SGD, the full training-set loss evaluated only at the start and the end (not every epoch), one row recorded.
// For each B it runs enough updates to fill about `work` sample gradients, keeps the fastest of `repeats` runs
// (`BatchCost.measure`), and prints CPU seconds per update and per epoch (⌈N/B⌉ updates) on one thread.
//
// One thread, by design: the model sums its batch's per-sample gradients in sample order, and splitting a batch
// across threads or SIMD lanes would change that order (and every trajectory's bits) unless the split were fixed
// independently of the thread count; the figures are therefore what one core pays, not what parallel hardware pays.
// Usage: descent-batch-bench [samples] [work] [repeats] [B,B,…]

let arguments = CommandLine.arguments
let samples = arguments.count > 1 ? Int(arguments[1]) ?? 1024 : 1024
let work = arguments.count > 2 ? Int(arguments[2]) ?? 200_000 : 200_000
let repeats = arguments.count > 3 ? Int(arguments[3]) ?? 5 : 5
let sizes = arguments.count > 4
    ? arguments[4].split(separator: ",").compactMap { Int($0) }
    : Array(sequence(first: 1) { $0 * 2 }.prefix { $0 <= samples })

let moons = SyntheticDataset.twoMoons(samples: samples, noise: 0.1, seed: 1)
let mlp = MLPObjective(training: moons, hiddenLayers: [16, 16], activation: .tanh)
let sgd = OptimizerConfiguration.sgd(lr: 0.05, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, maximize: false)
print("# MLP 2-16-16-1 (\(mlp.dimension) parameters), N = \(samples), ~\(work) sample gradients per run, fastest of \(repeats)")
print("batch_size,updates,updates_per_epoch,us_per_update,ms_per_epoch,ns_per_sample_gradient")
for b in sizes where b >= 1 && b <= samples {
    let perEpoch = (samples + b - 1) / b
    // Whole epochs, at least one and at least 32 updates, about `work` sample gradients.
    let epochs = max(1, max(32, work / b) / perEpoch)
    for row in BatchCost.measure(objective: mlp, optimizer: sgd, start: mlp.initialParameters(seed: 1), seed: 0,
                                 batchSizes: [b], epochs: epochs, repeats: repeats) {
        print("\(b),\(row.updates),\(perEpoch),\(row.secondsPerUpdate * 1e6),\(row.secondsPerEpoch * 1e3),\(row.secondsPerSampleGradient * 1e9)")
    }
}
