import Foundation

extension Client {
    /// Waits until experiment `id` reaches a final state and returns it.
    ///
    /// Follows the event stream; if the stream fails or ends without `end`, polls
    /// `GET /v1/experiments/{id}` every `pollInterval` instead.
    /// - Parameters:
    ///   - timeout: overall deadline (default 300 s); past it throws `ClientError.timeout`.
    ///   - pollInterval: polling period of the fallback (default 200 ms).
    ///   - onEvent: called with each event received (progress display).
    public func wait(
        id: String, timeout: Duration = .seconds(300), pollInterval: Duration = .milliseconds(200),
        onEvent: (@Sendable (ExperimentEvent) -> Void)? = nil
    ) async throws(ClientError) -> Experiment {
        let deadline = ContinuousClock.now + timeout
        if let done = await followEvents(id: id, until: deadline, onEvent: onEvent) { return done }
        while true {
            let current = try await experiment(id: id)
            if current.status.isTerminal { return current }
            if ContinuousClock.now >= deadline { throw .timeout("experiment \(id) still \(current.status) after \(timeout)") }
            do { try await Task.sleep(for: pollInterval) } catch { throw .timeout("wait for \(id) was cancelled") }
        }
    }

    /// The final experiment from the event stream, or nil when the stream failed, ended early, or ran past `deadline`.
    private func followEvents(id: String, until deadline: ContinuousClock.Instant,
                              onEvent: (@Sendable (ExperimentEvent) -> Void)?) async -> Experiment? {
        let stream = events(id: id)
        return await withTaskGroup(of: Experiment?.self) { group in
            group.addTask {
                do {
                    for try await event in stream {
                        onEvent?(event)
                        if case .end(let experiment) = event { return experiment }
                    }
                } catch {}
                return nil
            }
            group.addTask {
                try? await Task.sleep(until: deadline, clock: .continuous)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    /// Waits until every member of study `id` is final, polling every `pollInterval` (default 250 ms).
    public func waitForStudy(id: String, timeout: Duration = .seconds(300),
                             pollInterval: Duration = .milliseconds(250)) async throws(ClientError) -> Study {
        let deadline = ContinuousClock.now + timeout
        while true {
            let current = try await study(id: id)
            if current.isFinished { return current }
            if ContinuousClock.now >= deadline { throw .timeout("study \(id) not finished after \(timeout)") }
            do { try await Task.sleep(for: pollInterval) } catch { throw .timeout("wait for study \(id) was cancelled") }
        }
    }
}
