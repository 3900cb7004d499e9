/// Size limits for requests; exceeding one gives the status named beside it.
public struct HTTPLimits: Sendable {
    /// Longest request line, bytes (414 past it). Default 8 KiB.
    public var maxRequestLineBytes = 8 * 1024
    /// Largest header section incl. the request line, bytes (431 past it). Default 16 KiB.
    public var maxHeaderBytes = 16 * 1024
    /// Most header fields (431 past it). Default 100.
    public var maxHeaderCount = 100
    /// Largest body, bytes (413 past it, decided from Content-Length before reading). Default 1 MiB.
    public var maxBodyBytes = 1024 * 1024
    /// Default limits.
    public init() {}
}

/// The parsed request line and header section.
public struct RequestHead: Sendable {
    /// Method token.
    public var method: HTTPMethod
    /// Raw request-target.
    public var target: String
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    public var minorVersion: Int
    /// Header fields in order.
    public var headers: HTTPHeaders
    /// Whether the connection stays open after the response (RFC 9112 §9.3).
    public var keepAlive: Bool
    /// Whether the client waits for `100 Continue` before sending the body.
    public var expectsContinue: Bool
}

/// A request the parser rejects, with the status to answer before closing.
public struct HTTPParseError: Error, Sendable, Equatable {
    /// Status code (400, 413, 414, 431, 501, 505).
    public let status: Int
    /// Short machine-readable code.
    public let code: String
    /// Human-readable reason.
    public let message: String

    static func bad(_ message: String) -> HTTPParseError { .init(status: 400, code: "bad_request", message: message) }
}

/// What the parser found next in the buffered bytes.
public enum ParserEvent: Sendable {
    /// The head is complete and the client waits for `100 Continue` before sending its body.
    case expectContinue(RequestHead)
    /// A complete request.
    case request(RequestHead, body: [UInt8])
    /// A fatal error; answer with its status and close.
    case failure(HTTPParseError)
}

/// Incremental HTTP/1.1 request parser (RFC 9112): bytes in, events out, no I/O.
///
/// Feed bytes in any split with `append`, then call `next()` until it returns nil (needs more bytes).
/// After a failure every further call returns the same failure.
public struct RequestParser: Sendable {
    private enum State: Sendable {
        case head
        case fixedBody(head: RequestHead, remaining: Int)
        case chunkSize(head: RequestHead)
        case chunkData(head: RequestHead, remaining: Int)
        case chunkDataEnd(head: RequestHead)
        case trailers(head: RequestHead, bytes: Int, count: Int)
        case failed(HTTPParseError)
    }

    private let limits: HTTPLimits
    private var buffer: [UInt8] = []
    private var start = 0
    private var state = State.head
    private var body: [UInt8] = []
    private var continueSent = false
    private var headScan = 0
    private var lineCheck = RequestLineCheck()

    /// A parser enforcing `limits`.
    public init(limits: HTTPLimits = .init()) { self.limits = limits }

