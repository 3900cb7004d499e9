import DescentTestSupport
import DescentCore
import Foundation
import Testing
@testable import DescentService

/// Comparisons (`POST /v1/studies` with `compare`) and confirmation trials of plain searches.
@Suite struct ComparisonAPITests {
    private let quadratic = #"{"objective":{"type":"ill_conditioned","dimension":2,"kappa":100},"start":[1,1],"steps":100,"seed":3}"#
    private let rosenbrock = #"{"objective":{"type":"rosenbrock"},"start":[-1.2,1],"steps":300,"seed":3}"#

    /// Three optimizers on both problems; the learning rates stay below the largest any of them survives on both.
    private func comparison(trials: Int = 4, confirm: Int = 4, extra: String = "", high: Double = 0.01) -> String {
        #"{"name":"tuned","compare":{"optimizers":[{"type":"sgd"},{"label":"momentum","optimizer":{"type":"sgd","momentum":0.9}},{"type":"adam"}],"#
            + #""problems":[{"label":"quadratic","spec":\#(quadratic)},\#(rosenbrock)]},"#
            + #""search":{"space":{"optimizer.lr":{"type":"log_uniform","low":1e-4,"high":\#(high)}},"sampler":"random","trials":\#(trials),"max_concurrent":2,"seed":9},"#
            + #""confirm":\#(confirm)\#(extra)}"#
    }

    private func board(_ study: [String: Any]) -> [[String: Any]] {
        (study["comparison"] as? [String: Any])?["problems"] as? [[String: Any]] ?? []
    }

    private func entries(_ problem: [String: Any]) -> [[String: Any]] { problem["entries"] as? [[String: Any]] ?? [] }

    private func trials(_ study: [String: Any]) -> [[String: Any]] {
        (study["search"] as? [String: Any])?["trials"] as? [[String: Any]] ?? []
    }

    /// Each cell runs its budget of tuning trials, then its best values again on fresh seeds; on these closed-form
    /// problems without noise the seed changes nothing, so each confirmation run ends exactly where the best tuning
    /// trial did (the mean of four equal numbers is that number exactly) and the entries rank by the best tuning values.
    @Test func eachCellTunesThenRunsItsBestAgain() async throws {
        let h = try ServiceHarness(workers: 2)
        let study = try await h.runStudyToEnd(comparison(), timeout: 120)
        let problems = board(study)
        #expect(problems.map { $0["problem"] as? String } == ["quadratic", "rosenbrock"])
        let stride = 5  // 4 tuning trials + the confirmation trial
        #expect(trials(study).count == 6 * stride)
        for problem in problems {
            let rows = entries(problem)
            #expect(Set(rows.compactMap { $0["optimizer"] as? String }) == ["sgd", "momentum", "adam"])
            #expect(rows.map { $0["rank"] as? Int } == [1, 2, 3])
            #expect(problem["winner"] as? String == rows.first?["optimizer"] as? String)
            let values = rows.compactMap { $0["value"] as? Double }
            #expect(values == values.sorted())
            for row in rows {
                #expect(row["state"] as? String == "finished" && row["budget"] as? Int == 4 && row["trials_ended"] as? Int == 4)
                let tuning = try #require(row["tuning_value"] as? Double)
                #expect(row["value"] as? Double == tuning)
                let final = try #require(row["final_loss"] as? [String: Any])
                #expect(final["runs"] as? Int == 4 && final["final_loss_mean"] as? Double == tuning && final["final_loss_std"] as? Double == 0)
                let number = try #require(row["confirmation_trial"] as? Int)
                let best = try #require(row["best_trial"] as? Int)
                #expect(number % stride == 4 && best / stride == number / stride)
                let confirmation = try #require(trials(study).first { $0["number"] as? Int == number })
                let chosen = try #require(trials(study).first { $0["number"] as? Int == best })
                #expect(confirmation["confirmation"] as? Bool == true)
                #expect("\(confirmation["params"] ?? "")" == "\(chosen["params"] ?? "")")
                let ratio = try #require(row["ratio_to_winner"] as? Double)
                let expected = tuning / (values.first ?? .nan)
                #expect(abs(ratio - expected) <= 1e-12 * expected)
            }
        }
    }

