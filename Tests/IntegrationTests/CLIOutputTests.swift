import DescentTestSupport
import Foundation
import Testing

/// What the `descent` commands print, through the real binary: for people on a terminal, JSON for
/// programs, streamed where the output can be long.
@Suite struct CLIOutputTests {
    /// `examples/` of this repository.
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples")

    // MARK: descent run

    @Test func runPrintsAShortSummaryOnATerminal() async throws {
        let spec = try temporaryFile("spec.json", Specs.saddle(start: [0.01, 0.02], steps: 10))
        let r = try await runDescentOnTerminal(["run", spec])
        #expect(r.status == 0, "\(r)")
        #expect(!r.stdout.hasPrefix("{") && r.stdout.utf8.count < 2_000, "\(r)")
        #expect(r.stdout.contains("stopped    budget after 10 of 10 steps"), "\(r)")
        #expect(r.stdout.contains("optimizer  sgd lr=0.1"), "\(r)")
        #expect(r.stdout.contains("--json"), "says how to get the whole result: \(r)")
    }

    @Test func runPrintsJSONWhenItsOutputIsNotATerminal() async throws {
        let spec = try temporaryFile("spec.json", Specs.saddle(start: [0.01, 0.02], steps: 10))
        let r = try await runDescent(["run", spec])
        #expect(r.status == 0, "\(r)")
        let object = try #require(try JSONSerialization.jsonObject(with: r.stdout.data) as? [String: Any], "\(r)")
        #expect((object["summary"] as? [String: Any])?["steps_run"] as? Int == 10)
        #expect(((object["trajectory"] as? [String: Any])?["step"] as? [Int])?.count == 11)
    }

    @Test func runPrintsJSONOnATerminalWhenAskedTo() async throws {
        let spec = try temporaryFile("spec.json", Specs.saddle(start: [0.01, 0.02], steps: 10))
        let r = try await runDescentOnTerminal(["run", spec, "--json"])
        #expect(r.status == 0, "\(r)")
        let object = try JSONSerialization.jsonObject(with: r.stdout.data) as? [String: Any]
        #expect(object?["summary"] != nil && object?["trajectory"] != nil, "\(r)")
    }

    @Test func runRefusesJSONAndCSVTogether() async throws {
        let spec = try temporaryFile("spec.json", Specs.saddle(start: [0.01, 0.02], steps: 10))
        let r = try await runDescent(["run", spec, "--json", "--format", "csv"])
        #expect(r.status == 64 && r.stderr.contains("--json"), "\(r)")
    }

    // MARK: descent trajectory

    @Test func trajectoryPrintsCSVRowsWhileTheResponseIsStillArriving() async throws {
        let first = "step,epoch,lr,loss,grad_norm\n0,0,0.1,24.199999999999996,232.86768775422664\n1,0,0.1,3.5,2.25\n"
        let server = try HeldResponseServer(contentType: "text/csv; charset=utf-8", first: first, rest: "2,0,0.1,1,0.5\n")
        let child = try RunningDescent(["trajectory", "exp_0000000000000001", "--csv", "--server", server.baseURL])
        try await waitUntil("the first rows are printed") { child.output == first }
        #expect(child.isRunning, "the rest of the response has not been sent")
        server.finish()
        #expect(try await child.exitStatus() == 0)
        #expect(child.output == first + "2,0,0.1,1,0.5\n")
    }

    @Test func trajectoryTablePrintsAlignedRowsAsTheyArrive() async throws {
        let server = try HeldResponseServer(contentType: "text/csv; charset=utf-8",
                                            first: "step,epoch,lr,loss,grad_norm\n0,0,0.1,24.199999999999996,232.86768775422664\n",
                                            rest: "1000000,3,1e-05,NaN,0.5\n")
        let child = try RunningDescent(["trajectory", "exp_0000000000000001", "--server", server.baseURL])
        let head = try #require(server.requestHead())
        #expect(head.contains("fields=epoch,lr,loss,grad_norm") && head.contains("Accept: text/csv"), "\(head)")
        let header = "step          epoch         lr            loss          grad_norm\n"
        try await waitUntil("the first row is printed") { child.output == header + "0             0             0.1           24.2          232.868\n" }
        server.finish()
        #expect(try await child.exitStatus() == 0)
        #expect(child.output.hasSuffix("1000000       3             1e-05         nan           0.5\n"), "\(child.output)")
    }

