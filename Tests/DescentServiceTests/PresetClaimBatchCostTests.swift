import DescentCore
import Foundation
import Testing
@testable import DescentService

/// The batch-cost preset's claims (its description in scripts/generate-presets.py). The figures are CPU times,
/// so the checks are the structure and ratios far from the measured ones, which hold on a loaded machine.
extension PresetClaimTests {
    /// The preset's measurement, made once per test process on a thread of its own (it computes for several
    /// seconds in a debug build).
    private static func batchCost() async throws -> BatchCostHandlers.Answer {
        try await measured.value
    }

    private static let measured = Task { try await measure() }

    private static func measure() async throws -> BatchCostHandlers.Answer {
        let entry = try #require(PresetCatalog.entries.first { $0.name == "batch-cost" })
        #expect(entry.kind == "batch_cost")
        let body = try JSONDecoder().decode(SpecValue.self, from: Data(entry.body.utf8))
        let handlers = BatchCostHandlers(specLimits: SpecLimits(), limits: .standard)
        return try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try handlers.answer(body) }) }
        }
    }

    @Test func batchCostTimesTheMLPAtBatchSizesOneToSixtyFourOnOneThread() async throws {
        let a = try await Self.batchCost()
        // 2-16-16-1: (2·16 + 16) + (16·16 + 16) + (16 + 1) = 337 parameters; 256 samples.
        #expect(a.objective == "mlp" && a.dimension == 337 && a.samples == 256 && a.threads == 1 && a.epochs == 2 && a.repeats == 2)
        #expect(a.rows.map(\.batchSize) == [1, 2, 4, 8, 16, 32, 64])
        #expect(a.rows.map(\.updatesPerEpoch) == [256, 128, 64, 32, 16, 8, 4])
        #expect(a.rows.map(\.updates) == a.rows.map { 2 * $0.updatesPerEpoch })
        // The same training on four SIMD sample lanes, timed beside it at the same batch sizes.
        #expect(a.split == "lanes" && a.splitWidth == 4)
        let lanes = try #require(a.splitRows)
        #expect(lanes.map(\.batchSize) == a.rows.map(\.batchSize) && lanes.map(\.updates) == a.rows.map(\.updates))
    }

    /// B = 1 and B = 4 on the lanes alone, fastest of 7 runs: steadier than the preset's fastest of 2, whose ratio
    /// spreads from 1.3 to 1.9 in a debug build on a quiet machine.
    private static let lanesOneAndFour = Task { () throws -> BatchCostHandlers.Answer in
        let entry = try #require(PresetCatalog.entries.first { $0.name == "batch-cost" })
        let decoded = try JSONDecoder().decode(SpecValue.self, from: Data(entry.body.utf8))
        guard case var .object(body) = decoded else { throw PresetBodyIsNotAnObject() }
        body["batch_sizes"] = .array([.number(1), .number(4)])
        body["repeats"] = .number(7)
        let request = SpecValue.object(body)
        let handlers = BatchCostHandlers(specLimits: SpecLimits(), limits: .standard)
        return try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try handlers.answer(request) }) }
        }
    }

    @Test func onFourLanesAnUpdateOfFourSamplesCostsAboutWhatOneCosts() async throws {
        let lanes = try #require(try await Self.lanesOneAndFour.value.splitRows)
        let one = try #require(lanes.first { $0.batchSize == 1 }), four = try #require(lanes.first { $0.batchSize == 4 })
        // B = 1 and B = 4 run the same lane group (three lanes idle at B = 1): 0.96× to 1.3× measured in a release
        // build, where the fixed cost of an update is most of it, so the check there allows 1.6×. A debug build spends
        // most of an update outside the lane arithmetic, in per-sample code it does not optimise (1.3× to 1.9×
        // measured on a quiet machine), so there the check only allows 2.5×.
        #if DEBUG
        let allowed = 2.5
        #else
        let allowed = 1.6
        #endif
        #expect(four.secondsPerUpdate < allowed * one.secondsPerUpdate, "lanes: B=1 \(one.secondsPerUpdate) s, B=4 \(four.secondsPerUpdate) s")
    }

    @Test func pastTheFourLanesTheCostGrowsWithBAgain() async throws {
        let a = try await Self.batchCost()
        let lanes = try #require(a.splitRows)
        let four = try #require(lanes.first { $0.batchSize == 4 }), sixtyFour = try #require(lanes.last)
        // 16 lane groups at B = 64 against one at B = 4 (6× to 8× measured in a release build, 12× to 16× in a debug build).
        #expect(sixtyFour.secondsPerUpdate > 4 * four.secondsPerUpdate, "lanes: B=4 \(four.secondsPerUpdate) s, B=64 \(sixtyFour.secondsPerUpdate) s")
    }

    @Test func batchCostPerUpdateGrowsWithBAndPerEpochFalls() async throws {
        let a = try await Self.batchCost()
        let one = try #require(a.rows.first), sixtyFour = try #require(a.rows.last)
        // One thread sums 64 sample gradients where B = 1 sums one: an update costs 4–6× more in a release build (the
        // fixed cost of an update is most of B = 1's), more in a debug build; the check asks for 3×.
        #expect(sixtyFour.secondsPerUpdate > 3 * one.secondsPerUpdate, "B=1 \(one.secondsPerUpdate) s, B=64 \(sixtyFour.secondsPerUpdate) s")
        // The fixed cost of each update is paid 256 times an epoch at B = 1 and 4 times at B = 64: the epoch costs
        // about a tenth as much in a release build; the check asks only that it falls.
        #expect(sixtyFour.secondsPerEpoch < one.secondsPerEpoch, "B=1 \(one.secondsPerEpoch) s, B=64 \(sixtyFour.secondsPerEpoch) s")
    }
}

private struct PresetBodyIsNotAnObject: Error {}
