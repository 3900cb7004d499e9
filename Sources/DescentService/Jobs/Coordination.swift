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
