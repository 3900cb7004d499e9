import DescentCore
import Foundation
import Testing
@testable import DescentService

/// Layer statistics stored as their own tagged section beside the epoch (and sharpness) records, and through a store.
@Suite struct LayerStatsStorageTests {
    static let records = [LayerStatsRecord(step: 0, layer: 0, mean: -0.125, std: 1.5),
                          LayerStatsRecord(step: 0, layer: 1, mean: .nan, std: -0.0, normalizedMean: 0.25, normalizedStd: 0.75)]
    static let sharpness = [SharpnessRecord(step: 3, lr: 0.1, lambdaMax: 2, alignment: 0.5)]
    static let epochs = [EpochRecord(epoch: 0, step: 1, trainLoss: 0.5, validationLoss: 0.6, validationAccuracy: nil)]

    @Test func recordsRoundTripBitForBitBesideTheOtherSections() throws {
        let blob = TrajectoryCodec.encodeEpochs(Self.epochs, sharpness: Self.sharpness, layerStats: Self.records)
        #expect(try TrajectoryCodec.decodeEpochs(blob) == Self.epochs)
        #expect(try TrajectoryCodec.decodeSharpness(blob) == Self.sharpness)
        let back = try TrajectoryCodec.decodeLayerStats(blob)
        #expect(back.count == 2 && back[0] == Self.records[0])
        #expect(back[1].mean.isNaN && back[1].std.sign == .minus && back[1].normalizedMean == 0.25 && back[1].normalizedStd == 0.75)
        let alone = TrajectoryCodec.encodeEpochs([], layerStats: Self.records)
        #expect(try TrajectoryCodec.decodeSharpness(alone).isEmpty)
        #expect(try TrajectoryCodec.decodeLayerStats(alone).count == 2)
        #expect(try TrajectoryCodec.decodeLayerStats(TrajectoryCodec.encodeEpochs(Self.epochs, sharpness: Self.sharpness)).isEmpty)
    }

    @Test func truncatedOrUnknownSectionIsAnErrorNotACrash() {
        let blob = TrajectoryCodec.encodeEpochs([], layerStats: Self.records)
        #expect(throws: (any Error).self) { try TrajectoryCodec.decodeLayerStats(Array(blob.dropLast(3))) }
        var unknown = TrajectoryCodec.encodeEpochs([], sharpness: Self.sharpness)
        unknown += [9, 0, 0, 0, 0]
        #expect(throws: (any Error).self) { try TrajectoryCodec.decodeLayerStats(unknown) }
    }

    @Test(arguments: StoreBackend.available) func recordsWrittenByARunComeBackFromTheStore(_ backend: StoreBackend) throws {
        let experiment = try ExperimentSpec(checking: SpecValue(parsingJSON: Array("""
            {"seed": 2, "objective": {"type": "mlp", "hidden": [5, 3], "batch_norm": {"momentum": 0.9}},
             "dataset": {"type": "synthetic", "generator": "two_moons", "samples": 30},
             "optimizer": {"type": "sgd", "lr": 0.1}, "batch_size": 10, "steps": 12, "analysis": {"layer_stats": true}}
            """.utf8))).validated()
        var chunks: [Trajectory] = []
        let result = experiment.run(progressEvery: 4) { chunks.append($0.records) }
        var encoder = TrajectoryEncoder()
        let stored = chunks.flatMap { encoder.encode($0) }
        let store = try backend.makeStore()
        defer { try? store.close() }
        let id = "exp_layers_\(UUID().uuidString.prefix(8))"
        try store.insert(ExperimentRecord(queued: id, spec: experiment.spec))
        let lease = try #require(try store.claim(owner: "test", leaseSeconds: 30)?.lease)
        for chunk in stored { #expect(try store.appendChunk(lease, chunk: chunk, stepsDone: 12, leaseSeconds: 30)) }
        #expect(try store.layerStatsRecords(id) == result.trajectory.layerStats)
        // Evaluations at step 0 and each epoch's end (3 batches of 10): steps 0, 3, 6, 9, 12; two layers each.
        #expect(try store.trajectory(id, dimension: experiment.dimension).layerStats.map(\.step) == [0, 0, 3, 3, 6, 6, 9, 9, 12, 12])
        #expect(try store.epochRecords(id) == result.trajectory.epochs)
    }
}
