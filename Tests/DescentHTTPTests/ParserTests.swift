import Testing
@testable import DescentHTTP

/// Feeds `input` whole or one byte at a time and collects events until the parser needs more bytes.
func parse(_ input: String, byteByByte: Bool, limits: HTTPLimits = .init()) -> [ParserEvent] {
    var parser = RequestParser(limits: limits)
    var events: [ParserEvent] = []
    func drain() -> Bool {
        while let e = parser.next() {
            events.append(e)
            if case .failure = e { return false }
        }
        return true
    }
    let bytes = Array(input.utf8)
    if byteByByte {
        for b in bytes {
            parser.append([b])
            if !drain() { break }
        }
    } else {
        parser.append(bytes)
        _ = drain()
    }
    return events
}

func failureStatus(_ events: [ParserEvent]) -> Int? {
    for e in events { if case .failure(let f) = e { return f.status } }
    return nil
}

func requests(_ events: [ParserEvent]) -> [(RequestHead, [UInt8])] {
    events.compactMap { if case .request(let h, let b) = $0 { return (h, b) } else { return nil } }
}

@Suite struct ParserTests {
    @Test(arguments: [false, true])
    func parsesSimpleGet(byteByByte: Bool) {
        let r = requests(parse("GET /a/b?x=1 HTTP/1.1\r\nHost: h\r\nX-A: 1\r\nx-a: 2\r\n\r\n", byteByByte: byteByByte))
        #expect(r.count == 1)
        #expect(r[0].0.method == .get)
        #expect(r[0].0.target == "/a/b?x=1")
        #expect(r[0].0.headers.values("X-A") == ["1", "2"])
        #expect(r[0].0.keepAlive)
    }