    /// Buffers more bytes from the connection.
    public mutating func append<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        if start > 0 && start >= buffer.count / 2 {
            buffer.removeSubrange(0..<start)
            headScan = max(0, headScan - start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// Bytes buffered but not yet consumed.
    public var bufferedCount: Int { buffer.count - start }

    /// Whether the parser is between requests with nothing buffered.
    public var isIdle: Bool {
        if case .head = state { return bufferedCount == 0 }
        return false
    }

    /// Whether a request has started arriving but is not complete.
    public var isMidRequest: Bool {
        switch state {
        case .head: return bufferedCount > 0
        case .failed: return false
        default: return true
        }
    }

    /// Whether the parser is reading a body (as opposed to the head).
    public var isReadingBody: Bool {
        switch state {
        case .head, .failed: return false
        default: return true
        }
    }

    /// The next event, or nil when more bytes are needed.
    public mutating func next() -> ParserEvent? {
        while true {
            switch state {
            case .failed(let error):
                return .failure(error)
            case .head:
                guard let result = parseHead() else { return nil }
                switch result {
                case .failure(let e): return fail(e)
                case .success(let (head, framing)):
                    body = []
                    continueSent = false
                    switch framing {
                    case .none:
                        return .request(head, body: [])
                    case .length(let n):
                        body.reserveCapacity(n)
                        state = .fixedBody(head: head, remaining: n)
                    case .chunked:
                        state = .chunkSize(head: head)
                    }
                    if head.expectsContinue && bufferedCount == 0 {
                        continueSent = true
                        return .expectContinue(head)
                    }
                }
            case .fixedBody(let head, let remaining):
                let take = min(remaining, bufferedCount)
                body.append(contentsOf: buffer[start..<(start + take)])
                start += take
                if take < remaining {
                    state = .fixedBody(head: head, remaining: remaining - take)
                    return nil
                }
                state = .head
                return .request(head, body: takeBody())
            case .chunkSize(let head):
                guard let line = readLine(limit: 1024) else { return nil }
                guard case .success(let bytes) = line else { return failLine(line) }
                let sizePart = bytes.prefix { $0 != UInt8(ascii: ";") }
                let digits = sizePart.reversed().drop { $0 == 0x20 || $0 == 0x09 }.reversed()
                guard !digits.isEmpty, digits.count <= 15 else { return fail(.bad("malformed chunk size")) }
                var size = 0
                for d in digits {
                    guard let v = PercentDecoding.hexValue(d) else { return fail(.bad("malformed chunk size")) }
                    size = size * 16 + Int(v)
                }
                if size == 0 {
                    state = .trailers(head: head, bytes: 0, count: 0)
                } else if body.count + size > limits.maxBodyBytes {
                    return fail(.init(status: 413, code: "payload_too_large", message: "request body exceeds \(limits.maxBodyBytes) bytes"))
                } else {
                    state = .chunkData(head: head, remaining: size)
                }
            case .chunkData(let head, let remaining):
                let take = min(remaining, bufferedCount)
                body.append(contentsOf: buffer[start..<(start + take)])
                start += take
                if take < remaining {
                    state = .chunkData(head: head, remaining: remaining - take)
                    return nil
                }
                state = .chunkDataEnd(head: head)
            case .chunkDataEnd(let head):
                guard bufferedCount >= 2 else { return nil }
                guard buffer[start] == 0x0D, buffer[start + 1] == 0x0A else { return fail(.bad("chunk data not followed by CRLF")) }
                start += 2
                state = .chunkSize(head: head)
            case .trailers(let head, let bytes, let count):
                guard let line = readLine(limit: limits.maxHeaderBytes) else { return nil }
                guard case .success(let field) = line else { return failLine(line) }
                if field.isEmpty {
                    state = .head
                    return .request(head, body: takeBody())
                }
                let total = bytes + field.count + 2
                if total > limits.maxHeaderBytes || count + 1 > limits.maxHeaderCount {
                    return fail(.init(status: 431, code: "header_too_large", message: "trailer section too large"))
                }
                if case .failure(let e) = HeaderSyntax.parseField(field) { return fail(e) }
                state = .trailers(head: head, bytes: total, count: count + 1)
            }
        }
    }

    // MARK: - Lines

    private enum LineResult { case success(ArraySlice<UInt8>), failure(HTTPParseError) }

    /// Reads one CRLF-terminated line (without the CRLF); nil if incomplete.
    private mutating func readLine(limit: Int) -> LineResult? {
        let end = buffer.count
        var i = start
        while i < end {
            let c = buffer[i]
            if c == 0x0A {
                guard i > start, buffer[i - 1] == 0x0D else { return .failure(.bad("bare LF in line")) }
                let line = buffer[start..<(i - 1)]
                if line.contains(0x0D) { return .failure(.bad("bare CR in line")) }
                start = i + 1
                return .success(line)
            }
            if i - start >= limit { return .failure(.bad("line too long")) }
            i += 1
        }
        return nil
    }

    private mutating func failLine(_ line: LineResult) -> ParserEvent {
        if case .failure(let e) = line { return fail(e) }
        return fail(.bad("malformed line"))
    }

    private mutating func fail(_ error: HTTPParseError) -> ParserEvent {
        state = .failed(error)
        return .failure(error)
    }

    private mutating func takeBody() -> [UInt8] {
        let b = body
        body = []
        return b
    }

    // MARK: - Head

    /// Parses a complete head if one is buffered.
    private mutating func parseHead() -> HeaderSyntax.RequestParserHead? {
        // RFC 9112 §2.2: ignore empty lines before the request line.
        while bufferedCount >= 2, buffer[start] == 0x0D, buffer[start + 1] == 0x0A { start += 2 }
        headScan = max(headScan, start)
        if let error = lineCheck.check(buffer, from: start, limit: limits.maxRequestLineBytes) { return .failure(error) }
        let scan = HeaderSyntax.findHeadEnd(buffer, from: start, scanFrom: headScan)
        if case .invalid(let e) = scan { return .failure(e) }
        guard case .found(let end) = scan else {
            headScan = max(start, buffer.count - 3)
            if let lineEnd = buffer[start...].firstIndex(of: 0x0A) {
                if lineEnd - start > limits.maxRequestLineBytes + 1 { return .failure(HeaderSyntax.uriTooLong) }
                if bufferedCount > limits.maxHeaderBytes { return .failure(HeaderSyntax.headerTooLarge) }
            } else if bufferedCount > limits.maxRequestLineBytes + 1 {
                return .failure(HeaderSyntax.uriTooLong)
            }
            return nil
        }
        let headBytes = buffer[start..<end]
        start = end + 4
        headScan = start
        lineCheck = RequestLineCheck()
        return HeaderSyntax.parseHead(headBytes, limits: limits)
    }
}
