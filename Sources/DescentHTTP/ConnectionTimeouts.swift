/// The timeout rules of one connection as a pure state machine: the connection reports what
/// happened and the current time (monotonic nanoseconds, injected so tests need no clock or socket);
/// the machine answers when the current wait ends and what to do then.
///
/// Waits and their limits (from `HTTPTimeouts`):
/// - before the first request, and from a request's first byte until its head is complete: `headerRead`
///   (a slowloris client trickling bytes does not extend it);
/// - from the end of the head until the body is complete: `bodyRead`;
/// - between requests on a kept-alive connection: `idle`;
/// - response bytes the client does not take: `write`, counted from the last progress;
/// - while the handler runs: no limit (the handler owns its time).
struct ConnectionTimeouts: Sendable {
    /// What to do when the deadline passes.
    enum Expiry: Sendable, Equatable {
        /// Nothing to do (the deadline was stale).
        case none
        /// Close without a response (idle, or the client stopped reading).
        case close
        /// Answer 408 and close (a request was partly received).
        case requestTimeout
    }

    /// What the connection is doing, as far as timeouts care.
    enum Activity: Sendable, Equatable {
        /// Reading: between requests or inside one.
        case reading
        /// The handler (or a streamed body producer) has the request.
        case handling
    }

    private let timeouts: HTTPTimeouts
    private var headStarted: UInt64?
    private var bodyStarted: UInt64?
    private var writeProgress: UInt64?
    private var idleSince: UInt64
    private var servedRequests = 0

    /// Rules for `timeouts` on a connection accepted at `now`.
    init(_ timeouts: HTTPTimeouts, now: UInt64) {
        self.timeouts = timeouts
        idleSince = now
    }

    /// Records the parser's position after new bytes: whether a request has begun and whether its body is being read.
    mutating func observeParser(midRequest: Bool, readingBody: Bool, now: UInt64) {
        guard midRequest else {
            headStarted = nil
            bodyStarted = nil
            return
        }
        if headStarted == nil { headStarted = now }
        if readingBody && bodyStarted == nil { bodyStarted = now }
    }

    /// The head is complete and the client was told to send its body (100-continue): the body clock starts now.
    mutating func bodyRequested(now: UInt64) { bodyStarted = now }

    /// A complete request went to the handler.
    mutating func requestDispatched() {
        headStarted = nil
        bodyStarted = nil
    }

    /// A response was fully queued; the keep-alive idle wait starts now.
    mutating func responseFinished(now: UInt64) {
        servedRequests += 1
        idleSince = now
    }

    /// Response bytes are pending (`true`) or all written (`false`); progress restarts the write clock.
    mutating func observeOutput(pending: Bool, now: UInt64) { writeProgress = pending ? now : nil }

    /// When the current wait ends (nil: no deadline).
    func deadline(activity: Activity) -> UInt64? {
        if let writeProgress { return adding(timeouts.write, to: writeProgress) }
        guard activity == .reading else { return nil }
        if let bodyStarted { return adding(timeouts.bodyRead, to: bodyStarted) }
        if let headStarted { return adding(timeouts.headerRead, to: headStarted) }
        return adding(servedRequests == 0 ? timeouts.headerRead : timeouts.idle, to: idleSince)
    }

    /// What to do when the timer fires at `now`.
    func expiry(activity: Activity, midRequest: Bool, now: UInt64) -> Expiry {
        guard let due = deadline(activity: activity), due <= now else { return .none }
        if writeProgress != nil { return .close }
        guard activity == .reading else { return .none }
        return midRequest ? .requestTimeout : .close
    }

    private func adding(_ duration: Duration, to start: UInt64) -> UInt64 {
        let (sum, overflow) = start.addingReportingOverflow(UInt64(duration.nanoseconds))
        return overflow ? .max : sum
    }
}
