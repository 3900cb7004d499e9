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
        let lines = split(head)
        guard let requestLine = lines.first else { return .failure(.bad("empty request")) }
        for line in lines where line.contains(0x0D) { return .failure(.bad("bare CR in header section")) }
        if requestLine.count > limits.maxRequestLineBytes { return .failure(uriTooLong) }
        let parsedLine: (HTTPMethod, String, Int)
        switch parseRequestLine(requestLine) {
        case .failure(let e): return .failure(e)
        case .success(let v): parsedLine = v
        }
        var headers = HTTPHeaders()
        for line in lines.dropFirst() {
            if headers.count >= limits.maxHeaderCount {
                return .failure(.init(status: 431, code: "header_too_large", message: "more than \(limits.maxHeaderCount) header fields"))
            }
            switch parseField(line) {
            case .failure(let e): return .failure(e)
            case .success(let (name, value)): headers.add(name, value)
            }
        }
        let (method, target, minor) = parsedLine
        if minor == 1 && headers.values("Host").count != 1 {
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

    private static func split(_ head: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var lineStart = head.startIndex
        var i = head.startIndex
        while i < head.endIndex {
            if head[i] == 0x0D, i + 1 < head.endIndex, head[i + 1] == 0x0A {
                lines.append(head[lineStart..<i])
                i += 2
                lineStart = i
            } else {
                i += 1
            }
        }
        lines.append(head[lineStart..<head.endIndex])
        return lines
    }

    private enum LineParse { case success((HTTPMethod, String, Int)), failure(HTTPParseError) }

    private static func parseRequestLine(_ line: ArraySlice<UInt8>) -> LineParse {
        let parts = line.split(separator: 0x20, omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty else { return .failure(.bad("malformed request line")) }
        guard parts[0].allSatisfy(isTokenChar) else { return .failure(.bad("invalid method token")) }
        guard parts[1].allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return .failure(.bad("invalid character in request target")) }
        let v = Array(parts[2])
        guard v.count == 8, v.starts(with: Array("HTTP/".utf8)), v[6] == UInt8(ascii: "."),
              (0x30...0x39).contains(v[5]), (0x30...0x39).contains(v[7]) else {
            return .failure(.bad("malformed HTTP version"))
        }
        guard v[5] == UInt8(ascii: "1") else {
            return .failure(.init(status: 505, code: "http_version_not_supported", message: "only HTTP/1.0 and HTTP/1.1 are supported"))
        }
        let method = HTTPMethod(rawValue: String(decoding: parts[0], as: UTF8.self))
        let target = String(decoding: parts[1], as: UTF8.self)
        let isOrigin = target.hasPrefix("/")
        let lower = target.lowercased()
        let isAbsolute = lower.hasPrefix("http://") || lower.hasPrefix("https://")
        let isAsterisk = target == "*" && method == .options
        guard isOrigin || isAbsolute || isAsterisk else { return .failure(.bad("unsupported request-target form")) }
        return .success((method, target, v[7] == UInt8(ascii: "0") ? 0 : 1))
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
