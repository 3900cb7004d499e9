import Foundation

/// A bounded FIFO of experiment ids waiting for a worker.
///
/// `@unchecked Sendable`: all state is guarded by `condition` (an NSCondition).
public final class JobQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [String] = []
    private var head = 0
    private var closed = false
    /// Most waiting jobs; `offer` fails past it.
    public let capacity: Int

    /// A queue holding at most `capacity` waiting jobs.
    public init(capacity: Int) { self.capacity = capacity }

    /// Adds a job unless the queue is full; `force` ignores the capacity (recovery after restart).
    public func offer(_ id: String, force: Bool = false) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !closed, force || items.count - head < capacity else { return false }
        items.append(id)
        condition.signal()
        return true
    }

    /// Waits for the next job; nil once closed and drained of waiters.
    public func take() -> String? {
        condition.lock()
        defer { condition.unlock() }
        while head == items.count && !closed { condition.wait() }
        guard head < items.count, !closed else { return nil }
        let id = items[head]
        head += 1
        if head > 1024 && head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
        return id
    }

    /// Removes a waiting job (cancel/delete before it started); true if it was waiting.
    public func remove(_ id: String) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard let i = items[head...].firstIndex(of: id) else { return false }
        items.remove(at: i)
        return true
    }

    /// Number of waiting jobs.
    public var depth: Int {
        condition.lock()
        defer { condition.unlock() }
        return items.count - head
    }

    /// Stops handing out jobs; blocked `take` calls return nil.
    public func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}
