/// How a request body is delimited (RFC 9112 §6.3).
enum BodyFraming: Sendable {
    case none
    case length(Int)
    case chunked
}

/// Request-line and field syntax of RFC 9112 §3 and §5, over raw bytes.
enum HeaderSyntax {
    static let uriTooLong = HTTPParseError(status: 414, code: "uri_too_long", message: "request line too long")
    static let headerTooLarge = HTTPParseError(status: 431, code: "header_too_large", message: "header section too large")

    enum HeadEnd { case found(Int), incomplete, invalid(HTTPParseError) }

    /// Finds the CRLFCRLF ending the head, scanning from `scanFrom`; a bare LF is an error.
    static func findHeadEnd(_ buffer: [UInt8], from start: Int, scanFrom: Int) -> HeadEnd {
        var i = max(scanFrom, start)
        while i < buffer.count {
            if buffer[i] == 0x0A {
                guard i > start, buffer[i - 1] == 0x0D else { return .invalid(.bad("bare LF in header section")) }
                if i - start >= 3, buffer[i - 2] == 0x0A, buffer[i - 3] == 0x0D { return .found(i - 3) }
            }
            i += 1
        }
        return .incomplete
    }

    /// tchar (RFC 9110 §5.6.2).
    static func isTokenChar(_ c: UInt8) -> Bool {
        switch c {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
             UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
             UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default: return false
        }
    }

    /// Parses a head (request line + fields, without the final CRLFCRLF).
    static func parseHead(_ head: ArraySlice<UInt8>, limits: HTTPLimits) -> RequestParserHead {
        if head.count + 4 > limits.maxHeaderBytes {
            let firstLineLength = (head.firstIndex(of: 0x0D) ?? head.endIndex) - head.startIndex
            return .failure(firstLineLength > limits.maxRequestLineBytes ? uriTooLong : headerTooLarge)
        }
        // A CR not starting a CRLF is an error wherever it is (checked before the lines are read, as a
        // whole-head property); lines are then read in place, with no array of them.
        var i = head.startIndex
        while i < head.endIndex {
            if head[i] == 0x0D, i + 1 == head.endIndex || head[i + 1] != 0x0A { return .failure(.bad("bare CR in header section")) }
            i += 1
        }
        var lines = Lines(head: head)
        guard let requestLine = lines.next() else { return .failure(.bad("empty request")) }
        if requestLine.count > limits.maxRequestLineBytes { return .failure(uriTooLong) }
        let parsedLine: (HTTPMethod, String, Int)
        switch parseRequestLine(requestLine) {
        case .failure(let e): return .failure(e)
        case .success(let v): parsedLine = v
        }
        var headers = HTTPHeaders()
        while let line = lines.next() {
            if headers.count >= limits.maxHeaderCount {
                return .failure(.init(status: 431, code: "header_too_large", message: "more than \(limits.maxHeaderCount) header fields"))
            }
            switch parseField(line) {
            case .failure(let e): return .failure(e)
            case .success(let (name, value)): headers.add(name, value)
            }
        }
        let (method, target, minor) = parsedLine
        if minor == 1 && headers.count(of: "Host") != 1 {
            return .failure(.bad("HTTP/1.1 request needs exactly one Host header"))
        }
        let framing: BodyFraming
        switch bodyFraming(headers, limits: limits) {
        case .failure(let e): return .failure(e)
        case .success(let f): framing = f
        }
        let keepAlive = minor == 1
            ? !headers.contains(token: "close", in: "Connection")
            : headers.contains(token: "keep-alive", in: "Connection")
        let hasBody: Bool
        switch framing {
        case .none: hasBody = false
        case .length(let n): hasBody = n > 0
        case .chunked: hasBody = true
        }
        let expects = minor == 1 && hasBody && (headers["Expect"]?.caseInsensitiveEquals("100-continue") ?? false)
        let head = RequestHead(method: method, target: target, minorVersion: minor, headers: headers,
                               keepAlive: keepAlive, expectsContinue: expects)
        return .success((head, framing))
    }

    enum RequestParserHead { case success((RequestHead, BodyFraming)), failure(HTTPParseError) }

    /// The CRLF-separated lines of a head, read one at a time (the last one ends at the head's end).
    private struct Lines {
        let head: ArraySlice<UInt8>
        var position: Int
        var done = false
        init(head: ArraySlice<UInt8>) { self.head = head; position = head.startIndex }

        mutating func next() -> ArraySlice<UInt8>? {
            guard !done else { return nil }
            var i = position
            while i + 1 < head.endIndex {
                if head[i] == 0x0D, head[i + 1] == 0x0A {
                    defer { position = i + 2 }
                    return head[position..<i]
                }
                i += 1
            }
            done = true
            return head[position..<head.endIndex]
        }
    }

    private enum LineParse { case success((HTTPMethod, String, Int)), failure(HTTPParseError) }