    /// A cell whose every tuning trial diverged has no configuration to confirm: it ends failed, unranked, listed last.
    @Test func cellWithoutAFiniteTrialEndsFailedAndUnranked() async throws {
        let h = try ServiceHarness(workers: 2)
        let body = #"{"compare":{"optimizers":[{"type":"sgd"},{"type":"adam"}],"problems":[\#(quadratic)]},"#
            + #""search":{"space":{"optimizer.lr":{"type":"log_uniform","low":0.05,"high":0.1}},"sampler":"random","trials":2},"confirm":2}"#
        let study = try await h.runStudyToEnd(body, timeout: 120)
        let rows = entries(try #require(board(study).first))
        #expect(rows.map { $0["optimizer"] as? String } == ["adam", "sgd"])
        #expect(rows.map { $0["rank"] as? Int } == [1, nil])
        #expect(rows.map { $0["state"] as? String } == ["finished", "failed"])
        #expect(rows.last?["tuning_value"] is NSNull && rows.last?["final_loss"] is NSNull)
        #expect(board(study).first?["winner"] as? String == "adam")
    }

    /// The confirmation runs use seeds no tuning trial used: replicates 1 … k of the base seed.
    @Test func confirmationRunsUseFreshSeeds() async throws {
        let h = try ServiceHarness(workers: 2)
        let study = try await h.runStudyToEnd(comparison(trials: 2, confirm: 2), timeout: 120)
        for trial in trials(study) {
            let ids = try #require(trial["experiment_ids"] as? [String])
            var seeds: [UInt64] = []
            for id in ids {
                let spec = try #require(h.object(try await h.request(.get, "/v1/experiments/\(id)").body)["spec"] as? [String: Any])
                seeds.append(try #require((spec["seed"] as? NSNumber)?.uint64Value))
            }
            if trial["confirmation"] as? Bool == true {
                #expect(seeds == [Replicates.seed(base: 3, replicate: 1), Replicates.seed(base: 3, replicate: 2)])
            } else {
                #expect(seeds == [3])
            }
        }
    }

    /// The same comparison gives the same trials and the same leaderboard (apart from wall times) with one worker or three.
    @Test func leaderboardDoesNotDependOnTheNumberOfWorkers() async throws {
        let body = comparison(trials: 5, confirm: 2).replacingOccurrences(of: #""sampler":"random""#, with: #""sampler":{"type":"tpe","startup_trials":2}"#)
        var runs: [String] = []
        for workers in [1, 3] {
            let h = try ServiceHarness(workers: workers)
            let study = try await h.runStudyToEnd(body, timeout: 120)
            let trialText = trials(study).map { "\($0["number"] ?? "") \($0["params"] ?? "") \($0["value"] ?? "")" }
            var boardText: [String] = []
            for var row in board(study).flatMap(entries) {
                row["wall_ms_mean"] = nil
                row["tuning_wall_ms"] = nil
                boardText.append(String(decoding: try JSONSerialization.data(withJSONObject: row, options: .sortedKeys), as: UTF8.self))
            }
            runs.append("\(trialText) \(boardText)")
        }
        #expect(runs[0] == runs[1])
    }

    @Test func stepsToTargetCountOnlyRunsThatReachedIt() async throws {
        let h = try ServiceHarness(workers: 2)
        let study = try await h.runStudyToEnd(comparison(trials: 3, confirm: 2, extra: #","loss_target":1e-3"#), timeout: 120)
        let target = (study["comparison"] as? [String: Any])?["target"] as? Double
        #expect(target == 1e-3)
        for row in board(study).flatMap(entries) {
            let final = try #require(row["final_loss"] as? [String: Any])
            let reached = try #require(final["success_rate"] as? Double)
            let mean = row["steps_to_target_mean"] as? Double
            #expect((reached > 0) == (mean != nil), "\(row)")
            #expect(row["wall_ms_mean"] as? Double != nil)
        }
    }

    /// A plain search with `confirm` ends with one more trial: its best trial's values on fresh seeds.
    @Test func plainSearchConfirmsItsBestTrial() async throws {
        let h = try ServiceHarness(workers: 2)
        let base = #"{"objective":{"type":"rosenbrock"},"optimizer":{"type":"adam","lr":0.01},"start":[-1.2,1],"steps":300,"seed":3}"#
        let request = #"{"base":\#(base),"search":{"space":{"optimizer.lr":{"type":"log_uniform","low":1e-3,"high":0.3}},"#
            + #""sampler":"random","trials":3,"seed":1},"confirm":2}"#
        let study = try await h.runStudyToEnd(request, timeout: 120)
        let search = try #require(study["search"] as? [String: Any])
        let best = try #require(search["best"] as? [String: Any])
        let confirmation = try #require(search["confirmation"] as? [String: Any])
        #expect(confirmation["number"] as? Int == 3 && best["number"] as? Int != 3)
        #expect("\(confirmation["params"] ?? "")" == "\(best["params"] ?? "")")
        #expect((confirmation["experiment_ids"] as? [String])?.count == 2)
        #expect((confirmation["replicates"] as? [String: Any])?["final_loss_mean"] as? Double == best["value"] as? Double)
        #expect(search["confirm"] as? Int == 2)
    }

    @Test func leaderboardSVGDrawsOneCurvePerOptimizerInRankOrder() async throws {
        let h = try ServiceHarness(workers: 2)
        let study = try await h.runStudyToEnd(comparison(trials: 2, confirm: 2), timeout: 120)
        let id = try #require(study["id"] as? String)
        let r = try await h.request(.get, "/v1/studies/\(id)/leaderboard.svg?problem=rosenbrock")
        #expect(r.status == 200 && r.headers["Content-Type"]?.hasPrefix("image/svg+xml") == true)
        let svg = SVGXMLInspector(r.body)
        #expect(svg.elements("path", class: "series").count == 3)
        let names = entries(try #require(board(study).last)).compactMap { $0["optimizer"] as? String }
        let legend = svg.texts(class: "legend-label")
        #expect(legend.map { String($0.dropFirst(3).prefix { $0 != " " && $0 != ":" }) } == names)
        let unknown = try await h.request(.get, "/v1/studies/\(id)/leaderboard.svg?problem=nope")
        #expect(unknown.status == 422 && h.errorFields(unknown.body).field == "problem")
    }

    @Test func leaderboardSVGOfAPlainSearchIsAConflict() async throws {
        let h = try ServiceHarness(start: false)
        let body = #"{"base":{"objective":{"type":"rosenbrock"},"optimizer":{"type":"adam","lr":0.01},"start":[-1,1],"steps":10},"#
            + #""search":{"space":{"optimizer.lr":{"type":"log_uniform","low":1e-3,"high":0.3}},"trials":2}}"#
        let created = try await h.request(.post, "/v1/studies", json: body)
        let id = try #require(h.object(created.body)["id"] as? String)
        let r = try await h.request(.get, "/v1/studies/\(id)/leaderboard.svg")
        #expect(r.status == 409)
    }

    @Test(arguments: [
        (#"{"compare":{"optimizers":[{"type":"sgd"},{"type":"sgd","momentum":0.9}],"problems":[{"objective":{"type":"rosenbrock"},"start":[0,0],"steps":5}]}}"#,
         "compare.optimizers[1].label"),
        (#"{"compare":{"optimizers":[{"type":"sgd"}],"problems":[{"objective":{"type":"rosenbrock"},"optimizer":{"type":"adam"},"start":[0,0],"steps":5}]}}"#,
         "compare.problems[0].optimizer"),
        (#"{"compare":{"optimizers":[],"problems":[{"objective":{"type":"rosenbrock"},"start":[0,0],"steps":5}]}}"#, "compare.optimizers"),
        (#"{"compare":{"optimizers":[{"type":"sgd"}]}}"#, "compare.problems"),
        (#"{"compare":{"optimizers":[{"type":"sgd"}],"problems":[{"objective":{"type":"rosenbrock"},"start":[0,0],"steps":5}],"seed":1}}"#, "compare.seed"),
        (#"{"compare":{"optimizers":[{"type":"nope"}],"problems":[{"objective":{"type":"rosenbrock"},"start":[0,0],"steps":5}]}}"#,
         "compare.optimizers[0].type"),
        (#"{"compare":{"optimizers":[{"label":"m","optimizer":{"type":"sgd"}}],"problems":[{"label":"r","spec":{"objective":{"type":"rosenbrock"},"start":[0,0],"steps":-5}}]}}"#,
         "compare.problems[0].spec.steps"),
        (#"{"compare":{"optimizers":[{"optimizer":{"type":"sgd"},"space":{"optimizer.momentum":{"type":"uniform","low":1,"high":0}}}],"problems":[{"objective":{"type":"rosenbrock"},"start":[0,0],"steps":5}]}}"#,
         "compare.optimizers[0].space[optimizer.momentum].high"),
        (#"{"compare":{"optimizers":[{"type":"sgd"}],"problems":[{"objective":{"type":"rosenbrock"},"start":[0,0],"steps":5},{"objective":{"type":"saddle"},"start":[0,0],"steps":5}]},"search":{"trials":10000},"confirm":100}"#,
         "compare"),
        (#"{"compare":{"optimizers":[{"type":"sgd"}],"problems":[{"objective":{"type":"rosenbrock"},"start":[0,0],"steps":5}]},"search":{"pruner":{"type":"median"}}}"#,
         "search.pruner"),
        (#"{"compare":{"optimizers":[{"type":"sgd"}],"problems":[{"objective":{"type":"rosenbrock"},"start":[0,0],"steps":5}]},"confirm":0}"#, "confirm"),
        (#"{"base":{},"compare":{"optimizers":[{"type":"sgd"}],"problems":[{"objective":{"type":"rosenbrock"},"start":[0,0],"steps":5}]}}"#, "base"),
        (#"{"experiments":[{"objective":{"type":"rosenbrock"},"start":[0,0],"steps":5}],"confirm":2}"#, "confirm"),
    ])
    func invalidComparisonNamesItsField(body: String, field: String) async throws {
        let h = try ServiceHarness(start: false)
        let r = try await h.request(.post, "/v1/studies", json: body)
        #expect(r.status == 422, "\(r.body)")
        #expect(h.errorFields(r.body).field == field, "\(r.body)")
    }
}
