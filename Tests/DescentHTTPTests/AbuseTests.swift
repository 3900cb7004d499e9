import DescentTestSupport
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
@testable import DescentHTTP

/// Clients that send what is not HTTP, stall, or trickle: each is answered or dropped without waiting
/// for an unrelated timeout, and without slowing the other clients.
@Suite(.serialized) struct AbuseTests {
    /// The exact reply to a request the server refuses: `status`, JSON error body, `Connection: close`.
    func errorReply(_ status: String, code: String, message: String) -> String {
        let body = #"{"error":{"code":"\#(code)","message":"\#(message)"}}"#
        return "HTTP/1.1 \(status)\r\nServer: descent\r\nDate: <date>\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n" + body
    }

    @Test func tlsClientHelloOnThePlainPortGets400AndCloseAtOnce() async throws {
        // A header timeout far beyond the read's 5 s: the reply can only come from the first byte's check.
        try await withServer(testRouter(), configure: { $0.timeouts.headerRead = .seconds(60) }) { _, port in
            let c = try RawClient(port: port)
            c.send(RequestLineCheckTests.clientHello)
            let reply = await c.read(timeout: 5)
            #expect(reply.text.withDateMasked == errorReply("400 Bad Request", code: "bad_request", message: "not an HTTP request"))
            #expect(reply.closed)
        }
    }

    @Test func bodyStalledShortOfItsLengthGets408AndCloseAfterTheBodyTimeout() async throws {
        try await withServer(testRouter(), configure: {
            $0.timeouts.headerRead = .seconds(60)
            $0.timeouts.bodyRead = .milliseconds(300)
        }) { _, port in
            let c = try RawClient(port: port)
            let sent = ContinuousClock.now
            c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc")
            let reply = await c.read(timeout: 5)
            #expect(reply.text.withDateMasked == errorReply("408 Request Timeout", code: "request_timeout", message: "request not received in time"))
            #expect(reply.closed)
            #expect(ContinuousClock.now - sent >= .milliseconds(300))
        }
    }

    @Test func clientKeepsBeingServedBesideTwoHundredSlowlorisConnections() async throws {
        try await withServer(testRouter()) { server, port in
            // 200 connections that each send one more header byte every 100 ms and never finish their head.
            let slow = try (0..<200).map { _ in try RawClient(port: port) }
            let fds = slow.map(\.fd)
            let trickle = Task.detached {
                let head = Array("GET /hello HTTP/1.1\r\nHost: x\r\nX-Slow: ".utf8)
                var i = 0
                while !Task.isCancelled {
                    let byte = i < head.count ? head[i] : UInt8(ascii: "a")
                    for fd in fds { _ = withUnsafePointer(to: byte) { Glibc.send(fd, $0, 1, Int32(MSG_NOSIGNAL)) } }
                    i += 1
                    try? await Task.sleep(for: .milliseconds(100))
                }
            }
            defer { trickle.cancel() }
            try await waitUntil("the slow connections are accepted") { server.connectionCount >= 200 }
            let c = try RawClient(port: port)
            for n in 0..<50 {
                c.send("GET /items/\(n) HTTP/1.1\r\nHost: x\r\n\r\n")
                let reply = await c.read(timeout: 2, until: { $0.hasSuffix("item \(n)") })
                #expect(reply.text.hasPrefix("HTTP/1.1 200 OK\r\n"), "request \(n)")
                try await Task.sleep(for: .milliseconds(20))  // spread over ~1 s, while the slow ones trickle
            }
            #expect(server.connectionCount == 201)
            _ = slow
        }
    }
}

extension String {
    /// The reply with the Date header's value replaced by `<date>`, so whole replies compare byte for byte.
    var withDateMasked: String {
        guard let start = range(of: "\r\nDate: "), let end = self[start.upperBound...].range(of: "\r\n") else { return self }
        return replacingCharacters(in: start.upperBound..<end.lowerBound, with: "<date>")
    }
}
