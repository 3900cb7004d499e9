import DescentTestSupport
import DescentCore
import Foundation
import Testing
@testable import DescentService

@Suite struct SearchStudyAPITests {
    private let base = #"{"objective":{"type":"rosenbrock"},"optimizer":{"type":"adam","lr":0.01},"start":[-1,1],"steps":200}"#

    private func search(_ sampler: String, trials: Int, concurrent: Int) -> String {
        #"{"name":"tune","base":\#(base),"search":{"space":{"optimizer.lr":{"type":"log_uniform","low":0.001,"high":0.5}},"#
            + #""sampler":\#(sampler),"trials":\#(trials),"max_concurrent":\#(concurrent),"seed":4}}"#
    }

    private func trials(_ study: [String: Any]) -> [[String: Any]] {
        (study["search"] as? [String: Any])?["trials"] as? [[String: Any]] ?? []
    }

    @Test func randomSearchScoresEachTrialWithItsFinalLoss() async throws {
        let h = try ServiceHarness(workers: 2)
        let study = try await h.runStudyToEnd(search(#""random""#, trials: 5, concurrent: 2))
        let rows = trials(study)
        #expect(rows.map { $0["number"] as? Int } == [0, 1, 2, 3, 4])
        var values: [Double] = []
        for row in rows {
            let id = try #require((row["experiment_ids"] as? [String])?.first)
            let e = h.object(try await h.request(.get, "/v1/experiments/\(id)").body)
            let final = try #require((e["summary"] as? [String: Any])?["final_loss"] as? Double)
            #expect(row["state"] as? String == "complete" && row["value"] as? Double == final)
            values.append(final)
        }
        let best = try #require((study["search"] as? [String: Any])?["best"] as? [String: Any])
        #expect(best["value"] as? Double == values.min())
        #expect(study["status"] as? String == "finished")
    }

    /// The same study gives the same trials in the same order with one worker or three.
    @Test func tpeTrialsDoNotDependOnTheNumberOfWorkers() async throws {
        let body = search(#"{"type":"tpe","startup_trials":3}"#, trials: 9, concurrent: 2)
        var runs: [[String]] = []
        for workers in [1, 3] {
            let h = try ServiceHarness(workers: workers)
            let study = try await h.runStudyToEnd(body)
            runs.append(trials(study).map { "\($0["params"] ?? "")=\($0["value"] ?? "")" })
        }
        #expect(runs[0].count == 9)
        #expect(runs[0] == runs[1])
    }

    @Test func invalidDomainNamesItsField() async throws {
        let h = try ServiceHarness(start: false)
        let body = #"{"base":\#(base),"search":{"space":{"optimizer.lr":{"type":"log_uniform","low":0,"high":1}}}}"#
        let r = try await h.request(.post, "/v1/studies", json: body)
        #expect(r.status == 422)
        let error = h.object(r.body)["error"] as? [String: Any]
        #expect(error?["field"] as? String == "search.space[optimizer.lr].low" && error?["code"] as? String == "invalid_study")
    }

    @Test func trialSpecOutsideTheSpecLimitsIsRejectedAtCreation() async throws {
        let h = try ServiceHarness(start: false)
        let body = #"{"base":\#(base),"search":{"space":{"steps":{"type":"int","low":-5,"high":-1}}}}"#
        let r = try await h.request(.post, "/v1/studies", json: body)
        #expect(r.status == 422)
        #expect(((h.object(r.body)["error"] as? [String: Any])?["field"] as? String)?.hasPrefix("base") == true, "\(r.body)")
    }
}

extension SearchStudyAPITests {
    /// The study's loss_target is stored with the search and read back by the driver: steps_to_target without a
    /// target of its own counts to it.
    @Test func stepsToTargetTakesTheStudysLossTarget() async throws {
        let h = try ServiceHarness(workers: 2)
        let body = #"{"base":{"objective":{"type":"rosenbrock"},"optimizer":{"type":"adam","lr":0.01},"start":[-1,1],"steps":200},"#
            + #""search":{"space":{"optimizer.lr":{"type":"log_uniform","low":0.01,"high":0.1}},"sampler":"random","trials":2},"#
            + #""objective":{"metric":"steps_to_target"},"loss_target":10}"#
        let search = try await h.runStudyToEnd(body)["search"] as? [String: Any] ?? [:]
        let values = (search["trials"] as? [[String: Any]] ?? []).compactMap { $0["value"] as? Double }
        #expect(values.count == 2 && values.allSatisfy { $0 >= 0 && $0 < 200 })
    }
}
