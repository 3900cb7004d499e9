import DescentTestSupport
import Foundation
import Testing

/// Exit status and output of one `descent` child process.
struct CommandResult: CustomStringConvertible {
    let status: Int32
    let stdout: String
    let stderr: String
    var description: String { "exit \(status)\nstdout: \(stdout)\nstderr: \(stderr)" }
}

/// Runs `descent ARGS…` (no `DESCENT_*` variables but `environment`) to its end; a process still
/// running after `timeout` is killed and reported as an error, so a command that should have
/// exited at once cannot hang the suite.
func runDescent(_ arguments: [String], environment: [String: String] = [:], timeout: Duration = .seconds(60)) async throws -> CommandResult {
    let folder = try temporaryFolder("descent-cli")
    defer { try? FileManager.default.removeItem(at: folder) }
    let out = folder.appendingPathComponent("stdout"), err = folder.appendingPathComponent("stderr")
    _ = FileManager.default.createFile(atPath: out.path, contents: nil)
    _ = FileManager.default.createFile(atPath: err.path, contents: nil)
    let process = Process()
    process.executableURL = try descentBinary()
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("DESCENT_") }
    env.merge(environment) { $1 }
    process.environment = env
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = try FileHandle(forWritingTo: out)
    process.standardError = try FileHandle(forWritingTo: err)
    try process.run()
    try await waitForExit(process, arguments: arguments, timeout: timeout)
    return CommandResult(status: process.terminationStatus,
                         stdout: try String(contentsOf: out, encoding: .utf8),
                         stderr: try String(contentsOf: err, encoding: .utf8))
}

/// Waits for `process` to exit; past `timeout` it is terminated and the wait fails.
func waitForExit(_ process: Process, arguments: [String], timeout: Duration) async throws {
    let deadline = ContinuousClock.now + timeout
    while process.isRunning {
        if ContinuousClock.now > deadline {
            process.terminate()
            process.waitUntilExit()
            throw HarnessError(description: "descent \(arguments.joined(separator: " ")) still running after \(timeout)")
        }
        try await Task.sleep(for: .milliseconds(20))
    }
}

/// Writes `text` to a new temporary file and returns its path.
func temporaryFile(_ name: String, _ text: String) throws -> String {
    let url = try temporaryFolder("descent-file").appendingPathComponent(name)
    try text.data.write(to: url)
    return url.path
}

/// The `descent` command line: settings checked at start, the client commands' output and exit
/// codes (0 done, 1 request failed, 2 invalid spec for `run`, 3 experiment did not succeed, 64 a bad setting).
@Suite struct CLITests {
    // MARK: settings of `descent serve`

    @Test func serveRejectsAnOutOfRangePortFlag() async throws {
        let r = try await runDescent(["serve", "--port", "70000", "--data-dir", try temporaryFolder("descent-cli-data").path])
        #expect(r.status == 64, "\(r)")
        #expect(r.stderr.contains("--port") && r.stderr.contains("server.port") && r.stderr.contains("65535"), "\(r)")
    }

    @Test func serveRejectsAnUnknownLogLevelFromTheEnvironment() async throws {
        let r = try await runDescent(["serve", "--port", "0", "--data-dir", try temporaryFolder("descent-cli-data").path],
                                     environment: ["DESCENT_LOG_LEVEL": "bogus"])
        #expect(r.status == 64, "\(r)")
        #expect(r.stderr.contains("DESCENT_LOG_LEVEL") && r.stderr.contains("bogus"), "\(r)")
    }

    @Test func serveRejectsABadValueInTheConfigFileNamingFileAndSetting() async throws {
        let config = try temporaryFile("descent.yaml", "jobs:\n  workers: -3\n")
        let r = try await runDescent(["serve", "--port", "0", "--config", config])
        #expect(r.status == 64, "\(r)")
        #expect(r.stderr.contains("jobs.workers") && r.stderr.contains(config), "\(r)")
    }

    @Test func serveRejectsAMissingConfigFile() async throws {
        let r = try await runDescent(["serve", "--port", "0", "--config", "/nonexistent/descent.yaml"])
        #expect(r.status == 64, "\(r)")
        #expect(r.stderr.contains("/nonexistent/descent.yaml"), "\(r)")
    }

    @Test func serveAppliesTheConfigFile() async throws {
        // The token from the file guards mutating requests: a submit without it fails (exit 1), with it succeeds.
        let config = try temporaryFile("descent.yaml", "auth:\n  token: file-secret\n")
        let spec = try temporaryFile("spec.json", Specs.saddle(start: [0.01, 0.02], steps: 20))
        try await withServer(arguments: ["--config", config]) { server in
            let refused = try await runDescent(["submit", spec, "--server", server.baseURL])
            #expect(refused.status == 1, "\(refused)")
            #expect(refused.stderr.contains("401") || refused.stderr.lowercased().contains("unauthorized"), "\(refused)")
            let accepted = try await runDescent(["submit", spec, "--server", server.baseURL, "--auth-token", "file-secret"])
            #expect(accepted.status == 0, "\(accepted)")
        }
    }

    // MARK: client commands

