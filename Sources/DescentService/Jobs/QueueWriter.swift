import Foundation
import Logging

/// Writes the chunks and results that workers hand over, group-committing everything pending in one
/// store transaction (`Store.commit`) on a thread of its own, so a worker never waits for the store
/// unless the queue is full.
///
/// Order: writes are committed in the order they were handed over, so a run's result is committed in the
/// same transaction as its last chunk or a later one (every experiment reported finished has its whole
/// trajectory stored). Bound: at most `maxWrites` writes or `maxBytes` bytes of chunk data wait; `enqueue`
/// blocks while the queue is full (back-pressure), so memory stays bounded when the store is slower than
/// the workers. A failed commit poisons the runs it carried: their later chunks are dropped and their
/// result is recorded as `failed` with code `store_error`, so no run is reported succeeded with a hole in
/// its trajectory.
final class QueueWriter: @unchecked Sendable {  // mutable state is guarded by `condition`
    /// What became of one write; passed to its completion on the writer thread.
    enum Outcome: Sendable {
        /// Committed.
        case written
        /// The lease was no longer held: nothing was written.
        case lost
        /// The commit failed (or the writer was closed); nothing was written.
        case failed(String)
    }

    private struct Pending {
        var write: QueueWrite
        var bytes: Int
        var done: @Sendable (Outcome) -> Void
    }

    private let store: any Store
    private let leaseSeconds: Double
    private let maxWrites: Int
    private let maxBytes: Int
    private let logger: Logger
    private let condition = NSCondition()
    private var queue: [Pending] = []
    private var queuedBytes = 0
    private var closed = false
    private var started = false
    private let finished = DispatchSemaphore(value: 0)
    /// Leases whose earlier writes failed to commit (touched by the writer thread only).
    private var poisoned: [Lease: String] = [:]

    /// A writer into `store`; chunk writes extend leases by `leaseSeconds`. Defaults: 4,096 writes, 64 MiB.
    init(store: any Store, leaseSeconds: Double, maxWrites: Int = 4096, maxBytes: Int = 64 << 20, logger: Logger) {
        self.store = store
        self.leaseSeconds = leaseSeconds
        self.maxWrites = max(1, maxWrites)
        self.maxBytes = max(1, maxBytes)
        self.logger = logger
    }

    /// Starts the writer thread.
    func start() {
        condition.withLock { started = true }
        let thread = Thread { [self] in
            loop()
            finished.signal()
        }
        thread.name = "descent-writer"
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Hands over one write; blocks only while the queue is full. `done` runs on the writer thread once
    /// the write was committed, fenced out or failed.
    func enqueue(_ write: QueueWrite, done: @escaping @Sendable (Outcome) -> Void) {
        let bytes = write.payloadBytes
        condition.lock()
        while !closed, !queue.isEmpty, queue.count >= maxWrites || queuedBytes + bytes > maxBytes { condition.wait() }
        guard !closed else {
            condition.unlock()
            done(.failed("the writer is closed"))
            return
        }
        queue.append(Pending(write: write, bytes: bytes, done: done))
        queuedBytes += bytes
        condition.broadcast()
        condition.unlock()
    }

    /// Commits what is pending, then stops the thread; waits up to `timeout` (not at all if it never
    /// started). Later writes fail.
    func close(timeout: DispatchTime) {
        let running = condition.withLock {
            closed = true
            condition.broadcast()
            return started
        }
        if running { _ = finished.wait(timeout: timeout) }
    }

    private func loop() {
        while true {
            condition.lock()
            while queue.isEmpty && !closed { condition.wait() }
            if queue.isEmpty {
                condition.unlock()
                return
            }
            let batch = queue
            queue = []
            queuedBytes = 0
            condition.broadcast()  // producers waiting for room
            condition.unlock()
            commit(batch)
        }
    }

    private func commit(_ batch: [Pending]) {
        var pending: [Pending] = []
        pending.reserveCapacity(batch.count)
        for var p in batch {
            guard let reason = poisoned[p.write.lease] else { pending.append(p); continue }
            switch p.write {
            case .chunk: p.done(.failed(reason))
            case .result(let lease, let outcome):
                p.write = .result(lease, RunOutcome(status: .failed, summary: nil, error: ("store_error", "could not store the trajectory"),
                                                    stepsDone: outcome.stepsDone))
                pending.append(p)
            }
        }
        guard !pending.isEmpty else { return }
        do {
            let held = try store.commit(pending.map(\.write), leaseSeconds: leaseSeconds)
            for (p, ok) in zip(pending, held) {
                if case .result = p.write { poisoned[p.write.lease] = nil }
                p.done(ok ? .written : .lost)
            }
        } catch {
            logger.error("could not commit queue writes", metadata: ["writes": "\(pending.count)", "error": "\(error)"])
            for p in pending {
                switch p.write {
                case .chunk: poisoned[p.write.lease] = "\(error)"
                case .result: poisoned[p.write.lease] = nil  // the run is over; its lease expires and it runs again
                }
                p.done(.failed("\(error)"))
            }
        }
    }
}
