import Foundation
import Synchronization

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
