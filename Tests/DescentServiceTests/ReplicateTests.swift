import DescentTestSupport
import DescentCore
import Foundation
import Testing
@testable import DescentService

/// Seed replicates: derived seeds, final-loss aggregates, and a search study that runs them.
@Suite struct ReplicateTests {
    @Test func replicateZeroKeepsTheSeedAndLaterOnesAreSplitMix64OutputsBelow2To53() {
        #expect(Replicates.seed(base: 7, replicate: 0) == 7)
        // SplitMix64 from state 7, written out: the first and second outputs, top 53 bits.
        func mix(_ state: UInt64) -> UInt64 {
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        #expect(Replicates.seed(base: 7, replicate: 1) == mix(7 &+ 0x9E37_79B9_7F4A_7C15) >> 11)
        #expect(Replicates.seed(base: 7, replicate: 2) == mix(7 &+ 2 &* 0x9E37_79B9_7F4A_7C15) >> 11)
        let seeds = (0..<50).map { Replicates.seed(base: 123, replicate: $0) }
        #expect(Set(seeds).count == 50 && seeds.allSatisfy { $0 < 1 << 53 })
    }

    @Test func aggregateOfOneToFourMatchesClosedForms() {
        let a = ReplicateAggregate(finalLosses: [4, 1, 3, 2], target: 2.5)
        #expect(a.runs == 4 && a.diverged == 0)
        #expect(a.finalLossMean == 2.5 && a.finalLossMedian == 2.5 && a.finalLossMin == 1 && a.finalLossMax == 4)
        #expect(abs((a.finalLossStd ?? 0) - (5.0 / 3).squareRoot()) < 1e-15)
        #expect(a.finalLossIqr == 1.5)  // q75 = 3.25, q25 = 1.75
        #expect(a.successRate == 0.5)
    }

    @Test func divergedRunsCountAsRunsAndFailuresButNotInTheStatistics() {
        let a = ReplicateAggregate(finalLosses: [0.1, .infinity, .nan], target: 1)
        #expect(a.runs == 3 && a.diverged == 2 && a.finalLossMean == 0.1 && a.finalLossStd == nil)
        #expect(abs((a.successRate ?? 0) - 1.0 / 3) < 1e-15)
        #expect(ReplicateAggregate(finalLosses: [], target: nil).successRate == nil)
    }

    @Test func aSearchWithReplicatesRunsEachTrialWithDerivedSeedsAndReportsTheirSpread() async throws {
        let h = try ServiceHarness(workers: 2)
        let body = #"{"base":{"objective":{"type":"mlp","hidden":[4]},"dataset":{"type":"synthetic","generator":"two_moons","samples":64},"optimizer":{"type":"sgd","lr":0.05},"batch_size":16,"steps":40,"seed":5},"#
            + #""search":{"space":{"optimizer.lr":{"type":"uniform","low":0.01,"high":0.1}},"sampler":"random","trials":2,"seed":1},"#
            + #""replicates":3,"loss_target":10}"#
        let search = try await h.runStudyToEnd(body)["search"] as? [String: Any] ?? [:]
        #expect(search["replicates"] as? Int == 3)
        let trials = search["trials"] as? [[String: Any]] ?? []
        #expect(trials.count == 2)
        for trial in trials {
            let ids = trial["experiment_ids"] as? [String] ?? []
            var seeds: [UInt64] = []
            var losses: [Double] = []
            for e in ids {
                let experiment = h.object(try await h.request(.get, "/v1/experiments/\(e)").body)
                seeds.append(UInt64((experiment["spec"] as? [String: Any])?["seed"] as? Double ?? -1))
                losses.append((experiment["summary"] as? [String: Any])?["final_loss"] as? Double ?? .nan)
            }
            #expect(seeds == [5, Replicates.seed(base: 5, replicate: 1), Replicates.seed(base: 5, replicate: 2)])
            let spread = try #require(trial["replicates"] as? [String: Any])
            #expect(spread["runs"] as? Int == 3 && spread["final_loss_min"] as? Double == losses.min())
            let mean = losses.reduce(0, +) / 3
            #expect(abs((spread["final_loss_mean"] as? Double ?? 0) - mean) <= 1e-12 * abs(mean))
            #expect(abs((trial["value"] as? Double ?? 0) - mean) <= 1e-12 * abs(mean))
            #expect(spread["target"] as? Double == 10)
        }
    }

    @Test(arguments: [#""replicates":0"#, #""replicates":1.5"#, #""replicates":101"#])
    func replicatesOutOfRangeAre422(_ replicates: String) async throws {
        let h = try ServiceHarness(start: false)
        let body = #"{"base":{"objective":{"type":"saddle"},"optimizer":{"type":"sgd","lr":0.1},"start":[0.01,0.02],"steps":5},"#
            + #""search":{"space":{"optimizer.lr":{"type":"uniform","low":0.01,"high":0.1}},"trials":2},\#(replicates)}"#
        let r = try await h.request(.post, "/v1/studies", json: body)
        #expect(r.status == 422 && (h.object(r.body)["error"] as? [String: Any])?["field"] as? String == "replicates")
    }

    @Test func replicatesOnAGridAre422() async throws {
        let h = try ServiceHarness(start: false)
        let body = #"{"base":{"objective":{"type":"saddle"},"optimizer":{"type":"sgd","lr":0.1},"start":[0.01,0.02],"steps":5},"grid":{"seed":[1,2]},"replicates":2}"#
        let r = try await h.request(.post, "/v1/studies", json: body)
        #expect(r.status == 422 && (h.object(r.body)["error"] as? [String: Any])?["field"] as? String == "replicates")
    }
}
