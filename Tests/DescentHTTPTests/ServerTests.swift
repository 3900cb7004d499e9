#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Synchronization
import Testing
@testable import DescentHTTP

@Suite(.serialized) struct ServerTests {
    @Test func servesKeepAliveRequestsOnOneConnection() async throws {
        try await withServer(testRouter()) { _, port in
            let c = try RawClient(port: port)
            for _ in 0..<3 {
                c.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
                let reply = await c.read(until: { $0.hasSuffix("hello") })
                #expect(reply.text.hasPrefix("HTTP/1.1 200 OK\r\n"))
                #expect(reply.text.contains("Content-Length: 5\r\n"))
                #expect(reply.text.contains("Server: descent\r\n"))
                #expect(reply.text.contains("Date: "))
                #expect(!reply.closed)
            }
        }
    }

    @Test func answersTenPipelinedRequestsInOrder() async throws {
        try await withServer(testRouter()) { _, port in
            let c = try RawClient(port: port)
            c.send((0..<10).map { "GET /items/\($0) HTTP/1.1\r\nHost: x\r\n\r\n" }.joined())
            let reply = await c.read(until: { $0.responseCount == 10 && $0.hasSuffix("item 9") })
            #expect(reply.text.responseCount == 10)
            let order = (0..<10).compactMap { reply.text.range(of: "item \($0)")?.lowerBound }
            #expect(order.count == 10 && order == order.sorted())
        }
    }

    @Test func receivesChunkedUpload() async throws {
        try await withServer(testRouter()) { _, port in
            let c = try RawClient(port: port)
            c.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n")
            let reply = await c.read(until: { $0.hasSuffix("abcdefg") })
            #expect(reply.text.contains("Content-Length: 7\r\n"))
            #expect(reply.text.hasSuffix("\r\n\r\nabcdefg"))
        }
    }

    @Test func rejectsOversizedBodyWith413WithoutReadingIt() async throws {
        try await withServer(testRouter(), configure: { $0.limits.maxBodyBytes = 1000 }) { _, port in
            let c = try RawClient(port: port)
            c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n")
            let reply = await c.read()
            #expect(reply.text.hasPrefix("HTTP/1.1 413 "))
            #expect(reply.text.contains("\"code\":\"payload_too_large\""))
            #expect(reply.closed)
        }
    }

    @Test func closesSlowlorisWithinHeaderTimeout() async throws {
        try await withServer(testRouter(), configure: { $0.timeouts.headerRead = .milliseconds(300) }) { _, port in
            let c = try RawClient(port: port)
            c.send("GET /hello HTTP/1.1\r\nHost: x\r\n")
            // Keep trickling bytes: the deadline counts from the request's first byte.
            for _ in 0..<3 {
                try await Task.sleep(for: .milliseconds(100))
                c.send("X-Slow: 1\r\n")
            }
            // A 408 shows the header deadline closed it (the idle timeout would close without a reply);
            // that trickling does not extend the deadline is checked with an injected clock in
            // ConnectionTimeoutsTests.tricklingHeaderBytesDoesNotExtendTheDeadline, not with a stopwatch here.
            let reply = await c.read(timeout: 10)
            #expect(reply.text.hasPrefix("HTTP/1.1 408 "))
            #expect(reply.closed)
        }
    }

    @Test func closesIdleKeepAliveConnection() async throws {
        try await withServer(testRouter(), configure: { $0.timeouts.idle = .milliseconds(200) }) { _, port in
            let c = try RawClient(port: port)
            c.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
            _ = await c.read(until: { $0.hasSuffix("hello") })
            let after = await c.read(timeout: 2)
            #expect(after.closed)
        }
    }

    @Test func returns404And405WithAllow() async throws {
        try await withServer(testRouter()) { _, port in
            let c = try RawClient(port: port)
            c.send("GET /nope HTTP/1.1\r\nHost: x\r\n\r\n")
            let notFound = await c.read(until: { $0.hasSuffix("}}") })
            #expect(notFound.text.hasPrefix("HTTP/1.1 404 "))
            #expect(notFound.text.contains("\"code\":\"not_found\""))
            c.send("DELETE /hello HTTP/1.1\r\nHost: x\r\n\r\n")
            let notAllowed = await c.read(until: { $0.hasSuffix("}}") })
            #expect(notAllowed.text.hasPrefix("HTTP/1.1 405 "))
            #expect(notAllowed.text.contains("Allow: GET, HEAD\r\n"))
        }
    }

    @Test func headSendsHeadersOnlyWithSameLength() async throws {
        try await withServer(testRouter()) { _, port in
            let c = try RawClient(port: port)
            c.send("HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
            let reply = await c.read(until: { $0.responseCount == 2 && $0.hasSuffix("hello") })
            let parts = reply.text.components(separatedBy: "HTTP/1.1 200 OK")
            #expect(parts.count == 3)
            #expect(parts[1].contains("Content-Length: 5"))
            #expect(parts[1].hasSuffix("\r\n\r\n"))
        }
    }

    @Test func sends100ContinueBeforeBody() async throws {
        try await withServer(testRouter()) { _, port in
            let c = try RawClient(port: port)
            c.send("POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n")
            let interim = await c.read(until: { $0.contains("\r\n\r\n") })
            #expect(interim.text == "HTTP/1.1 100 Continue\r\n\r\n")
            c.send("data")
            let final = await c.read(until: { $0.hasSuffix("data") })
            #expect(final.text.hasPrefix("HTTP/1.1 200 OK"))
        }
    }

    @Test func http10ClosesAfterResponse() async throws {
        try await withServer(testRouter()) { _, port in
            let c = try RawClient(port: port)
            c.send("GET /hello HTTP/1.0\r\n\r\n")
            let reply = await c.read()
            #expect(reply.text.hasPrefix("HTTP/1.1 200 OK"))
            #expect(reply.text.contains("Connection: close"))
            #expect(reply.closed)
        }
    }

    @Test func decodesQueryParameters() async throws {
        try await withServer(testRouter()) { _, port in
            let c = try RawClient(port: port)
            c.send("GET /query?q=a%20b+c HTTP/1.1\r\nHost: x\r\n\r\n")
            let reply = await c.read(until: { $0.hasSuffix("a b c") })
            #expect(reply.text.hasSuffix("\r\n\r\na b c"))
        }
    }

    @Test func malformedRequestGets400AndClose() async throws {
        try await withServer(testRouter()) { _, port in
            let c = try RawClient(port: port)
            c.send("GET / HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n")
            let reply = await c.read()
            #expect(reply.text.hasPrefix("HTTP/1.1 400 "))
            #expect(reply.closed)
        }
    }
}
