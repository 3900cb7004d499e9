import DescentClient
import Foundation
import Testing

/// The SSE parser on its own: fed whole, byte by byte, and with every line-ending style.
@Suite struct ServerSentEventParserTests {
    private static let stream = Array("""
        : comment\r
        event: progress\r
        data: {"steps_done":5,"step":5,"loss":1.5}\r
        \r
        event: status\ndata: {"status":"running"}\n\nevent: end\rdata: line one\rdata: line two\r\r
        """.utf8)

    private static let expected = [
        ServerSentEvent(event: "progress", data: #"{"steps_done":5,"step":5,"loss":1.5}"#, id: nil),
        ServerSentEvent(event: "status", data: #"{"status":"running"}"#, id: nil),
        ServerSentEvent(event: "end", data: "line one\nline two", id: nil),
    ]

    @Test func parsesAWholeStreamWithMixedLineEndings() {
        var parser = ServerSentEventParser()
        #expect(parser.feed(Self.stream) == Self.expected)
    }

    @Test func parsesTheSameEventsFedOneByteAtATime() {
        var parser = ServerSentEventParser()
        let events = Self.stream.flatMap { parser.feed([$0]) }
        #expect(events == Self.expected)
    }

    @Test func holdsBackAnEventUntilItsBlankLine() {
        var parser = ServerSentEventParser()
        #expect(parser.feed(Array("event: x\ndata: 1\n".utf8)).isEmpty)
        #expect(parser.feed(Array("\n".utf8)) == [ServerSentEvent(event: "x", data: "1", id: nil)])
    }

    @Test func eventWithoutTypeIsAMessageAndWithoutDataIsDropped() {
        var parser = ServerSentEventParser()
        let events = parser.feed(Array("event: empty\n\ndata:plain\nid: 7\n\n".utf8))
        #expect(events == [ServerSentEvent(event: "message", data: "plain", id: "7")])
    }
}

/// Client behaviour that needs a peer but no particular server logic.
@Suite struct ClientTransportTests {
    @Test func connectionRefusedIsATransportErrorWithCurlCode7() async throws {
        // Port 9 (discard) has no listener on loopback here.
        let client = Client(baseURL: "http://127.0.0.1:9", timeoutMilliseconds: 2_000)
        let error = await #expect(throws: ClientError.self) { try await client.health() }
        #expect(error?.isTransport == true)
        #expect(error?.curlCode == 7)  // CURLE_COULDNT_CONNECT
        #expect(error?.status == nil)
    }
}

extension Integration {
    /// Deadlines and keep-alive seen against the real server.
    @Suite struct ClientAgainstServer {
        @Test func waitPastItsDeadlineThrowsTimeout() async throws {
            try await withServer { server in
                let client = server.client()
                let long = try await client.submit(json: Specs.long().data)
                let error = await #expect(throws: ClientError.self) {
                    try await client.wait(id: long.id, timeout: .milliseconds(500))
                }
                #expect(error?.isTimeout == true)
                _ = try await client.cancel(id: long.id)
            }
        }

        @Test func oneClientReusesOneConnectionForManyRequests() async throws {
            try await withServer { server in
                let client = server.client()
                var opened: [Int] = []
                for _ in 0..<50 { opened.append(try await client.send("GET", "/healthz").newConnections) }
                // libcurl's CURLINFO_NUM_CONNECTS: the first request connects, the other 49 reuse it.
                #expect(opened.first == 1)
                #expect(opened.dropFirst().allSatisfy { $0 == 0 }, "\(opened)")
            }
        }
    }
}
