import DescentCore
import Foundation
import Testing
@testable import DescentService

/// Sharpness records stored beside the epoch records (`TrajectoryCodec.encodeEpochs`), and through a store.
@Suite struct SharpnessRecordStorageTests {
    static let records = [SharpnessRecord(step: 0, lr: 0.3, lambdaMax: 4.43, alignment: 0.2),
                          SharpnessRecord(step: 20, lr: 0.3, lambdaMax: .nan, alignment: -0.0)]
    static let epochs = [EpochRecord(epoch: 0, step: 1, trainLoss: 0.5, validationLoss: nil, validationAccuracy: nil)]

    @Test func recordsRoundTripBitForBitAfterTheEpochRecords() throws {
        let blob = TrajectoryCodec.encodeEpochs(Self.epochs, sharpness: Self.records)
        #expect(try TrajectoryCodec.decodeEpochs(blob) == Self.epochs)
        let back = try TrajectoryCodec.decodeSharpness(blob)
        #expect(back.map(\.step) == [0, 20] && back[0] == Self.records[0])
        #expect(back[1].lambdaMax.isNaN && back[1].alignment.sign == .minus)
    }

    @Test func blobWithoutTheSectionHasNoRecordsAndOneWithOnlyRecordsNoEpochs() throws {
        #expect(try TrajectoryCodec.decodeSharpness(TrajectoryCodec.encodeEpochs(Self.epochs)).isEmpty)
        let only = TrajectoryCodec.encodeEpochs([], sharpness: Self.records)
        #expect(try TrajectoryCodec.decodeEpochs(only).isEmpty)
        #expect(try TrajectoryCodec.decodeSharpness(only).count == 2)
    }

    @Test func truncatedOrUnknownSectionIsAnErrorNotACrash() {
        let blob = TrajectoryCodec.encodeEpochs([], sharpness: Self.records)
        #expect(throws: (any Error).self) { try TrajectoryCodec.decodeSharpness(Array(blob.dropLast(3))) }
        var unknown = TrajectoryCodec.encodeEpochs([])
        unknown.append(9)
        #expect(throws: (any Error).self) { try TrajectoryCodec.decodeSharpness(unknown) }
    }

    @Test(arguments: StoreBackend.available) func recordsWrittenByARunComeBackFromTheStore(_ backend: StoreBackend) throws {
        let experiment = try ExperimentSpec(checking: SpecValue(parsingJSON: Array("""
            {"objective": {"type": "quadratic", "a": [[1, 0], [0, 10]]}, "optimizer": {"type": "sgd", "lr": 0.05},
             "start": [1, 1], "steps": 30, "analysis": {"sharpness_every": 7}}
            """.utf8))).validated()
        var chunks: [Trajectory] = []
        let result = experiment.run(progressEvery: 4) { chunks.append($0.records) }
        var encoder = TrajectoryEncoder()
        let stored = chunks.flatMap { encoder.encode($0) }
        #expect(stored.contains { $0.epochs != nil })
        let store = try backend.makeStore()
        defer { try? store.close() }
        let id = "exp_sharp_\(UUID().uuidString.prefix(8))"
        try store.insert(ExperimentRecord(queued: id, spec: experiment.spec))
        let lease = try #require(try store.claim(owner: "test", leaseSeconds: 30)?.lease)
        for chunk in stored { #expect(try store.appendChunk(lease, chunk: chunk, stepsDone: 30, leaseSeconds: 30)) }
        #expect(try store.sharpnessRecords(id) == result.trajectory.sharpness)
        #expect(try store.trajectory(id, dimension: 2).sharpness.map(\.step) == [0, 7, 14, 21, 28, 30])
        #expect(try store.epochRecords(id).isEmpty)
    }
}
