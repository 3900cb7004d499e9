import Foundation
import Logging
import Synchronization

/// Coordination of many instances through PostgreSQL `LISTEN`/`NOTIFY`: every instance listens on three
/// channels on a connection of its own, and sends with `pg_notify` through the store's pool. A
/// notification reaches every listener, the sender included, after the sending transaction commits.
/// The listener reconnects after a lost connection, then wakes the workers (work may have been queued
/// while it was away) and tells every event stream to re-read its experiment (it may have missed its end).
public final class PostgresCoordination: Coordination {
    static let workChannel = "descent_work"
    static let cancelChannel = "descent_cancel"
    static let eventChannel = "descent_event"

    private let store: PostgresStore
    private let logger: Logger
    private let stopped = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)
    private let started = Atomic<Bool>(false)
    private let hub = Mutex<EventHub?>(nil)

    /// Coordination over `store`'s database.
    public init(store: PostgresStore, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    public func start(hub: EventHub, work: @escaping @Sendable () -> Void, cancel: @escaping @Sendable (String) -> Void) throws {
        self.hub.withLock { $0 = hub }
        // The first connection is made here so a bad URL fails the start rather than a background thread.
        let first = try listen()
        started.store(true, ordering: .relaxed)
        let thread = Thread { [self] in
            var connection: PGConnection? = first
            while !stopped.load(ordering: .relaxed) {
                guard let c = connection else {
                    Thread.sleep(forTimeInterval: 1)
                    connection = try? listen()
                    if connection != nil {
                        logger.info("notification listener reconnected")
                        work()  // work may have been queued meanwhile
                        hub.broadcast(.recheck)  // and event streams may have missed their end
                    }
                    continue
                }
                var fds = pollfd(fd: c.socket, events: Int16(POLLIN), revents: 0)
                guard poll(&fds, 1, 250) >= 0 || errno == EINTR else { connection = nil; continue }
                do {
                    for n in try c.notifications() { dispatch(n.channel, n.payload, hub: hub, work: work, cancel: cancel) }
                } catch {
                    logger.warning("notification listener lost its connection", metadata: ["error": "\(error)"])
                    connection = nil
                }
                if c.isBroken { connection = nil }
            }
            finished.signal()
        }
        thread.name = "descent-pg-listener"
        thread.start()
    }

    private func listen() throws -> PGConnection {
        let c = try PGConnection(url: store.url)
        for channel in [Self.workChannel, Self.cancelChannel, Self.eventChannel] { try c.execute("LISTEN \(channel)") }
        return c
    }

    private func dispatch(_ channel: String, _ payload: String, hub: EventHub, work: @Sendable () -> Void, cancel: @Sendable (String) -> Void) {
        switch channel {
        case Self.workChannel: work()
        case Self.cancelChannel: cancel(payload)
        case Self.eventChannel:
            for (id, event) in EventMessage.decodeAll(payload) { hub.publish(id, event) }
        default: break
        }
    }

    /// A no-op: a trigger on the experiment table notifies the work channel whenever a row becomes
    /// queued (insert or re-queue), in the same transaction, saving a round trip per submission.
    public func announceWork() {}
    public func announceCancel(_ id: String) { send(Self.cancelChannel, id) }

    public func publish(_ id: String, _ events: [ExperimentEvent]) {
        if !send(Self.eventChannel, EventMessage.encode(id, events)) {
            // At least this instance's subscribers hear it.
            if let hub = hub.withLock({ $0 }) { for e in events { hub.publish(id, e) } }
        }
    }

    @discardableResult
    private func send(_ channel: String, _ payload: String) -> Bool {
        do {
            try store.notify(channel, payload)
            return true
        } catch {
            logger.warning("could not notify", metadata: ["channel": "\(channel)", "error": "\(error)"])
            return false
        }
    }

    public func stop() {
        guard !stopped.exchange(true, ordering: .relaxed), started.load(ordering: .relaxed) else { return }
        _ = finished.wait(timeout: .now() + 2)
    }
}
