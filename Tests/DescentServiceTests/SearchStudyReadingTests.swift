import DescentTestSupport
import DescentCore
import Foundation
import Testing
@testable import DescentService

/// What a finished search study shows: diverged trials as diverged, and its chart of the best trials.
@Suite struct SearchStudyReadingTests {
    /// SGD on Rosenbrock from (−1, 1): η = 0.001 converges (slowly), η = 1 overflows within a few steps.
    private let twoRates = #"{"name":"rates","base":{"objective":{"type":"rosenbrock"},"optimizer":{"type":"sgd","lr":0.001},"start":[-1,1],"steps":100},"#
        + #""search":{"space":{"optimizer.lr":{"type":"categorical","choices":[0.001,1]}},"sampler":"grid","trials":2,"max_concurrent":2}}"#

    private func finished(_ h: ServiceHarness, _ body: String) async throws -> (id: String, study: [String: Any]) {
        let r = try await h.request(.post, "/v1/studies", json: body)
        #expect(r.status == 202, "\(r.body)")
        let id = try #require(h.object(r.body)["id"] as? String)
        var study: [String: Any] = [:]
        try await waitUntil("study \(id) finishes", timeout: 60) {
            study = h.object(try await h.request(.get, "/v1/studies/\(id)").body)
            return (study["search"] as? [String: Any])?["state"] as? String == "finished"
        }
        return (id, study)
    }

    @Test func aTrialWhoseRunDivergedCountsItsDivergedRun() async throws {
        let h = try ServiceHarness(workers: 2)
        let (_, study) = try await finished(h, twoRates)
        let trials = (study["search"] as? [String: Any])?["trials"] as? [[String: Any]] ?? []
        try #require(trials.count == 2)
        // Still complete and scored worst (the sampler's view), but no longer indistinguishable from a success.
        #expect(trials[1]["state"] as? String == "complete" && trials[1]["value"] as? String == "Infinity")
        #expect(trials[1]["diverged"] as? Int == 1)
        #expect(trials[0]["state"] as? String == "complete" && (trials[0]["value"] as? Double)?.isFinite == true)
        #expect(trials[0]["diverged"] as? Int == 0)
        let rows = study["experiments"] as? [[String: Any]] ?? []
        #expect(rows.map { $0["status"] as? String } == ["succeeded", "diverged"])
        let best = (study["search"] as? [String: Any])?["best"] as? [String: Any]
        #expect(best?["number"] as? Int == 0 && best?["diverged"] as? Int == 0)
    }

    @Test func searchPlotDrawsTheBestCompleteTrialsBestFirst() async throws {
        let h = try ServiceHarness(workers: 2)
        let body = #"{"name":"lr search","base":{"objective":{"type":"rosenbrock"},"optimizer":{"type":"adam","lr":0.01},"start":[-1,1],"steps":100},"#
            + #""search":{"space":{"optimizer.lr":{"type":"categorical","choices":[0.001,0.1,0.01]}},"sampler":"grid","trials":3,"max_concurrent":3}}"#
        let (id, study) = try await finished(h, body)
        let trials = (study["search"] as? [String: Any])?["trials"] as? [[String: Any]] ?? []
        let order = trials.sorted { ($0["value"] as? Double ?? .infinity) < ($1["value"] as? Double ?? .infinity) }.map { $0["number"] as? Int ?? -1 }
        let r = try await h.request(.get, "/v1/studies/\(id)/plot.svg")
        #expect(r.status == 200)
        let doc = SVGXMLInspector(r.body)
        #expect(doc.isWellFormed, "\(doc.parseError ?? "")")
        #expect(doc.elements("path", class: "series").count == 3)
        #expect(doc.texts(class: "legend-label").map { $0.split(separator: " ").first.map(String.init) ?? "" } == order.map { "#\($0)" })
        #expect(doc.texts(class: "legend-label").contains("#1 optimizer.lr=0.1"))
        #expect(doc.texts(class: "plot-title") == ["lr search: loss of the best trials"])
    }

    @Test func searchPlotLeavesOutDivergedTrials() async throws {
        let h = try ServiceHarness(workers: 2)
        let (id, _) = try await finished(h, twoRates)
        let doc = SVGXMLInspector(try await h.request(.get, "/v1/studies/\(id)/plot.svg").body)
        #expect(doc.texts(class: "legend-label") == ["#0 optimizer.lr=0.001"])
    }

    /// One line per cell of a comparison: the best trial of each, labelled with its cell.
    @Test func comparisonPlotDrawsTheBestTrialOfEachCell() async throws {
        let h = try ServiceHarness(workers: 2)
        let body = #"{"name":"cmp","compare":{"optimizers":[{"type":"sgd"},{"type":"adam"}],"#
            + #""problems":[{"label":"bowl","spec":{"objective":{"type":"ill_conditioned","dimension":2,"kappa":100},"start":[1,1],"steps":50}}]},"#
            + #""search":{"space":{"optimizer.lr":{"type":"log_uniform","low":0.0001,"high":0.01}},"sampler":"random","trials":3,"max_concurrent":3,"seed":2},"confirm":2}"#
        let (id, _) = try await finished(h, body)
        let doc = SVGXMLInspector(try await h.request(.get, "/v1/studies/\(id)/plot.svg").body)
        #expect(doc.elements("path", class: "series").count == 2)
        let labels = doc.texts(class: "legend-label")
        #expect(labels.count == 2 && labels[0].hasPrefix("bowl · sgd #") && labels[1].hasPrefix("bowl · adam #"), "\(labels)")
    }
}
