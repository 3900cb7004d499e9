/// A condition a test waited for did not hold by its deadline.
public struct WaitTimeout: Error, CustomStringConvertible {
    /// What was awaited, and for how long.
    public let description: String
    /// A timeout naming what was awaited.
    public init(description: String) { self.description = description }
}

/// Polls `condition` every `poll` until it holds; throws `WaitTimeout` naming `what` once `timeout` has
/// passed, so a test waits on the state it needs instead of sleeping a fixed time, and never goes on as
/// if that state had been reached.
public func waitUntil(_ what: String, timeout: Duration = .seconds(30), poll: Duration = .milliseconds(10),
                      _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while try await !condition() {
        guard ContinuousClock.now < deadline else { throw WaitTimeout(description: "timed out after \(timeout) waiting until \(what)") }
        try await Task.sleep(for: poll)
    }
}

/// `waitUntil` with the timeout in seconds.
public func waitUntil(_ what: String, timeout seconds: Double, poll: Duration = .milliseconds(10),
                      _ condition: () async throws -> Bool) async throws {
    try await waitUntil(what, timeout: .milliseconds(Int64(seconds * 1000)), poll: poll, condition)
}
