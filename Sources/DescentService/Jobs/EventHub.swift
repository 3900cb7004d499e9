import Foundation
import Synchronization

/// A progress or status event of one experiment, fanned out to SSE subscribers.
public enum ExperimentEvent: Sendable {
    /// Steps done and the latest recorded loss.
    case progress(stepsDone: Int, step: Int, loss: Double)
    /// A status change.
    case status(ExperimentStatus)
    /// The experiment reached a final status; no more events follow.
    case end
    /// Events may have been missed (the notification listener reconnected): re-read the experiment.
    case recheck
}

/// In-memory fan-out of experiment events to any number of subscribers.
public final class EventHub: Sendable {
    private let subscribers = Mutex<[String: [UUID: AsyncStream<ExperimentEvent>.Continuation]]>([:])
    private let closed = Atomic<Bool>(false)
    private let endObservers = Mutex<[@Sendable (String) -> Void]>([])
    private let storedEndObservers = Mutex<[@Sendable (String, ExperimentEnd) -> Void]>([])

    /// Creates an empty hub.
    public init() {}

    /// Subscribes to one experiment's events; the stream ends after `.end` or when the subscriber stops.
    public func subscribe(_ id: String) -> AsyncStream<ExperimentEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: ExperimentEvent.self, bufferingPolicy: .bufferingNewest(256))
        let token = UUID()
        if closed.load(ordering: .relaxed) {
            continuation.finish()
            return stream
        }
        subscribers.withLock { $0[id, default: [:]][token] = continuation }
        continuation.onTermination = { [weak self] _ in
            self?.subscribers.withLock { $0[id]?[token] = nil }
        }
        return stream
    }

    /// Ends every stream (shutdown): event-stream responses then finish cleanly instead of being cut off.
    public func finishAll() {
        closed.store(true, ordering: .relaxed)
        let all = subscribers.withLock { s in
            defer { s = [:] }
            return s.values.flatMap { $0.values }
        }
        for c in all { c.finish() }
    }

    /// Sends an event to every subscriber of every experiment.
    public func broadcast(_ event: ExperimentEvent) {
        let all = subscribers.withLock { s in s.values.flatMap { $0.values } }
        for c in all { c.yield(event) }
    }

    /// Calls `observer` with the id of every experiment whose `.end` is published from now on (search studies
    /// advance on it).
    public func onEnd(_ observer: @escaping @Sendable (String) -> Void) {
        endObservers.withLock { $0.append(observer) }
    }

    /// Calls `observer` with the id and the stored status and summary of every run this instance's workers end from
    /// now on, once its result is committed and before its `.end` is published (the study driver scores trials from
    /// them without reading the store).
    public func onStoredEnd(_ observer: @escaping @Sendable (String, ExperimentEnd) -> Void) {
        storedEndObservers.withLock { $0.append(observer) }
    }

    /// Tells the `onStoredEnd` observers that the result of run `id` was committed as `end`.
    public func stored(_ id: String, _ end: ExperimentEnd) {
        for observer in storedEndObservers.withLock({ $0 }) { observer(id, end) }
    }

    /// Sends an event to every subscriber of `id`.
    public func publish(_ id: String, _ event: ExperimentEvent) {
        if case .end = event { for observer in endObservers.withLock({ $0 }) { observer(id) } }
        let targets = subscribers.withLock { Array(($0[id] ?? [:]).values) }
        for c in targets {
            c.yield(event)
            if case .end = event { c.finish() }
        }
    }
}
