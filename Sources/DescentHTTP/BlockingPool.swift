import Foundation

/// A bounded set of threads for handler work that takes long without suspending (a large computation, a
/// blocking call): a handler awaits `run`, the work runs on one of the pool's threads, and the response is
/// sent from the connection's event loop afterwards as any other. The event loops and Swift's cooperative
/// pool stay free meanwhile, so a loop's other connections (a health check among them) are still answered.
///
/// Bounded twice: `threads` pieces of work run at once and at most `queueLimit` wait; past that `run`
/// throws `BlockingPoolBusy` (503 with Retry-After) instead of queueing without end. Work that started
/// runs to its end even if the client has gone: it cannot be interrupted from outside.
///
/// `@unchecked Sendable`: the queue and counters are guarded by `condition`.
public final class BlockingPool: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [() -> Void] = []
    private var head = 0
    private var busyThreads = 0
    private var stopping = false
    /// Threads that run work (at least 1).
    public let threads: Int
    /// Most pieces of work waiting for a thread (at least 0); one more is refused.
    public let queueLimit: Int

    /// Starts `threads` threads (named `name-0`, …) that run work in order of arrival.
    public init(threads: Int, queueLimit: Int, name: String) {
        self.threads = max(1, threads)
        self.queueLimit = max(0, queueLimit)
        for i in 0..<self.threads {
            let thread = Thread { [self] in loop() }
            thread.name = "\(name)-\(i)"
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    /// Pieces of work waiting for a thread and running now.
    public var load: (waiting: Int, running: Int) {
        condition.lock()
        defer { condition.unlock() }
        return (jobs.count - head, busyThreads)
    }

    /// Runs `work` on one of the pool's threads and returns its result (or rethrows its error).
    /// - Throws: `BlockingPoolBusy` at once when `queueLimit` pieces of work are already waiting.
    public func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let accepted = submit { continuation.resume(with: Result { try work() }) }
            if !accepted { continuation.resume(throwing: BlockingPoolBusy()) }
        }
    }

    /// A handler that runs the synchronous `handler` on the pool.
    public func handler(_ handler: @escaping @Sendable (HTTPRequest) throws -> HTTPResponse) -> HTTPHandler {
        { request in try await self.run { try handler(request) } }
    }

    /// Lets the threads end once the work already accepted has run; later work is refused (as busy).
    public func shutdown() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    private func submit(_ job: @escaping () -> Void) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !stopping else { return false }
        let idle = threads - busyThreads
        guard jobs.count - head < queueLimit + idle else { return false }
        jobs.append(job)
        condition.signal()
        return true
    }

    private func loop() {
        while true {
            condition.lock()
            while head == jobs.count && !stopping { condition.wait() }
            if head == jobs.count {  // stopping, and nothing left to run
                condition.unlock()
                return
            }
            let job = jobs[head]
            head += 1
            if head == jobs.count {
                jobs.removeAll(keepingCapacity: true)
                head = 0
            }
            busyThreads += 1
            condition.unlock()
            job()
            condition.lock()
            busyThreads -= 1
            condition.unlock()
        }
    }
}

/// The answer when a `BlockingPool`'s queue is full: 503 `busy`, try again in a second.
public struct BlockingPoolBusy: HTTPResponseError {
    /// Creates the error.
    public init() {}
    public var status: Int { 503 }
    public var headers: HTTPHeaders { ["Retry-After": "1"] }
    public var errorBody: HTTPErrorBody {
        HTTPErrorBody(code: "busy", message: "too many computations are waiting; try again shortly")
    }
}
