import DescentTestSupport
import DescentClient
import Foundation
import Testing

extension Integration {
    /// Seed replicates of a search study, through the client.
    @Suite struct ReplicateStudies {
        @Test func eachTrialRunsKReplicatesAndReportsTheirFinalLossSpread() async throws {
            try await withServer { server in
                let client = server.client()
                let body = #"{"base":{"objective":{"type":"mlp","hidden":[4]},"dataset":{"type":"synthetic","generator":"two_moons","samples":64},"#
                    + #""optimizer":{"type":"sgd","lr":0.05},"batch_size":16,"steps":30},"#
                    + #""search":{"space":{"optimizer.lr":{"type":"log_uniform","low":0.01,"high":0.3}},"sampler":"random","trials":2,"seed":9},"#
                    + #""replicates":4,"loss_target":100}"#
                let study = try await client.createStudy(json: Data(body.utf8))
                var search: [String: Any] = [:]
                try await waitUntil("search finishes", timeout: 60) {
                    let text = try await client.checked("GET", "/v1/studies/\(study.id)").text
                    let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
                    search = object?["search"] as? [String: Any] ?? [:]
                    return search["state"] as? String == "finished"
                }
                let trials = search["trials"] as? [[String: Any]] ?? []
                #expect(trials.count == 2)
                for trial in trials {
                    #expect((trial["experiment_ids"] as? [String])?.count == 4)
                    let spread = try #require(trial["replicates"] as? [String: Any])
                    let low = try #require(spread["final_loss_min"] as? Double), high = try #require(spread["final_loss_max"] as? Double)
                    let mean = try #require(spread["final_loss_mean"] as? Double)
                    #expect(spread["runs"] as? Int == 4 && low <= mean && mean <= high && low < high)
                    #expect(spread["success_rate"] as? Double == 1)
                }
                let curves = try await client.trialCurves(studyID: study.id, trial: 1, maxPoints: 4)
                #expect(curves["curves"]?["runs"] == .number(4))
                #expect(curves["curves"]?["step"] == .array([.number(0), .number(10), .number(20), .number(30)]))
            }
        }
    }
}
