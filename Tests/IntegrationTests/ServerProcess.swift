import DescentClient
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Errors of the test harness itself.
struct HarnessError: Error, CustomStringConvertible {
    let description: String
}

/// Where the `descent` binary is: `$DESCENT_BINARY`, else next to the running test bundle.
func descentBinary() throws -> URL {
    if let path = ProcessInfo.processInfo.environment["DESCENT_BINARY"] { return URL(fileURLWithPath: path) }
    let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    let candidate = exe.deletingLastPathComponent().appendingPathComponent("descent")
    guard FileManager.default.isExecutableFile(atPath: candidate.path) else {
        throw HarnessError(description: "no descent binary at \(candidate.path); build it (swift build --build-tests) or set DESCENT_BINARY")
    }
    return candidate
}

/// A fresh temporary folder.
func temporaryFolder(_ prefix: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// A `descent serve` child process on a free loopback port.
///
/// `@unchecked Sendable`: `process` is configured before `run()` and afterwards only signalled and
/// read for its pid; the exit status goes through `exit`, a Mutex.
final class ServerProcess: @unchecked Sendable {
    /// `http://127.0.0.1:PORT` as printed by the server.
    let baseURL: String
    /// The store folder (reuse it to restart on the same data).
    let dataDir: URL
    private let process: Process
    private let exit: ExitState

    private init(baseURL: String, dataDir: URL, process: Process, exit: ExitState) {
        self.baseURL = baseURL; self.dataDir = dataDir; self.process = process; self.exit = exit
    }

    /// Starts `descent serve --port 0 --data-dir DIR ARGS…` and waits for its listening line.
    static func start(dataDir: URL? = nil, arguments: [String] = [], environment: [String: String] = [:]) async throws -> ServerProcess {
        let dir = try dataDir ?? temporaryFolder("descent-it")
        let process = Process()
        process.executableURL = try descentBinary()
        process.arguments = ["serve", "--port", "0", "--host", "127.0.0.1", "--data-dir", dir.path, "--log-level", "warning"] + arguments
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("DESCENT_") }
        env.merge(environment) { $1 }
        process.environment = env
        let stdout = Pipe()
        process.standardOutput = stdout
        let log = dir.appendingPathComponent("server-\(UUID().uuidString.prefix(8)).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: log)
        let exit = ExitState()
        process.terminationHandler = { finished in exit.finish(finished.terminationStatus) }
        try process.run()
        let line = await firstLine(of: stdout.fileHandleForReading.fileDescriptor)
        let prefix = "descent listening on "
        guard line.hasPrefix(prefix) else {
            process.terminate()
            let tail = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            throw HarnessError(description: "server did not start: '\(line)'; log: \(tail.suffix(2000))")
        }
        return ServerProcess(baseURL: String(line.dropFirst(prefix.count)), dataDir: dir, process: process, exit: exit)
    }

    /// Reads one line on a helper thread, then keeps draining the pipe so the child never blocks on it.
    private static func firstLine(of fd: Int32) async -> String {
        await withCheckedContinuation { continuation in
            let thread = Thread {
                var bytes: [UInt8] = []
                var byte: UInt8 = 0
                while read(fd, &byte, 1) == 1, byte != 0x0A { bytes.append(byte) }
                continuation.resume(returning: String(decoding: bytes, as: UTF8.self))
                var sink = [UInt8](repeating: 0, count: 4096)
                while read(fd, &sink, sink.count) > 0 {}
            }
            thread.start()
        }
    }

    /// A new client for this server (each has its own connection).
    func client(timeoutMilliseconds: Int = 30_000) -> Client {
        Client(baseURL: baseURL, timeoutMilliseconds: timeoutMilliseconds)
    }

    /// Sends SIGTERM and returns the exit status.
    @discardableResult
    func terminate() async -> Int32 {
        if !exit.hasExited { Glibc.kill(process.processIdentifier, SIGTERM) }
        return await exitStatus()
    }

    /// Sends SIGKILL and waits until the process is gone.
    func killHard() async {
        if !exit.hasExited { Glibc.kill(process.processIdentifier, SIGKILL) }
        _ = await exitStatus()
    }

    /// Waits for the process to exit and returns its status.
    func exitStatus() async -> Int32 {
        await withCheckedContinuation { continuation in exit.wait(continuation) }
    }

    /// The server's log (standard error), for failure messages.
    func log() -> String {
        let files = (try? FileManager.default.contentsOfDirectory(at: dataDir, includingPropertiesForKeys: nil)) ?? []
        return files.filter { $0.lastPathComponent.hasPrefix("server-") }
            .compactMap { try? String(contentsOf: $0, encoding: .utf8) }.joined(separator: "\n")
    }
}

/// A child's exit status and the tasks waiting for it, behind one Mutex.
final class ExitState: Sendable {
    private let state = Mutex<(status: Int32?, waiters: [CheckedContinuation<Int32, Never>])>((nil, []))

    /// Whether the child has exited (its pid may then belong to another process: never signal it).
    var hasExited: Bool { state.withLock { $0.status != nil } }

    /// Records the status and resumes every waiter.
    func finish(_ status: Int32) {
        let waiters = state.withLock { value in
            value.status = status
            defer { value.waiters = [] }
            return value.waiters
        }
        for waiter in waiters { waiter.resume(returning: status) }
    }

    /// Resumes `continuation` with the status now or when it arrives.
    func wait(_ continuation: CheckedContinuation<Int32, Never>) {
        let done: Int32? = state.withLock { value in
            if let status = value.status { return status }
            value.waiters.append(continuation)
            return nil
        }
        if let done { continuation.resume(returning: done) }
    }
}

/// Starts a server, runs `body` with it, and always stops it with SIGTERM.
func withServer<T>(arguments: [String] = [], environment: [String: String] = [:],
                   _ body: (ServerProcess) async throws -> T) async throws -> T {
    let server = try await ServerProcess.start(arguments: arguments, environment: environment)
    defer { try? FileManager.default.removeItem(at: server.dataDir) }
    do {
        let result = try await body(server)
        await server.terminate()
        return result
    } catch {
        await server.terminate()
        throw error
    }
}