    @Test(arguments: [false, true])
    func parsesContentLengthBody(byteByByte: Bool) {
        let r = requests(parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello", byteByByte: byteByByte))
        #expect(r.count == 1)
        #expect(r[0].1 == Array("hello".utf8))
    }

    @Test(arguments: [false, true])
    func parsesChunkedBodyWithExtensionsAndTrailers(byteByByte: Bool) {
        let input = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5;name=value\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n"
        let r = requests(parse(input, byteByByte: byteByByte))
        #expect(r.count == 1)
        #expect(r[0].1 == Array("hello world".utf8))
    }

    @Test(arguments: [false, true])
    func parsesPipelinedRequestsInOrder(byteByByte: Bool) {
        let one = "GET /1 HTTP/1.1\r\nHost: h\r\n\r\n"
        let two = "POST /2 HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nok"
        let r = requests(parse(one + two + "GET /3 HTTP/1.1\r\nHost: h\r\n\r\n", byteByByte: byteByByte))
        #expect(r.map(\.0.target) == ["/1", "/2", "/3"])
    }

    @Test(arguments: [false, true])
    func acceptsAbsoluteFormTarget(byteByByte: Bool) {
        let r = requests(parse("GET http://example.com/x?y=1 HTTP/1.1\r\nHost: example.com\r\n\r\n", byteByByte: byteByByte))
        #expect(r.count == 1)
        #expect(HTTPRequest(method: .get, target: r[0].0.target).path == "/x")
    }

    @Test(arguments: [false, true])
    func http10DefaultsToClose(byteByByte: Bool) {
        let r = requests(parse("GET / HTTP/1.0\r\n\r\n", byteByByte: byteByByte))
        #expect(r.count == 1)
        #expect(!r[0].0.keepAlive)
        let k = requests(parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", byteByByte: byteByByte))
        #expect(k[0].0.keepAlive)
    }

    @Test func parsesSecondRequestAppendedAfterFirstWasConsumed() {
        var parser = RequestParser()
        parser.append(Array("GET /1 HTTP/1.1\r\nHost: h\r\n\r\n".utf8))
        guard case .request = parser.next() else { Issue.record("first request not parsed"); return }
        #expect(parser.next() == nil ? true : false)
        parser.append(Array("GET /2 HTTP/1.1\r\nHost: h\r\n\r\n".utf8))
        guard case .request(let head, _) = parser.next() else { Issue.record("second request not parsed"); return }
        #expect(head.target == "/2")
    }

    @Test func connectionCloseDisablesKeepAlive() {
        let r = requests(parse("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", byteByByte: false))
        #expect(!r[0].0.keepAlive)
    }

    @Test(arguments: [false, true])
    func signalsExpectContinueBeforeBody(byteByByte: Bool) {
        let events = parse("POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n", byteByByte: byteByByte)
        #expect(events.count == 1)
        if case .expectContinue = events.first {} else { Issue.record("expected expectContinue, got \(events)") }
    }

    static let rejections: [(String, String, Int)] = [
        ("obs-fold", "GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n  b\r\n\r\n", 400),
        ("space before colon", "GET / HTTP/1.1\r\nHost: h\r\nX : a\r\n\r\n", 400),
        ("invalid token char", "GET / HTTP/1.1\r\nHost: h\r\nX(y): a\r\n\r\n", 400),
        ("bare CR", "GET / HTTP/1.1\r\nHost: h\r\nX: a\rb\r\n\r\n", 400),
        ("bare LF", "GET / HTTP/1.1\nHost: h\r\n\r\n", 400),
        ("conflicting Content-Length", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400),
        ("Content-Length with TE", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
        ("unknown coding", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501),
        ("HTTP/2.0", "GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505),
        ("malformed version", "GET / HTTQ/1.1\r\nHost: h\r\n\r\n", 400),
        ("malformed chunk size", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400),
        ("chunk without CRLF", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n", 400),
        ("missing Host", "GET / HTTP/1.1\r\n\r\n", 400),
        ("bad Content-Length", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1x\r\n\r\n", 400),
        ("negative Content-Length", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n", 400),
        ("control char in value", "GET / HTTP/1.1\r\nHost: h\r\nX: a\u{01}b\r\n\r\n", 400),
        ("relative target", "GET x HTTP/1.1\r\nHost: h\r\n\r\n", 400),
    ]

    @Test(arguments: rejections.indices)
    func rejectsMalformedRequestWhole(index: Int) {
        let (name, input, status) = Self.rejections[index]
        #expect(failureStatus(parse(input, byteByByte: false)) == status, "\(name)")
    }

    @Test(arguments: rejections.indices)
    func rejectsMalformedRequestByteByByte(index: Int) {
        let (name, input, status) = Self.rejections[index]
        #expect(failureStatus(parse(input, byteByByte: true)) == status, "\(name)")
    }
}

@Suite struct ParserLimitTests {
    var limits: HTTPLimits {
        var l = HTTPLimits()
        l.maxRequestLineBytes = 64
        l.maxHeaderBytes = 256
        l.maxHeaderCount = 4
        l.maxBodyBytes = 10
        return l
    }

    func requestLine(length: Int) -> String {
        let fixed = "GET / HTTP/1.1".utf8.count
        return "GET /" + String(repeating: "a", count: length - fixed) + " HTTP/1.1"
    }

    @Test(arguments: [false, true])
    func requestLineAtLimitIsAccepted(byteByByte: Bool) {
        let input = requestLine(length: 64) + "\r\nHost: h\r\n\r\n"
        #expect(requests(parse(input, byteByByte: byteByByte, limits: limits)).count == 1)
    }

    @Test(arguments: [false, true])
    func requestLineOnePastLimitIs414(byteByByte: Bool) {
        let input = requestLine(length: 65) + "\r\nHost: h\r\n\r\n"
        #expect(failureStatus(parse(input, byteByByte: byteByByte, limits: limits)) == 414)
    }

    @Test(arguments: [false, true])
    func headerCountAtLimitIsAcceptedAndOnePastIs431(byteByByte: Bool) {
        let three = "GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n"
        #expect(requests(parse(three, byteByByte: byteByByte, limits: limits)).count == 1)
        let five = "GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n"
        #expect(failureStatus(parse(five, byteByByte: byteByByte, limits: limits)) == 431)
    }

    @Test(arguments: [false, true])
    func headerSectionPastLimitIs431(byteByByte: Bool) {
        let big = "GET / HTTP/1.1\r\nHost: h\r\nX: " + String(repeating: "v", count: 300) + "\r\n\r\n"
        #expect(failureStatus(parse(big, byteByByte: byteByByte, limits: limits)) == 431)
    }

    @Test(arguments: [false, true])
    func bodyAtLimitIsAcceptedAndOnePastIs413BeforeReading(byteByByte: Bool) {
        let ok = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n0123456789"
        #expect(requests(parse(ok, byteByByte: byteByByte, limits: limits)).count == 1)
        // Only the head is sent: the 413 is decided from the declared length alone.
        let tooBig = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n"
        #expect(failureStatus(parse(tooBig, byteByByte: byteByByte, limits: limits)) == 413)
    }

    @Test(arguments: [false, true])
    func chunkedBodyPastLimitIs413(byteByByte: Bool) {
        let input = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n6\r\n012345\r\n5\r\n"
        #expect(failureStatus(parse(input, byteByByte: byteByByte, limits: limits)) == 413)
    }
}