    private static func parseRequestLine(_ line: ArraySlice<UInt8>) -> LineParse {
        // method SP request-target SP HTTP-version: exactly two spaces, found in place.
        guard let firstSpace = line.firstIndex(of: 0x20),
              let secondSpace = line[(firstSpace + 1)...].firstIndex(of: 0x20),
              !line[(secondSpace + 1)...].contains(0x20) else { return .failure(.bad("malformed request line")) }
        let methodBytes = line[line.startIndex..<firstSpace], targetBytes = line[(firstSpace + 1)..<secondSpace]
        let v = line[(secondSpace + 1)...]
        guard !methodBytes.isEmpty, !targetBytes.isEmpty else { return .failure(.bad("malformed request line")) }
        guard methodBytes.allSatisfy(isTokenChar) else { return .failure(.bad("invalid method token")) }
        guard targetBytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return .failure(.bad("invalid character in request target")) }
        let s = v.startIndex
        guard v.count == 8, v[s] == UInt8(ascii: "H"), v[s + 1] == UInt8(ascii: "T"), v[s + 2] == UInt8(ascii: "T"),
              v[s + 3] == UInt8(ascii: "P"), v[s + 4] == UInt8(ascii: "/"), v[s + 6] == UInt8(ascii: "."),
              (0x30...0x39).contains(v[s + 5]), (0x30...0x39).contains(v[s + 7]) else {
            return .failure(.bad("malformed HTTP version"))
        }
        guard v[s + 5] == UInt8(ascii: "1") else {
            return .failure(.init(status: 505, code: "http_version_not_supported", message: "only HTTP/1.0 and HTTP/1.1 are supported"))
        }
        let method = HTTPMethod(rawValue: String(decoding: methodBytes, as: UTF8.self))
        let target = String(decoding: targetBytes, as: UTF8.self)
        if targetBytes.first != UInt8(ascii: "/") {  // not origin-form: absolute-form, or * for OPTIONS
            let lower = target.lowercased()
            let isAbsolute = lower.hasPrefix("http://") || lower.hasPrefix("https://")
            let isAsterisk = target == "*" && method == .options
            guard isAbsolute || isAsterisk else { return .failure(.bad("unsupported request-target form")) }
        }
        return .success((method, target, v[s + 7] == UInt8(ascii: "0") ? 0 : 1))
    }

    enum FieldParse { case success((String, String)), failure(HTTPParseError) }

    /// Parses `name: value`; rejects obs-fold, whitespace before the colon and invalid characters.
    static func parseField(_ line: ArraySlice<UInt8>) -> FieldParse {
        guard let first = line.first else { return .failure(.bad("empty header line")) }
        if first == 0x20 || first == 0x09 { return .failure(.bad("obsolete line folding is not accepted")) }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return .failure(.bad("header line without colon")) }
        let name = line[line.startIndex..<colon]
        if let last = name.last, last == 0x20 || last == 0x09 { return .failure(.bad("whitespace before colon in header field")) }
        guard !name.isEmpty, name.allSatisfy(isTokenChar) else { return .failure(.bad("invalid header field name")) }
        var value = line[(colon + 1)...]
        while let f = value.first, f == 0x20 || f == 0x09 { value = value.dropFirst() }
        while let l = value.last, l == 0x20 || l == 0x09 { value = value.dropLast() }
        guard value.allSatisfy({ $0 == 0x09 || $0 >= 0x20 && $0 != 0x7F }) else {
            return .failure(.bad("invalid character in header field value"))
        }
        return .success((String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self)))
    }

    private enum FramingParse { case success(BodyFraming), failure(HTTPParseError) }

    private static func bodyFraming(_ headers: HTTPHeaders, limits: HTTPLimits) -> FramingParse {
        let te = headers.values("Transfer-Encoding")
        let cl = headers.values("Content-Length")
        if !te.isEmpty {
            if !cl.isEmpty { return .failure(.bad("Content-Length together with Transfer-Encoding")) }
            let codings = te.flatMap { $0.split(separator: ",") }.map { $0.trimmingASCIIWhitespace().lowercased() }
            guard codings.allSatisfy({ $0 == "chunked" }) else {
                return .failure(.init(status: 501, code: "not_implemented", message: "unsupported transfer coding"))
            }
            guard codings.count == 1 else { return .failure(.bad("chunked applied more than once")) }
            return .success(.chunked)
        }
        guard !cl.isEmpty else { return .success(.none) }
        var length: Int?
        for item in cl.flatMap({ $0.split(separator: ",", omittingEmptySubsequences: false) }) {
            let digits = item.trimmingASCIIWhitespace()
            guard !digits.isEmpty, digits.utf8.count <= 18, digits.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
                  let n = Int(digits) else { return .failure(.bad("invalid Content-Length")) }
            if let length, length != n { return .failure(.bad("conflicting Content-Length values")) }
            length = n
        }
        guard let n = length else { return .failure(.bad("invalid Content-Length")) }
        if n > limits.maxBodyBytes {
            return .failure(.init(status: 413, code: "payload_too_large", message: "request body exceeds \(limits.maxBodyBytes) bytes"))
        }
        return .success(n == 0 ? .none : .length(n))
    }
}
