import DescentTestSupport
import DescentClient
import Foundation
import Testing

/// A small comparison: SGD, momentum and Adam tuned on the ill-conditioned quadratic and on Rosenbrock with a little
/// gradient noise, each best rate confirmed on three seeds.
let comparisonBody = Data((#"{"name":"tuned","compare":{"optimizers":[{"type":"sgd"},{"label":"momentum","optimizer":{"type":"sgd","momentum":0.9}},{"type":"adam"}],"#
    + #""problems":[{"label":"quadratic","spec":{"objective":{"type":"ill_conditioned","dimension":2,"kappa":100},"start":[1,1],"steps":100,"seed":2,"#
    + #""transforms":[{"type":"gradient_noise","eta":0.01}]}},{"objective":{"type":"rosenbrock"},"start":[-1.2,1],"steps":300,"seed":2}]},"#
    + #""search":{"space":{"optimizer.lr":{"type":"log_uniform","low":1e-4,"high":0.01}},"sampler":{"type":"tpe","startup_trials":3},"#
    + #""trials":6,"max_concurrent":2,"seed":5},"confirm":3,"loss_target":1}"#).utf8)

/// Waits for the comparison to finish; returns its leaderboard with the wall times left out (everything that
/// must not depend on where and when it ran).
func finishedLeaderboard(_ client: Client, _ id: String) async throws -> JSONValue {
    var board: JSONValue = .null
    try await waitUntil("comparison \(id) finishes", timeout: 240, poll: .milliseconds(100)) {
        board = try await client.leaderboard(studyID: id)
        guard case .array(let problems)? = board["problems"] else { return false }
        return problems.allSatisfy { $0["winner"] != .null && $0["winner"] != nil }
    }
    guard case .object(var top) = board, case .array(let problems)? = top["problems"] else { return board }
    top["problems"] = .array(problems.map { problem in
        guard case .object(var p) = problem, case .array(let entries)? = p["entries"] else { return problem }
        p["entries"] = .array(entries.map { entry in
            guard case .object(var e) = entry else { return entry }
            e["wall_ms_mean"] = nil
            e["tuning_wall_ms"] = nil
            return .object(e)
        })
        return .object(p)
    })
    return .object(top)
}

extension Integration {
    /// Comparisons through the client: the leaderboard as JSON and as SVG.
    @Suite struct Comparisons {
        @Test func aComparisonRanksEachTunedOptimizerAndDrawsItsLeaderboard() async throws {
            try await withServer(arguments: ["--workers", "2"]) { server in
                let client = server.client()
                let study = try await client.createStudy(json: comparisonBody)
                let board = try await finishedLeaderboard(client, study.id)
                #expect(board["confirm"] == .number(3) && board["target"] == .number(1))
                guard case .array(let problems)? = board["problems"] else { Issue.record("no problems: \(board)"); return }
                #expect(problems.map { $0["problem"] } == [.string("quadratic"), .string("rosenbrock")])
                for problem in problems {
                    guard case .array(let entries)? = problem["entries"] else { continue }
                    #expect(entries.map { $0["rank"] } == [.number(1), .number(2), .number(3)])
                    #expect(problem["winner"] == entries.first?["optimizer"])
                    for entry in entries {
                        #expect(entry["state"] == .string("finished") && entry["final_loss"]?["runs"] == .number(3), "\(entry)")
                    }
                }
                // The noisy quadratic's confirmation runs differ; the noiseless Rosenbrock's do not.
                guard case .array(let quadratic)? = problems.first?["entries"], case .array(let rosenbrock)? = problems.last?["entries"] else { return }
                #expect(quadratic.allSatisfy { ($0["final_loss"]?["final_loss_std"]?.double ?? 0) > 0 })
                // (The mean of three equal numbers may round off them by an ulp, so the std is ~1e-16 of the mean, not 0.)
                #expect(rosenbrock.allSatisfy { e in
                    let mean = e["final_loss"]?["final_loss_mean"]?.double ?? .nan, std = e["final_loss"]?["final_loss_std"]?.double ?? .nan
                    return std <= 1e-12 * mean
                }, "\(rosenbrock)")
                let svg = try await client.leaderboardSVG(studyID: study.id, problem: "rosenbrock")
                #expect(svg.hasPrefix("<svg") || svg.hasPrefix("<?xml"))
                #expect(svg.components(separatedBy: "class=\"series\"").count - 1 == 3)
                let missing = await #expect(throws: ClientError.self) { _ = try await client.leaderboardSVG(studyID: study.id, problem: "nope") }
                #expect(missing?.status == 422)
            }
        }
    }

    /// A comparison driven by two instances on one PostgreSQL database gives the leaderboard one instance on
    /// SQLite gives.
    @Suite(.enabled(if: ProcessInfo.processInfo.environment["DESCENT_TEST_POSTGRES_URL"].map { !$0.isEmpty } ?? false,
                    "needs DESCENT_TEST_POSTGRES_URL (make test starts a throwaway PostgreSQL)"))
    struct ComparisonsScaleOut {
        @Test(.timeLimit(.minutes(5)))
        func twoInstancesOnPostgresGiveTheLeaderboardOfOneOnSQLite() async throws {
            var alone: JSONValue = .null
            try await withServer(arguments: ["--workers", "1"]) { server in
                let client = server.client()
                alone = try await finishedLeaderboard(client, try await client.createStudy(json: comparisonBody).id)
            }
            try await Fleet.run { fleet in
                let clients = try await fleet.start(2, ["--workers", "1"]).map { $0.client() }
                let study = try await clients[0].createStudy(json: comparisonBody)
                let shared = try await finishedLeaderboard(clients[1], study.id)
                #expect(shared == alone)
                // Every trial exactly once: the cells' numbers are contiguous from c·stride.
                let csv = try await clients[0].studyTrialsCSV(id: study.id).split(separator: "\n").dropFirst()
                #expect(csv.count == 6 * 7 && Set(csv.map { $0.split(separator: ",").first }).count == 42)
            }
        }
    }
}
