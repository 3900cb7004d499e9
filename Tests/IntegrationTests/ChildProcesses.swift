import DescentTestSupport
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs `descent ARGS…` with its standard output on a pseudo-terminal (standard error to a file), as a
/// person at a terminal would, and returns what it printed; line ends come back as "\n".
func runDescentOnTerminal(_ arguments: [String], timeout: Duration = .seconds(60)) async throws -> CommandResult {
    // posix_openpt, unlockpt and ptsname by hand (Glibc's module leaves them out): TIOCSPTLCK, TIOCGPTN.
    let master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
    var unlock: Int32 = 0, number: Int32 = -1
    guard master >= 0, ioctl(master, 0x4004_5431, &unlock) == 0, ioctl(master, 0x8004_5430, &number) == 0 else {
        throw HarnessError(description: "no pseudo-terminal: errno \(errno)")
    }
    let terminal = open("/dev/pts/\(number)", O_RDWR | O_NOCTTY)
    guard terminal >= 0 else { close(master); throw HarnessError(description: "cannot open /dev/pts/\(number)") }
    let folder = try temporaryFolder("descent-tty")
    defer { try? FileManager.default.removeItem(at: folder) }
    let err = folder.appendingPathComponent("stderr")
    _ = FileManager.default.createFile(atPath: err.path, contents: nil)
    let process = Process()
    process.executableURL = try descentBinary()
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("DESCENT_") }
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = FileHandle(fileDescriptor: terminal, closeOnDealloc: false)
    process.standardError = try FileHandle(forWritingTo: err)
    try process.run()
    close(terminal)  // the child holds the only copy now: reads end (EIO) once it exits
    // The pseudo-terminal holds little: read it while the child writes, on a thread of its own.
    let reader = Task.detached { () -> [UInt8] in
        var bytes: [UInt8] = [], buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(master, &buffer, buffer.count)
            if n > 0 { bytes += buffer[..<n] } else if n < 0 && errno == EINTR { continue } else { break }
        }
        close(master)
        return bytes
    }
    try await waitForExit(process, arguments: arguments, timeout: timeout)
    let output = String(decoding: await reader.value, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
    return CommandResult(status: process.terminationStatus, stdout: output, stderr: try String(contentsOf: err, encoding: .utf8))
}

/// A `descent` child whose standard output is read as it comes, so a test can look at what it has
/// printed while it is still running.
///
/// `@unchecked Sendable`: `printed` and `closed` are guarded by `lock`; the process is only started,
/// polled and waited for.
final class RunningDescent: @unchecked Sendable {
    private let process = Process()
    private let lock = NSLock()
    private var printed: [UInt8] = []
    private var closed = false

    /// Starts `descent ARGS…` with standard output on a pipe and standard error discarded.
    init(_ arguments: [String]) throws {
        let pipe = Pipe()
        process.executableURL = try descentBinary()
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("DESCENT_") }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let source = pipe.fileHandleForReading
        Thread.detachNewThread { [self] in
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = read(source.fileDescriptor, &buffer, buffer.count)
                if n > 0 {
                    lock.withLock { printed += buffer[..<n] }
                } else if n < 0 && errno == EINTR {
                    continue
                } else {
                    break
                }
            }
            lock.withLock { closed = true }
        }
    }

    /// Standard output so far.
    var output: String { lock.withLock { String(decoding: printed, as: UTF8.self) } }

    /// Whether the child has not exited yet.
    var isRunning: Bool { process.isRunning }

    /// Waits (at most `timeout`) for the child to exit and its output to be read to the end; returns its status.
    func exitStatus(timeout: Duration = .seconds(30)) async throws -> Int32 {
        try await waitUntil("descent \(process.arguments?.joined(separator: " ") ?? "") exits", timeout: timeout) {
            !process.isRunning && lock.withLock { closed }
        }
        return process.terminationStatus
    }
}
