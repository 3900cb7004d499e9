import Foundation
import Synchronization

/// How a runner hears of new work and cancellations, and how experiment events reach SSE subscribers:
/// within this process (SQLite, `LocalCoordination`) or across every instance on one database
/// (PostgreSQL `LISTEN`/`NOTIFY`, `PostgresCoordination`). Workers also poll the store once a second,
/// so a lost message delays work but never loses it.
public protocol Coordination: Sendable {
    /// Starts delivering: `work()` when experiments may be waiting, `cancel(id)` when a running one
    /// should stop, and events to `hub`.
    func start(hub: EventHub, work: @escaping @Sendable () -> Void, cancel: @escaping @Sendable (String) -> Void) throws
    /// Tells every runner that experiments were queued.
    func announceWork()
    /// Tells every runner that `id` should stop (cancelled or deleted).
    func announceCancel(_ id: String)
    /// Sends events of `id`, in order, to its subscribers on every instance.
    func publish(_ id: String, _ events: [ExperimentEvent])
    /// Stops delivering.
    func stop()
}

extension Coordination {
    /// Sends one event of `id` to its subscribers on every instance.
    public func publish(_ id: String, _ event: ExperimentEvent) { publish(id, [event]) }
}

/// One process: messages are function calls.
public final class LocalCoordination: Coordination {
    private struct Targets {
        var hub: EventHub?
        var work: (@Sendable () -> Void)?
        var cancel: (@Sendable (String) -> Void)?
    }
    private let targets = Mutex(Targets())

    /// A coordination with no targets until `start`.
    public init() {}

    public func start(hub: EventHub, work: @escaping @Sendable () -> Void, cancel: @escaping @Sendable (String) -> Void) throws {
        targets.withLock { $0 = Targets(hub: hub, work: work, cancel: cancel) }
    }

    public func announceWork() { targets.withLock { $0.work }?() }
    public func announceCancel(_ id: String) { targets.withLock { $0.cancel }?(id) }
    public func publish(_ id: String, _ events: [ExperimentEvent]) {
        guard let hub = targets.withLock({ $0.hub }) else { return }
        for e in events { hub.publish(id, e) }
    }
    public func stop() { targets.withLock { $0 = Targets() } }
}

/// Wakes idle workers: `notify` bumps a generation; `wait(after:)` returns once it moved past the value
/// read before looking for work (so a notification between the look and the wait is not lost), on
/// timeout, or once closed.
///
/// `@unchecked Sendable`: all state is guarded by `condition`.
final class WorkSignal: @unchecked Sendable {
    private let condition = NSCondition()
    private var generation = 0
    private var closed = false

    /// The current generation.
    var current: Int {
        condition.lock()
        defer { condition.unlock() }
        return generation
    }

    /// Wakes every waiter.
    func notify() {
        condition.lock()
        generation += 1
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until the generation differs from `seen`, `timeout` seconds pass, or the signal is closed.
    func wait(after seen: Int, timeout: Double) {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        while generation == seen && !closed {
            if !condition.wait(until: deadline) { break }
        }
        condition.unlock()
    }

    /// Wakes every waiter for good.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// Whether `close` was called.
    var isClosed: Bool {
        condition.lock()
        defer { condition.unlock() }
        return closed
    }
}

/// Experiment events as `NOTIFY` payloads: one event per line, fields tab-separated, the loss as its
/// shortest exact text.
enum EventMessage {
    static func encode(_ id: String, _ events: [ExperimentEvent]) -> String {
        events.map { encode(id, $0) }.joined(separator: "\n")
    }

    static func decodeAll(_ payload: String) -> [(id: String, event: ExperimentEvent)] {
        payload.split(separator: "\n").compactMap { decode(String($0)) }
    }

    static func encode(_ id: String, _ event: ExperimentEvent) -> String {
        switch event {
        case .progress(let done, let step, let loss): return "\(id)\tprogress\t\(done)\t\(step)\t\(loss)"
        case .status(let s): return "\(id)\tstatus\t\(s.rawValue)"
        case .end: return "\(id)\tend"
        case .recheck: return "\(id)\trecheck"
        }
    }

    static func decode(_ payload: String) -> (id: String, event: ExperimentEvent)? {
        let f = payload.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        guard f.count >= 2 else { return nil }
        switch f[1] {
        case "progress" where f.count == 5:
            guard let done = Int(f[2]), let step = Int(f[3]), let loss = Double(f[4]) else { return nil }
            return (f[0], .progress(stepsDone: done, step: step, loss: loss))
        case "status" where f.count == 3:
            return ExperimentStatus(rawValue: f[2]).map { (f[0], .status($0)) }
        case "end" where f.count == 2:
            return (f[0], .end)
        case "recheck" where f.count == 2:
            return (f[0], .recheck)
        default:
            return nil
        }
    }
}
