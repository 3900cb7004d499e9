import Foundation
import Testing
@testable import DescentCore

private let mlpRun = """
    {"seed": 5, "objective": {"type": "mlp", "hidden": [6, 4] %@},
     "dataset": {"type": "synthetic", "generator": "two_moons", "samples": 40},
     "optimizer": {"type": "sgd", "lr": 0.3, "momentum": 0.5}, "batch_size": 8, "steps": 23, "record_every": 3
     %@}
    """

private func run(batchNorm: Bool, analysis: String, progress: ((TrajectoryChunk) -> Void)? = nil) throws -> RunResult {
    var text = mlpRun
    let first = try #require(text.range(of: "%@"))
    text.replaceSubrange(first, with: batchNorm ? #", "batch_norm": {"momentum": 0.8}"# : "")
    text = text.replacingOccurrences(of: "%@", with: analysis)
    let experiment = try spec(text).validated()
    if let progress { return experiment.run(progressEvery: 4, onProgress: progress) }
    return experiment.run()
}

/// Mean and population standard deviation, written out independently of the code under test.
private func moments(_ v: [Double]) -> (mean: Double, std: Double) {
    let mean = v.reduce(0, +) / Double(v.count)
    return (mean, (v.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(v.count)).squareRoot())
}

@Suite struct LayerStatsAlongRunTests {
    // One input, hidden [2, 1] (tanh), one output; samples x = 1, 2, −1.
    static let data = Dataset(features: Matrix([[1], [2], [-1]]), targets: [0, 1, 0], classCount: 0)

    @Test func firstLayerStatisticsMatchTheHandComputedValues() {
        // W₁ = (0.5, −1)ᵀ, b₁ = (0.25, 0): a = (0.5x + 0.25, −x) → 0.75, −1, 1.25, −2, −0.25, 1.
        // Sum −0.25, mean −1/24; mean of squares 8.1875/6, so variance 8.1875/6 − 1/576.
        let objective = MLPObjective(training: Self.data, hiddenLayers: [2, 1])
        let theta: [Double] = [0.5, -1, 0.25, 0, 0.3, -0.7, 0.1, 2, -0.5]
        let records = LayerStatsRecord.measure(objective, at: theta, buffers: [], step: 7)
        #expect(records.map(\.layer) == [0, 1] && records.allSatisfy { $0.step == 7 })
        #expect(abs(records[0].mean - (-1.0 / 24)) < 1e-15)
        #expect(abs(records[0].std - (8.1875 / 6 - 1.0 / 576).squareRoot()) < 1e-15)
        #expect(records[0].normalizedMean == nil && records[0].normalizedStd == nil)
        // Second layer: a₂ = 0.3·tanh(a₁₁) − 0.7·tanh(a₁₂) + 0.1, one value per sample.
        var second: [Double] = []
        for x in [1.0, 2, -1] {
            let h1: Double = tanh(0.5 * x + 0.25), h2: Double = tanh(-x)
            second.append(0.3 * h1 - 0.7 * h2 + 0.1)
        }
        let expected = moments(second)
        #expect(abs(records[1].mean - expected.mean) < 1e-15)
        #expect(abs(records[1].std - expected.std) < 1e-15)
    }

    @Test func withBatchNormTheStatisticsAreBeforeAndAfterTheNormalisation() {
        // Layout per hidden layer W, b, γ, β; then the output W, b. Running means m and variances v are the buffers.
        let options = BatchNormOptions(momentum: 0.9, epsilon: 1e-5)
        let objective = MLPObjective(training: Self.data, hiddenLayers: [2, 1], batchNorm: options)
        let theta: [Double] = [0.5, -1, 0.25, 0, /* γ */ 2, 0.5, /* β */ 0.1, -0.2,
                               0.3, -0.7, 0.1, /* γ */ 1.5, /* β */ 0.4, /* out */ 2, -0.5]
        let buffers: [Double] = [/* m */ 0.2, -0.5, /* v */ 4, 0.25, /* m */ 0.05, /* v */ 2]
        #expect(buffers.count == objective.bufferCount)
        let records = LayerStatsRecord.measure(objective, at: theta, buffers: buffers, step: 0)
        var first: [Double] = [], firstNormalized: [Double] = [], second: [Double] = [], secondNormalized: [Double] = []
        for x in [1.0, 2, -1] {
            let a0: Double = 0.5 * x + 0.25, a1: Double = -x
            let y0: Double = 2 * (a0 - 0.2) / (4 + 1e-5).squareRoot() + 0.1
            let y1: Double = 0.5 * (a1 + 0.5) / (0.25 + 1e-5).squareRoot() - 0.2
            first += [a0, a1]; firstNormalized += [y0, y1]
            let a2: Double = 0.3 * tanh(y0) - 0.7 * tanh(y1) + 0.1
            let y2: Double = 1.5 * (a2 - 0.05) / (2 + 1e-5).squareRoot() + 0.4
            second.append(a2); secondNormalized.append(y2)
        }
        for (record, raw, normalized) in [(records[0], first, firstNormalized), (records[1], second, secondNormalized)] {
            #expect(abs(record.mean - moments(raw).mean) < 1e-14 && abs(record.std - moments(raw).std) < 1e-14)
            let nm = record.normalizedMean ?? .nan, ns = record.normalizedStd ?? .nan
            #expect(abs(nm - moments(normalized).mean) < 1e-14 && abs(ns - moments(normalized).std) < 1e-14)
        }
    }

    @Test(arguments: [false, true]) func recordsReadThetaOnlySoTheRunIsBitIdenticalWithoutThem(_ batchNorm: Bool) throws {
        let plain = try run(batchNorm: batchNorm, analysis: "")
        var chunks: [TrajectoryChunk] = []
        let analysed = try run(batchNorm: batchNorm, analysis: #", "analysis": {"layer_stats": true}"#) { chunks.append($0) }
        #expect(plain.summary == analysed.summary)
        var stripped = analysed.trajectory
        stripped.layerStats = []
        #expect(stripped == plain.trajectory)
        #expect(plain.trajectory.layerStats.isEmpty)
        // 40 samples in batches of 8: an evaluation at step 0 and at each epoch's end (steps 5, 10, 15, 20);
        // two hidden layers each.
        let steps = [0] + analysed.trajectory.epochs.map(\.step)
        #expect(steps == [0, 5, 10, 15, 20])
        #expect(analysed.trajectory.layerStats.map(\.step) == steps.flatMap { [$0, $0] })
        #expect(analysed.trajectory.layerStats.map(\.layer) == Array(repeating: [0, 1], count: steps.count).flatMap { $0 })
        #expect(analysed.trajectory.layerStats.allSatisfy { ($0.normalizedMean != nil) == batchNorm && $0.std > 0 })
        #expect(chunks.flatMap(\.records.layerStats) == analysed.trajectory.layerStats)
    }

    @Test func evaluationEveryGivesTheRecordSteps() throws {
        let result = try run(batchNorm: false, analysis: #", "evaluation": {"every": 7}, "analysis": {"layer_stats": true}"#)
        #expect(Set(result.trajectory.layerStats.map(\.step)) == [0, 7, 14, 21])
    }

    @Test func specRoundTripKeepsTheFlag() throws {
        let text = mlpRun.replacingOccurrences(of: "%@", with: "", options: [], range: nil)
        let plain = try spec(text)
        #expect(!plain.layerStats && plain.asValue.object?["analysis"] == nil)
        var on = plain
        on.layerStats = true
        #expect(try ExperimentSpec(checking: on.asValue).layerStats)
    }

    @Test func refusedForObjectivesWithoutHiddenLayersAndForBadValues() {
        let quadratic = #"{"objective": {"type": "quadratic", "a": [[1, 0], [0, 2]]}, "optimizer": {"type": "sgd"}, "start": [1, 1], "steps": 3, "analysis": {"layer_stats": true}}"#
        #expect(checkError(quadratic)?.field == "analysis.layer_stats")
        let logistic = """
            {"objective": {"type": "logistic_regression"}, "dataset": {"type": "synthetic", "generator": "two_moons", "samples": 20},
             "optimizer": {"type": "sgd"}, "steps": 3, "analysis": {"layer_stats": true}}
            """
        #expect(checkError(logistic)?.field == "analysis.layer_stats")
        let wrongType = mlpRun.replacingOccurrences(of: "%@", with: "").replacingOccurrences(
            of: "\"record_every\": 3", with: #""record_every": 3, "analysis": {"layer_stats": 1}"#)
        #expect(checkError(wrongType)?.field == "analysis.layer_stats")
        let off = quadratic.replacingOccurrences(of: "true", with: "false")
        #expect(checkError(off) == nil)
    }
}
