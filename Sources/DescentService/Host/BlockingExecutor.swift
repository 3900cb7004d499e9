import DescentHTTP
import Foundation

/// A task executor on its own threads, for request handlers that make blocking store calls (libpq and
/// SQLite block their thread). Running them here keeps Swift's cooperative pool — one thread per core —
/// free, so a few slow database round trips cannot stall every other request on the machine.
///
/// `@unchecked Sendable`: the job list is guarded by `condition`.
final class BlockingExecutor: TaskExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var head = 0

    /// Starts `threads` threads that run enqueued jobs in order.
    init(threads: Int, name: String = "descent-io") {
        for i in 0..<max(1, threads) {
            let thread = Thread { [self] in loop() }
            thread.name = "\(name)-\(i)"
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        condition.lock()
        jobs.append(unowned)
        condition.signal()
        condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            while head == jobs.count { condition.wait() }
            let job = jobs[head]
            head += 1
            if head > 256, head * 2 > jobs.count {
                jobs.removeFirst(head)
                head = 0
            }
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}

/// Runs the rest of the chain (the handlers and their store calls) on a `BlockingExecutor`, except for the
/// routes listed as non-blocking, which stay where they are (the hop there and back costs two thread
/// switches, more than such a handler's whole work). Synchronous routes never block by contract, so
/// around them it does nothing.
struct BlockingIOMiddleware: HTTPSynchronousMiddleware {
    let executor: BlockingExecutor
    /// Route patterns whose handlers never block.
    let nonBlockingRoutes: Set<String>
    func handle(_ request: HTTPRequest, next: HTTPHandler) async throws -> HTTPResponse {
        if nonBlockingRoutes.contains(request.route) { return try await next(request) }
        return try await withTaskExecutorPreference(executor) { try await next(request) }
    }

    func handleSynchronously(_ request: HTTPRequest, next: HTTPSynchronousHandler) throws -> HTTPResponse {
        try next(request)
    }
}
