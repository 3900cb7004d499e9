import ArgumentParser
import DescentClient
import Foundation

/// `descent health [--ready]`: asks a server whether it is up (or ready); the container's HEALTHCHECK.
///
/// Exit status 0 when the server answers `GET /healthz` (`/readyz` with `--ready`) with a 2xx status
/// within the timeout, else 1 with the reason on standard error. The image runs it instead of curl,
/// which it would otherwise have to carry only for this. Without `--server` or `$DESCENT_URL` it asks
/// 127.0.0.1 on `$DESCENT_PORT` (the port `descent serve` reads), else on 8080.
struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health", abstract: "Check that a server is up (GET /healthz) or ready (GET /readyz).")

    @OptionGroup var options: ClientOptions
    @Flag(help: "Check readiness (store writable, workers running) instead of liveness.") var ready = false
    @Option(help: "Give up after this many seconds (default 3).") var timeout: Int = 3

    func validate() throws {
        guard timeout > 0 else { throw ValidationError("--timeout must be at least 1 second") }
    }

    func run() async throws {
        var options = self.options
        let environment = ProcessInfo.processInfo.environment
        if options.server == nil, environment["DESCENT_URL"] == nil, let port = environment["DESCENT_PORT"] {
            options.server = "http://127.0.0.1:\(port)"
        }
        let client = options.client(timeoutMilliseconds: timeout * 1000)
        let path = ready ? "/readyz" : "/healthz"
        let response = try await ClientOutput.attempt { () async throws(ClientError) in try await client.send("GET", path) }
        guard (200..<300).contains(response.status) else {
            FileHandle.standardError.write(Data("error: GET \(path): HTTP \(response.status) \(response.text)\n".utf8))
            throw ExitCode(1)
        }
        print(options.json ? response.text : (ready ? "ready" : "ok"))
    }
}
