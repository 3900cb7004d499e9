import DescentCore

// Cost per update against batch size B: the MLP 2-16-16-1 (tanh, BCE, 337 parameters) on N two-moons samples,
// plain SGD, the full training-set loss evaluated only at the start and the end (not every epoch), one row recorded.
// For each B it runs enough updates to fill about `work` sample gradients, keeps the fastest of `repeats` runs
// (`BatchCost.measure`), and prints CPU seconds per update and per epoch (⌈N/B⌉ updates) on one thread, for each
// way of summing the batch asked for (`BatchSplit`: `none`, in sample order as every experiment sums; `lanes`, four
// samples per SIMD register), measured side by side: each repeat runs every split in turn.
//
// Usage: descent-batch-bench [samples] [work] [repeats] [B,B,…] [split,split,…]
// (defaults 1024, 200000, 5, every power of two up to N, none,lanes). With repeats 1 and one split and one B it runs
// exactly one measured run, for instruction counts under callgrind.

let arguments = CommandLine.arguments
let samples = arguments.count > 1 ? Int(arguments[1]) ?? 1024 : 1024
let work = arguments.count > 2 ? Int(arguments[2]) ?? 200_000 : 200_000
let repeats = arguments.count > 3 ? Int(arguments[3]) ?? 5 : 5
let sizes = arguments.count > 4 && arguments[4] != "all"
    ? arguments[4].split(separator: ",").compactMap { Int($0) }
    : Array(sequence(first: 1) { $0 * 2 }.prefix { $0 <= samples })
let splits = arguments.count > 5
    ? arguments[5].split(separator: ",").compactMap { BatchSplit(rawValue: String($0)) }
    : [.none, .lanes]

let moons = SyntheticDataset.twoMoons(samples: samples, noise: 0.1, seed: 1)
let mlp = MLPObjective(training: moons, hiddenLayers: [16, 16], activation: .tanh)
let objectives = splits.compactMap { $0.apply(to: mlp) }
let sgd = OptimizerConfiguration.sgd(lr: 0.05, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, maximize: false)
print("# MLP 2-16-16-1 (\(mlp.dimension) parameters), N = \(samples), ~\(work) sample gradients per run, fastest of \(repeats)")
print("split,batch_size,updates,updates_per_epoch,us_per_update,ms_per_epoch,ns_per_sample_gradient")
for b in sizes where b >= 1 && b <= samples {
    let perEpoch = (samples + b - 1) / b
    // Whole epochs, at least one and at least 32 updates, about `work` sample gradients.
    let epochs = max(1, max(32, work / b) / perEpoch)
    let measured = BatchCost.measure(objectives: objectives, optimizer: sgd, start: mlp.initialParameters(seed: 1), seed: 0,
                                     batchSizes: [b], epochs: epochs, repeats: repeats)
    for (split, rows) in zip(splits, measured) {
        for row in rows {
            print("\(split.rawValue),\(b),\(row.updates),\(perEpoch),\(row.secondsPerUpdate * 1e6),\(row.secondsPerEpoch * 1e3),"
                  + "\(row.secondsPerSampleGradient * 1e9)")
        }
    }
}
