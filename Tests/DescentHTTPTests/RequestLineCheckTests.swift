import Testing
@testable import DescentHTTP

/// Bytes that cannot start an HTTP request line are refused at once, without waiting for a CRLF.
@Suite struct RequestLineCheckTests {
    /// The first bytes of a TLS 1.3 ClientHello: record type 0x16, version 3.1, length, handshake type 1.
    static let clientHello: [UInt8] = [0x16, 0x03, 0x01, 0x00, 0xC8, 0x01, 0x00, 0x00, 0xC4, 0x03, 0x03] + Array(repeating: 0xA5, count: 32)

    func firstEvent(feeding bytes: [UInt8], oneAtATime: Bool) -> (event: ParserEvent?, fed: Int) {
        var parser = RequestParser()
        let pieces = oneAtATime ? bytes.map { [$0] } : [bytes]
        var fed = 0
        for piece in pieces {
            parser.append(piece)
            fed += piece.count
            if let event = parser.next() { return (event, fed) }
        }
        return (nil, fed)
    }

    @Test func tlsClientHelloFailsWith400AtItsFirstByte() {
        let (event, fed) = firstEvent(feeding: Self.clientHello, oneAtATime: true)
        guard case .failure(let error) = event else { Issue.record("no failure: \(String(describing: event))"); return }
        #expect(error.status == 400)
        #expect(error.message == "not an HTTP request")
        #expect(fed == 1)
    }

    @Test func wholeClientHelloFailsWith400() {
        guard case .failure(let error) = firstEvent(feeding: Self.clientHello, oneAtATime: false).event else {
            Issue.record("no failure"); return
        }
        #expect(error.status == 400)
    }

    @Test(arguments: [
        ("GET / HTTX", 10), ("GET  ", 5), ("G\u{7F}", 2), ("GET /a\u{01}", 7), ("GET / HTTP/1.1x", 15), ("GET / HTTP/a", 12),
    ])
    func wrongByteFailsBeforeAnyCRLF(line: String, failsAt: Int) {
        let (event, fed) = firstEvent(feeding: Array(line.utf8), oneAtATime: true)
        guard case .failure(let error) = event else { Issue.record("\(line): no failure"); return }
        #expect(error.status == 400)
        #expect(fed == failsAt, "\(line)")
    }

    @Test func wellFormedRequestLineWaitsForMoreBytes() {
        var parser = RequestParser()
        for byte in "OPTIONS * HTTP/1.1\r".utf8 {
            parser.append([byte])
            #expect(parser.next() == nil ? true : false)
        }
    }

    /// Found by the fuzz target: a CR that turns out to start an empty line before the request line must
    /// not end the check, whichever read the LF comes in.
    @Test(arguments: [false, true])
    func byteAfterLeadingEmptyLineIsChecked(oneAtATime: Bool) {
        guard case .failure(let error) = firstEvent(feeding: [0x0D, 0x0A, 0x0E], oneAtATime: oneAtATime).event else {
            Issue.record("no failure"); return
        }
        #expect(error.status == 400)
    }

    @Test func aSecondRequestIsCheckedFromItsOwnFirstByte() {
        var parser = RequestParser()
        parser.append(Array("GET /1 HTTP/1.1\r\nHost: h\r\n\r\n".utf8) + [0x16])
        guard case .request = parser.next() else { Issue.record("first request not parsed"); return }
        guard case .failure(let error) = parser.next() else { Issue.record("second request not refused"); return }
        #expect(error.status == 400)
    }
}