    @Test func trajectoryAsksForAtMostMaxPointsRows() async throws {
        let spec = try temporaryFile("spec.json", Specs.saddle(start: [0.01, 0.02], steps: 300))
        try await withServer { server in
            let submitted = try await runDescent(["submit", spec, "--wait", "--json", "--server", server.baseURL])
            let id = try #require((try JSONSerialization.jsonObject(with: submitted.stdout.data) as? [String: Any])?["id"] as? String)
            let csv = try await runDescent(["trajectory", id, "--csv", "--max-points", "10", "--server", server.baseURL])
            #expect(csv.status == 0, "\(csv)")
            let rows = csv.stdout.split(separator: "\n").count - 1
            #expect(rows >= 2 && rows <= 10, "\(rows) rows of 301 for --max-points 10")
        }
    }

    // MARK: submit, cancel, study

    @Test func submitWaitJSONPrintsOneFinalExperimentPerLine() async throws {
        let a = try temporaryFile("a.json", Specs.saddle(start: [0.01, 0.02], steps: 20))
        let b = try temporaryFile("b.json", Specs.rosenbrock(seed: 1))
        try await withServer { server in
            let r = try await runDescent(["submit", a, b, "--wait", "--json", "--server", server.baseURL])
            #expect(r.status == 0, "\(r)")
            let lines = r.stdout.split(separator: "\n")
            #expect(lines.count == 2, "\(r)")
            let names = try lines.map { line in
                let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
                #expect(object["status"] as? String == "succeeded" && object["summary"] is [String: Any], "\(line)")
                return object["name"] as? String
            }
            #expect(names == ["saddle", "rosenbrock 1"])
        }
    }

    @Test func cancelPrintsTheStateTheExperimentEndsIn() async throws {
        let spec = try temporaryFile("long.json", Specs.long())
        try await withServer { server in
            let submitted = try await runDescent(["submit", spec, "--json", "--server", server.baseURL])
            let id = try #require((try JSONSerialization.jsonObject(with: submitted.stdout.data) as? [String: Any])?["id"] as? String)
            let cancelled = try await runDescent(["cancel", id, "--server", server.baseURL])
            #expect(cancelled.status == 0 && cancelled.stdout.contains("status    cancelled"), "\(cancelled)")
            let again = try await runDescent(["cancel", id, "--json", "--server", server.baseURL])
            #expect((try JSONSerialization.jsonObject(with: again.stdout.data) as? [String: Any])?["status"] as? String == "cancelled", "\(again)")
        }
    }

    @Test func studyTableAlignsItsColumnsAndShowsStepsToTarget() async throws {
        let study = Self.examples.appendingPathComponent("study-learning-rates.json").path
        try await withServer { server in
            let r = try await runDescent(["study", study, "--wait", "--server", server.baseURL])
            #expect(r.status == 0, "\(r)")
            let lines = r.stdout.split(separator: "\n").map(String.init)
            #expect(lines.first?.hasSuffix("finished, loss target 1e-06") == true, "\(r)")
            let header = try #require(lines.dropFirst().first)
            let rows = Array(lines.dropFirst(2))
            #expect(rows.count == 5, "\(r)")
            // Every column starts at the same offset in the header and in each row.
            let starts = ["status", "final_loss", "best_loss", "steps", "steps_to_target", "label"].compactMap { header.range(of: $0)?.lowerBound.utf16Offset(in: header) }
            #expect(starts.count == 6)
            for row in rows {
                let characters = Array(row)
                for start in starts { #expect(characters[start - 1] == " " && characters[start] != " ", "column at \(start) in \(row)") }
            }
            // lr 0.01: ‖w‖ shrinks like 0.99^t along w₁, so 0.5·0.99^(2t) ≤ 1e-6 first at t = 653.
            let row = try #require(rows.first { $0.hasSuffix("optimizer.lr=0.01") })
            let cells = row.split(separator: " ")
            #expect(cells[1] == "succeeded" && cells[5] == "653", "\(row)")
            #expect(rows.last?.split(separator: " ")[1] == "diverged", "lr 0.021 > 2/100")
        }
    }

    // MARK: errors

    @Test func aTransportErrorNamesTheServer() async throws {
        let r = try await runDescent(["get", "exp_0000000000000000", "--server", "http://127.0.0.1:9"])
        #expect(r.status == 1, "\(r)")
        #expect(r.stderr == "error: cannot reach http://127.0.0.1:9: connection refused\n", "\(r)")
    }
}
