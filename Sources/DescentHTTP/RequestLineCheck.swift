/// Checks a request line's shape as its bytes arrive (RFC 9112 §3: `method SP request-target SP
/// HTTP-version`), so bytes that are not HTTP at all — a TLS ClientHello on the plain port, an SSH
/// banner — are refused at their first wrong byte instead of waiting for a CRLF or the header timeout.
///
/// It only rejects earlier what the full parse of the head would reject anyway (always as 400); it
/// looks at no more than the first `maxRequestLineBytes + 1` bytes and stops at the first CR or LF, so
/// its verdict depends on the bytes alone, not on how they were split into reads.
struct RequestLineCheck: Sendable {
    private enum Part: Sendable { case method, target, version }

    /// Bytes after the head's start already checked.
    private var checked = 0
    private var part = Part.method
    private var partLength = 0
    private var finished = false

    /// The shape error at the earliest wrong byte of `buffer[start...]`, or nil while the line looks like HTTP.
    mutating func check(_ buffer: [UInt8], from start: Int, limit: Int) -> HTTPParseError? {
        guard !finished else { return nil }
        let end = min(buffer.count, start + limit + 1)
        var i = start + checked
        while i < end {
            let c = buffer[i]
            if c == 0x0D || c == 0x0A {
                // The line's end, or empty lines before it (which the parser skips, moving `start`): stop here
                // without deciding, and look again from this byte next time.
                checked = i - start
                return nil
            }
            if let error = accept(c) { return error }
            i += 1
        }
        checked = i - start
        if i - start > limit { finished = true }
        return nil
    }

    private static let versionPrefix = Array("HTTP/".utf8)

    private mutating func accept(_ c: UInt8) -> HTTPParseError? {
        switch part {
        case .method:
            if c == 0x20 {
                guard partLength > 0 else { return .bad("malformed request line") }
                part = .target
                partLength = 0
                return nil
            }
            guard HeaderSyntax.isTokenChar(c) else { return .bad("not an HTTP request") }
        case .target:
            if c == 0x20 {
                guard partLength > 0 else { return .bad("malformed request line") }
                part = .version
                partLength = 0
                return nil
            }
            guard c > 0x20 && c < 0x7F else { return .bad("invalid character in request target") }
        case .version:
            let fits: Bool
            switch partLength {
            case 0..<5: fits = c == Self.versionPrefix[partLength]
            case 5, 7: fits = c >= 0x30 && c <= 0x39
            case 6: fits = c == UInt8(ascii: ".")
            default: fits = false
            }
            guard fits else { return .bad("malformed HTTP version") }
        }
        partLength += 1
        return nil
    }
}
