// The fused MLP pass alone, as descent-bench's MLP workload runs it: 2-16-16-1 (tanh, binary cross-entropy) on 1,024
// samples of two noisy arcs, 32 batches of 32 per epoch in a seeded order, a plain gradient step after each, and the
// full-set loss and accuracy after every epoch. Modes: `new` (MLPFusedPass), `old` (MLPFusedPassOld, copied from an
// earlier revision by run.sh), `generic` (MLPPass<Double>), `check` (MLPFusedPass, each batch's loss and gradient
// compared bit for bit with MLPPass's). Usage: harness MODE EPOCHS
let arguments = CommandLine.arguments
let mode = arguments.count > 1 ? arguments[1] : "new"
let epochs = arguments.count > 2 ? Int(arguments[2]) ?? 50 : 50
let sampleCount = 1024, batchSize = 32

/// A point on one of two arcs (cubic and quintic Taylor polynomials of cos and sin, so no C library call) plus noise.
func arcPoint(_ t: Double, upper: Bool) -> (Double, Double) {
    let c = 1 - t * t / 2 + t * t * t * t / 24, s = t - t * t * t / 6 + t * t * t * t * t / 120
    return upper ? (c, s) : (1 - c, 0.5 - s)
}
var random = SeededRandom(seed: 3)
var features: [Double] = [], targets: [Double] = []
for k in 0..<sampleCount {
    let (x, y) = arcPoint(random.nextDouble() * 3.14159, upper: k % 2 == 0)
    features += [x + 0.1 * (random.nextDouble() - 0.5), y + 0.1 * (random.nextDouble() - 0.5)]
    targets.append(Double(k % 2))
}
let data = ModelData(features: features, targets: targets, labels: [])
let architecture = MLPArchitecture(inputs: 2, hidden: [16, 16], classCount: 2, activation: .tanh, batchNorm: nil)
var theta = architecture.initialParameters(seed: 1)
var order = Array(0..<sampleCount)
var checksum: UInt64 = 0, mismatches = 0

func pass(_ rows: SampleRows, _ gradient: inout [Double]) -> (loss: Double, correct: Int) {
    switch mode {
    case "old": return MLPFusedPassOld(architecture: architecture).run(theta: theta, data: data, rows: rows, gradient: &gradient)
    case "generic":
        var generic = MLPPass<Double>(architecture, batchSize: rows.count)
        return generic.run(theta: theta, data: data, rows: rows, mode: .runningStatistics([]), gradient: &gradient)
    default: return MLPFusedPass(architecture: architecture).run(theta: theta, data: data, rows: rows, gradient: &gradient)
    }
}

for epoch in 0..<epochs {
    var shuffle = SeededRandom(seed: UInt64(epoch) &+ 99)
    for i in stride(from: sampleCount - 1, to: 0, by: -1) { order.swapAt(i, shuffle.nextInt(below: i + 1)) }
    for b in 0..<(sampleCount / batchSize) {
        let rows = SampleRows(.indices(order[(b * batchSize)..<((b + 1) * batchSize)]), total: sampleCount)
        var gradient = [Double](repeating: 0, count: architecture.parameterCount)
        let result = pass(rows, &gradient)
        if mode == "check" {
            var generic = MLPPass<Double>(architecture, batchSize: batchSize)
            var expected = [Double](repeating: 0, count: architecture.parameterCount)
            let reference = generic.run(theta: theta, data: data, rows: rows, mode: .runningStatistics([]), gradient: &expected)
            if reference.loss.bitPattern != result.loss.bitPattern || expected.map(\.bitPattern) != gradient.map(\.bitPattern) {
                mismatches += 1
            }
        }
        checksum ^= result.loss.bitPattern
        for k in 0..<theta.count { theta[k] -= 0.05 * gradient[k] }
    }
    var none: [Double] = []
    let full = pass(SampleRows(.full, total: sampleCount), &none)
    checksum ^= full.loss.bitPattern &+ UInt64(full.correct)
}
print("mode=\(mode) epochs=\(epochs) checksum=\(checksum) batches_differing_from_generic=\(mismatches)")
