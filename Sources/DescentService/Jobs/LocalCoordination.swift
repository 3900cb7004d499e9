import Foundation
import Synchronization

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
