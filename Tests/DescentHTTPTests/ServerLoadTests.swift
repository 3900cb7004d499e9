import DescentTestSupport
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Synchronization
import Testing
@testable import DescentHTTP

@Suite(.serialized) struct ServerLoadTests {
    /// With the default loops (one on a 2-core machine) and with three, so the listener's hand-out of connections
    /// to the other loops runs on every machine.
    @Test(arguments: [0, 3]) func holdsAThousandConcurrentConnections(loops: Int) async throws {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        if limit.rlim_cur < 4096 {
            limit.rlim_cur = min(limit.rlim_max, 8192)
            setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        try await withServer(testRouter(), configure: { $0.eventLoops = loops }) { server, port in
            var clients: [RawClient] = []
            for _ in 0..<1000 { clients.append(try RawClient(port: port)) }
            for c in clients { c.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n") }
            var ok = 0
            for c in clients {
                let reply = await c.read(until: { $0.hasSuffix("hello") })
                if reply.text.hasPrefix("HTTP/1.1 200") { ok += 1 }
            }
            #expect(ok == 1000)
            #expect(server.connectionCount == 1000)
        }
    }

    @Test func defaultEventLoopsAreOnePerTwoProcessors() {
        #expect([1, 2, 3, 4, 8, 64].map { ServerConfiguration.defaultEventLoops(processors: $0) } == [1, 1, 1, 2, 4, 32])
        #expect(ServerConfiguration.defaultEventLoops(processors: 0) == 1)
    }

    @Test func gracefulShutdownFinishesInFlightRequest() async throws {
        var config = ServerConfiguration()
        config.port = 0
        // A slow handler that says when it has started, so shutdown begins with the request surely in flight.
        let started = Mutex(false)
        var router = testRouter()
        router.on(.get, "/slow-started") { _ in
            started.withLock { $0 = true }
            try await Task.sleep(for: .milliseconds(500))
            return .text("slow done")
        }
        let server = HTTPServer(configuration: config, handler: router.makeHandler(), logger: .init(label: "t"))
        let port = try server.start()
        let busy = try RawClient(port: port)
        let idle = try RawClient(port: port)
        busy.send("GET /slow-started HTTP/1.1\r\nHost: x\r\n\r\n")
        try await waitUntil("the slow handler has started") { started.withLock { $0 } }
        let shutdown = Task { await server.shutdown(gracePeriod: .seconds(5)) }
        let idleReply = await idle.read(timeout: 5)
        #expect(idleReply.closed)
        // The listener is closed from the shutdown's start (Dispatch runs its cancel handler soon after).
        try await waitUntil("new connections are refused") { (try? RawClient(port: port)) == nil }
        let reply = await busy.read(timeout: 5)
        #expect(reply.text.hasPrefix("HTTP/1.1 200 OK"))
        #expect(reply.text.contains("Connection: close"))
        #expect(reply.text.hasSuffix("slow done"))
        await shutdown.value
        #expect(server.connectionCount == 0)
    }

    @Test func streamsServerSentEventsAndDetectsDisconnect() async throws {
        let stopped = Mutex(false)
        var router = Router()
        router.on(.get, "/events") { _ in
            .eventStream { writer in
                var i = 0
                do {
                    while true {
                        try await writer.send(event: "tick", id: "\(i)", data: "n=\(i)")
                        i += 1
                        try await Task.sleep(for: .milliseconds(20))
                    }
                } catch {
                    stopped.withLock { $0 = true }
                    throw error
                }
            }
        }
        try await withServer(router) { _, port in
            do {
                let c = try RawClient(port: port)
                c.send("GET /events HTTP/1.1\r\nHost: x\r\n\r\n")
                let reply = await c.read(until: { $0.contains("data: n=2\n\n") })
                #expect(reply.text.contains("Content-Type: text/event-stream"))
                #expect(reply.text.contains("Transfer-Encoding: chunked"))
                #expect(reply.text.contains("event: tick\nid: 0\ndata: n=0\n\n"))
            }
            // The client is gone (closed by deinit): the producer's next write must fail.
            try await waitUntil("the event producer has seen the disconnect") { stopped.withLock { $0 } }
        }
    }

    @Test func overMaxConnectionsGets503() async throws {
        try await withServer(testRouter(), configure: { $0.maxConnections = 2 }) { server, port in
            let a = try RawClient(port: port), b = try RawClient(port: port)
            try await waitUntil("both connections are accepted") { server.connectionCount == 2 }
            let c = try RawClient(port: port)
            let reply = await c.read()
            #expect(reply.text.hasPrefix("HTTP/1.1 503 "))
            _ = (a, b)
        }
    }
}
