import DescentTestSupport
import Foundation
import Synchronization
import Testing
@testable import DescentHTTP

/// A gate a handler blocks its thread on (without suspending) until the test opens it.
final class Gate: Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    private let waiting = Atomic<Int>(0)
    /// Blocks the calling thread until `open`.
    func pass() {
        waiting.add(1, ordering: .relaxed)
        semaphore.wait()
        waiting.subtract(1, ordering: .relaxed)
    }
    /// How many threads are blocked in `pass`.
    var blocked: Int { waiting.load(ordering: .relaxed) }
    /// Lets `count` blocked (or future) callers through.
    func open(_ count: Int = 1) { for _ in 0..<count { semaphore.signal() } }
}

/// Handlers that compute without suspending run on a `BlockingPool`, not on the event loop: the loop's other
/// connections are answered meanwhile, and past the pool's queue the server answers 503 `busy`.
@Suite(.serialized) struct BlockingPoolTests {
    /// The test routes: `/hello` inline, `/compute` blocking on `gate` on `pool`'s threads.
    func router(_ pool: BlockingPool, _ gate: Gate) -> Router {
        var router = testRouter()
        router.on(.get, "/compute", pool.handler { _ in
            gate.pass()
            return .text("computed")
        })
        return router
    }

    @Test func otherRequestsOnTheSameLoopAreAnsweredWhileAHandlerComputes() async throws {
        let pool = BlockingPool(threads: 1, queueLimit: 4, name: "test-compute")
        let gate = Gate()
        // One event loop: the computing request and the quick one share it.
        try await withServer(router(pool, gate), configure: { $0.eventLoops = 1 }) { _, port in
            let computing = try RawClient(port: port)
            computing.send("GET /compute HTTP/1.1\r\nHost: x\r\n\r\n")
            try await waitUntil("the handler blocks on the pool", timeout: 10) { gate.blocked == 1 }

            let quick = try RawClient(port: port)
            let asked = ContinuousClock.now
            quick.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
            let reply = await quick.read(timeout: 5, until: { $0.hasSuffix("hello") })
            #expect(reply.text.hasPrefix("HTTP/1.1 200 OK\r\n") && reply.text.hasSuffix("\r\n\r\nhello"))
            #expect(ContinuousClock.now - asked < .seconds(2))
            #expect(gate.blocked == 1, "the computation was still running when /hello was answered")

            gate.open()
            let done = await computing.read(timeout: 10, until: { $0.hasSuffix("computed") })
            #expect(done.text.withDateMasked == "HTTP/1.1 200 OK\r\nServer: descent\r\nDate: <date>\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\nContent-Length: 8\r\n\r\ncomputed")
            // The connection is kept alive and answers its next request from the loop as usual.
            computing.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
            let next = await computing.read(timeout: 5, until: { $0.hasSuffix("hello") })
            #expect(next.text.hasPrefix("HTTP/1.1 200 OK\r\n"))
        }
    }

    @Test func workPastTheQueueLimitGets503BusyWithRetryAfter() async throws {
        let pool = BlockingPool(threads: 1, queueLimit: 1, name: "test-compute")
        let gate = Gate()
        try await withServer(router(pool, gate)) { _, port in
            let running = try RawClient(port: port)
            running.send("GET /compute HTTP/1.1\r\nHost: x\r\n\r\n")
            try await waitUntil("one computation runs", timeout: 10) { pool.load.running == 1 }
            let waiting = try RawClient(port: port)
            waiting.send("GET /compute HTTP/1.1\r\nHost: x\r\n\r\n")
            try await waitUntil("one computation waits", timeout: 10) { pool.load.waiting == 1 }

            let refused = try RawClient(port: port)
            refused.send("GET /compute HTTP/1.1\r\nHost: x\r\n\r\n")
            let reply = await refused.read(timeout: 5, until: { $0.hasSuffix("}}") })
            let body = #"{"error":{"code":"busy","message":"too many computations are waiting; try again shortly"}}"#
            #expect(reply.text.withDateMasked == "HTTP/1.1 503 Service Unavailable\r\nServer: descent\r\nDate: <date>\r\n"
                + "Content-Type: application/json\r\nRetry-After: 1\r\nContent-Length: \(body.utf8.count)\r\n\r\n" + body)

            gate.open(2)
            for client in [running, waiting] {
                let done = await client.read(timeout: 10, until: { $0.hasSuffix("computed") })
                #expect(done.text.hasPrefix("HTTP/1.1 200 OK\r\n"))
            }
        }
    }

    @Test func runReturnsTheResultAndRethrowsTheError() async throws {
        struct Failure: Error, Equatable {}
        let pool = BlockingPool(threads: 2, queueLimit: 0, name: "test-compute")
        let sum = try await pool.run { (1...1000).reduce(0, +) }
        #expect(sum == 500_500)
        await #expect(throws: Failure.self) { try await pool.run { () throws -> Int in throw Failure() } }
    }

    @Test func shutdownRunsTheAcceptedWorkThenEndsTheThreadsAndRefusesMore() async throws {
        final class Watch: @unchecked Sendable { weak var pool: BlockingPool? }  // written once, before the wait
        let watch = Watch()
        do {
            let pool = BlockingPool(threads: 2, queueLimit: 4, name: "test-compute")
            watch.pool = pool
            let gate = Gate()
            async let first: Int = pool.run { gate.pass(); return 1 }
            try await waitUntil("the work has started", timeout: 10) { gate.blocked == 1 }
            pool.shutdown()
            await #expect(throws: BlockingPoolBusy.self) { try await pool.run { 2 } }
            gate.open()
            #expect(try await first == 1)
        }
        // Each thread holds the pool while it loops: the pool goes once both threads have ended.
        try await waitUntil("the pool's threads have ended", timeout: 10) { watch.pool == nil }
    }
}
