import DescentTestSupport
import DescentClient
import Foundation
import Testing

extension Integration {
    /// Pruned search studies, through the running service.
    @Suite struct PruningStudies {
        /// Rosenbrock + Adam over four decades of learning rate: most rates are far from the best, so ASHA prunes.
        static let body = #"{"name":"asha","base":{"objective":{"type":"rosenbrock"},"optimizer":{"type":"adam","lr":0.01},"#
            + #""start":[-1.5,2],"steps":270},"#
            + #""search":{"space":{"optimizer.lr":{"type":"log_uniform","low":1e-4,"high":1}},"sampler":"tpe","trials":16,"#
            + #""max_concurrent":4,"seed":5,"pruner":{"type":"asha","report_every":10,"min_resource":10,"reduction_factor":3}}}"#

        /// Runs the study to its end on a server with `workers` workers; returns its `search` block and the server's answers.
        static func finished(workers: Int, _ check: (Client, String, [String: Any]) async throws -> Void = { _, _, _ in }) async throws -> [String: Any] {
            try await withServer(arguments: ["--workers", String(workers)]) { server in
                let client = server.client()
                let study = try await client.createStudy(json: Data(body.utf8))
                var search: [String: Any] = [:]
                try await waitUntil("search finishes", timeout: 120) {
                    let text = try await client.checked("GET", "/v1/studies/\(study.id)").text
                    let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
                    search = object?["search"] as? [String: Any] ?? [:]
                    return search["state"] as? String == "finished"
                }
                try await check(client, study.id, search)
                return search
            }
        }

        static func json(_ text: String) throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        }

        @Test func prunedTrialsEndAsPrunedWithTheirPartialRunsKept() async throws {
            _ = try await Self.finished(workers: 2) { client, studyID, search in
                #expect(search["pruner"] as? String == "asha" && search["report_every"] as? Int == 10)
                let trials = search["trials"] as? [[String: Any]] ?? []
                #expect(trials.count == 16)
                let pruned = trials.filter { $0["state"] as? String == "pruned" }
                #expect(pruned.count >= 4 && pruned.count == search["trials_pruned"] as? Int, "ASHA with η = 3 stops most trials")
                #expect(trials.contains { $0["state"] as? String == "complete" })
                #expect(pruned.allSatisfy { $0["value"] == nil }, "a pruned trial has no objective value")
                if let best = search["best"] as? [String: Any] { #expect(best["state"] as? String == "complete") }

                // The pruned run: status, summary and trajectory up to its last report point (a multiple of 10 below 270).
                let id = try #require((pruned.first?["experiment_ids"] as? [String])?.first)
                let experiment = try Self.json(try await client.checked("GET", "/v1/experiments/\(id)").text)
                #expect(experiment["status"] as? String == "pruned")
                let summary = try #require(experiment["summary"] as? [String: Any])
                let stepsRun = try #require(summary["steps_run"] as? Int)
                #expect(summary["stop_reason"] as? String == "pruned" && stepsRun % 10 == 0 && stepsRun > 0 && stepsRun < 270)
                let trajectory = try Self.json(try await client.checked("GET", "/v1/experiments/\(id)/trajectory").text)
                #expect((trajectory["step"] as? [Int]) == Array(0...stepsRun), "rows 0 … steps_run − 1 and the final point")

                // Listings and the trials table show the state.
                let listed = try Self.json(try await client.checked("GET", "/v1/experiments?status=pruned&limit=100").text)
                let listedIDs = (listed["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
                #expect(Set(listedIDs) == Set(pruned.compactMap { ($0["experiment_ids"] as? [String])?.first }))
                let table = try await client.checked("GET", "/v1/studies/\(studyID)/trials.csv").text
                #expect(table.split(separator: "\n").filter { $0.split(separator: ",").dropFirst().first == "pruned" }.count == pruned.count)
            }
        }

        @Test func pruningDecisionsDoNotDependOnTheWorkerCount() async throws {
            func outcome(_ search: [String: Any]) -> [String] {
                (search["trials"] as? [[String: Any]] ?? []).map { t in
                    "\(t["number"] ?? "") \(t["state"] ?? "") \(t["value"] ?? "-") \((t["params"] as? [String: Any])?["optimizer.lr"] ?? "")"
                }
            }
            let one = try await Self.finished(workers: 1)
            let four = try await Self.finished(workers: 4)
            #expect(outcome(one).count == 16)
            #expect(outcome(one) == outcome(four))
        }

        @Test func badPrunersAreRefusedWithTheirField() async throws {
            try await withServer { server in
                let client = server.client()
                let base = #"{"objective":{"type":"rosenbrock"},"optimizer":{"type":"adam","lr":0.01},"start":[-1.5,2],"steps":100"#
                let cases: [(String, String)] = [
                    (#"{"base":\#(base)},"search":{"space":{"optimizer.lr":[0.1,0.01]},"pruner":{"type":"hyperband"}}}"#, "search.pruner.type"),
                    (#"{"base":\#(base)},"search":{"space":{"optimizer.lr":[0.1,0.01]},"pruner":{"type":"asha","reduction_factor":1}}}"#,
                     "search.pruner.reduction_factor"),
                    (#"{"base":\#(base)},"search":{"space":{"optimizer.lr":[0.1,0.01]},"pruner":"median"},"replicates":3}"#, "search.pruner"),
                    (#"{"base":\#(base),"record_every":4},"search":{"space":{"optimizer.lr":[0.1,0.01]},"pruner":{"type":"median","report_every":10}}}"#,
                     "search.pruner.report_every"),
                ]
                for (body, field) in cases {
                    let response = try await client.send("POST", "/v1/studies", body: Data(body.utf8))
                    #expect(response.status == 422, "\(field)")
                    let error = try Self.json(response.text)["error"] as? [String: Any]
                    #expect(error?["field"] as? String == field, "\(body)")
                }
            }
        }
    }
}
