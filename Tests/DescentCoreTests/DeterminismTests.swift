import Foundation
import Testing
@testable import DescentCore

private func moonsSpec(seed: UInt64) -> ExperimentSpec {
    ExperimentSpec(
        seed: seed, objective: ObjectiveSpec(.model(.mlp), parameters: ["hidden": .array([.number(8)]), "batch_norm": .object([:])]),
        dataset: DatasetSpec(.synthetic, parameters: ["generator": .string("two_moons"), "samples": .number(64),
                                                             "validation_fraction": .number(0.25)]),
        optimizer: OptimizerSpec(.adam, parameters: ["lr": .number(0.01)]), batchSize: 8, steps: 120)
}

@Test func sameSpecAndSeedGiveIdenticalTrajectories() throws {
    let a = try moonsSpec(seed: 5).validated().run(), b = try moonsSpec(seed: 5).validated().run()
    #expect(a.trajectory == b.trajectory)
    #expect(a.summary == b.summary)
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    #expect(try encoder.encode(a.trajectory) == encoder.encode(b.trajectory))
}

@Test func differentSeedsGiveDifferentTrajectories() throws {
    let a = try moonsSpec(seed: 5).validated().run(), b = try moonsSpec(seed: 6).validated().run()
    #expect(a.trajectory.loss != b.trajectory.loss)
}