    @Test func submitWaitGetTrajectoryAndTheirExitCodes() async throws {
        let spec = try temporaryFile("spec.json", Specs.saddle(start: [0.01, 0.02], steps: 50))
        try await withServer { server in
            let submitted = try await runDescent(["submit", spec, "--wait", "--json", "--server", server.baseURL])
            #expect(submitted.status == 0, "\(submitted)")
            let object = try JSONSerialization.jsonObject(with: submitted.stdout.data) as? [String: Any]
            let id = try #require(object?["id"] as? String, "\(submitted)")
            #expect(object?["status"] as? String == "succeeded")

            let got = try await runDescent(["get", id, "--server", server.baseURL])
            #expect(got.status == 0 && got.stdout.contains(id) && got.stdout.contains("succeeded"), "\(got)")

            let csv = try await runDescent(["trajectory", id, "--csv", "--server", server.baseURL])
            #expect(csv.status == 0, "\(csv)")
            let lines = csv.stdout.split(separator: "\n")
            #expect(lines.first == "step,epoch,lr,loss,grad_norm,p0,p1", "\(csv)")
            #expect(lines.count == 52, "the header, the start and 50 steps: \(lines.count) lines")

            let table = try await runDescent(["trajectory", id, "--server", server.baseURL, "--max-points", "5"])
            #expect(table.status == 0 && !table.stdout.isEmpty, "\(table)")

            let missing = try await runDescent(["get", "exp_0000000000000000", "--server", server.baseURL])
            #expect(missing.status == 1 && missing.stderr.hasPrefix("error:"), "\(missing)")
            #expect(missing.stderr.contains("404") || missing.stderr.contains("not found"), "\(missing)")

            let invalid = try await runDescent(["submit", try temporaryFile("bad.json", #"{"objective":{"type":"nope"}}"#),
                                                "--server", server.baseURL])
            #expect(invalid.status == 1 && invalid.stderr.contains("objective.type"), "\(invalid)")
        }
    }

    @Test func waitExitsThreeWhenTheExperimentDiverged() async throws {
        let spec = try temporaryFile("diverge.json", #"{"objective":{"type":"saddle"},"optimizer":{"type":"sgd","lr":5},"start":[3,3],"steps":100}"#)
        try await withServer { server in
            let r = try await runDescent(["submit", spec, "--wait", "--json", "--server", server.baseURL])
            #expect(r.status == 3, "\(r)")
            let object = try JSONSerialization.jsonObject(with: r.stdout.data) as? [String: Any]
            #expect(object?["status"] as? String == "diverged", "\(r)")
        }
    }

    @Test func cancelStopsAnExperiment() async throws {
        let spec = try temporaryFile("long.json", Specs.long())
        try await withServer { server in
            let submitted = try await runDescent(["submit", spec, "--json", "--server", server.baseURL])
            #expect(submitted.status == 0, "\(submitted)")
            let id = try #require((try JSONSerialization.jsonObject(with: submitted.stdout.data) as? [String: Any])?["id"] as? String)
            let cancelled = try await runDescent(["cancel", id, "--server", server.baseURL])
            #expect(cancelled.status == 0, "\(cancelled)")
            let waited = try await runDescent(["wait", id, "--json", "--server", server.baseURL, "--timeout", "60"])
            #expect(waited.status == 3, "a cancelled experiment did not succeed: \(waited)")
            #expect(waited.stdout.contains("\"cancelled\""), "\(waited)")
        }
    }

    @Test func clientCommandExitsOneWhenNoServerAnswers() async throws {
        let r = try await runDescent(["get", "exp_0000000000000000", "--server", "http://127.0.0.1:9"])
        #expect(r.status == 1 && r.stderr.hasPrefix("error:"), "\(r)")
    }

    @Test func healthExitsZeroWhileTheServerAnswersAndOneWhenNone() async throws {
        try await withServer { server in
            let live = try await runDescent(["health", "--server", server.baseURL])
            #expect(live.status == 0 && live.stdout == "ok\n", "\(live)")
            let ready = try await runDescent(["health", "--ready", "--json", "--server", server.baseURL])
            #expect(ready.status == 0 && ready.stdout.contains("{"), "\(ready)")
        }
        let none = try await runDescent(["health", "--server", "http://127.0.0.1:9", "--timeout", "1"])
        #expect(none.status == 1 && none.stderr.hasPrefix("error:"), "\(none)")
    }

    // MARK: `descent run`

    @Test func runWritesCSVWithTheAPIsColumnNames() async throws {
        let spec = try temporaryFile("spec.json", Specs.saddle(start: [0.01, 0.02], steps: 10))
        let r = try await runDescent(["run", spec, "--format", "csv"])
        #expect(r.status == 0, "\(r)")
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.first == "step,epoch,lr,loss,grad_norm,p0,p1")
        #expect(lines.count == 12, "the header, the start and 10 steps")
        #expect(lines.dropFirst().first?.hasPrefix("0,0,0.1,") == true, "\(r)")
    }

    @Test func runExitsTwoOnAnInvalidSpec() async throws {
        let spec = try temporaryFile("bad.json", #"{"objective":{"type":"nope"},"optimizer":{"type":"sgd"},"steps":1}"#)
        let r = try await runDescent(["run", spec])
        #expect(r.status == 2, "\(r)")
        #expect(r.stderr.contains("objective.type"), "\(r)")
    }
}
