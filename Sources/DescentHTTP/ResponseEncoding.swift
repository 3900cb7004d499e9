#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Serialises response heads (RFC 9112 §4, §6) and keeps the once-per-second Date value.
enum ResponseEncoding {
    /// The reason phrase for a status code.
    static func reason(_ status: Int) -> String {
        switch status {
        case 100: return "Continue"
        case 200: return "OK"
        case 201: return "Created"
        case 202: return "Accepted"
        case 204: return "No Content"
        case 301: return "Moved Permanently"
        case 302: return "Found"
        case 304: return "Not Modified"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 406: return "Not Acceptable"
        case 408: return "Request Timeout"
        case 409: return "Conflict"
        case 413: return "Content Too Large"
        case 414: return "URI Too Long"
        case 415: return "Unsupported Media Type"
        case 422: return "Unprocessable Content"
        case 429: return "Too Many Requests"
        case 431: return "Request Header Fields Too Large"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 503: return "Service Unavailable"
        case 505: return "HTTP Version Not Supported"
        default: return "Status \(status)"
        }
    }

    /// The head of a response. `contentLength` nil means chunked (HTTP/1.1) or close-delimited (1.0).
    static func head(status: Int, headers: HTTPHeaders, contentLength: Int?, keepAlive: Bool,
                     minorVersion: Int, serverName: String) -> [UInt8] {
        var out: [UInt8] = []
        appendHead(to: &out, status: status, headers: headers, contentLength: contentLength, keepAlive: keepAlive,
                   minorVersion: minorVersion, serverName: serverName)
        return out
    }

    /// Appends the head of a response to `out` (a connection's output buffer: no intermediate string or array).
    /// `date` is the Date value (default: `currentDate()`); an event loop passes its own copy, so its
    /// responses take no lock shared with other loops.
    static func appendHead(to out: inout [UInt8], status: Int, headers: HTTPHeaders, contentLength: Int?,
                           keepAlive: Bool, minorVersion: Int, serverName: String, date: String? = nil) {
        out.appendASCII("HTTP/1.1 ")
        out.appendDecimal(status)
        out.append(0x20)
        out.appendText(reason(status))
        out.appendASCII("\r\nServer: ")
        out.appendText(serverName)
        out.appendASCII("\r\nDate: ")
        out.appendText(date ?? currentDate())
        out.appendASCII("\r\n")
        for (name, value) in headers {
            if name.caseInsensitiveEquals("Content-Length") || name.caseInsensitiveEquals("Transfer-Encoding")
                || name.caseInsensitiveEquals("Connection") { continue }
            out.appendText(name)
            out.appendASCII(": ")
            out.appendText(value)
            out.appendASCII("\r\n")
        }
        let bodyless = status == 204 || status == 304 || (100..<200).contains(status)
        if let contentLength {
            if !bodyless {
                out.appendASCII("Content-Length: ")
                out.appendDecimal(contentLength)
                out.appendASCII("\r\n")
            }
        } else if minorVersion >= 1 {
            out.appendASCII("Transfer-Encoding: chunked\r\n")
        }
        if !keepAlive {
            out.appendASCII("Connection: close\r\n")
        } else if minorVersion == 0 {
            out.appendASCII("Connection: keep-alive\r\n")
        }
        out.appendASCII("\r\n")
    }

    /// A complete error response that closes the connection.
    static func errorResponse(_ error: HTTPParseError, serverName: String) -> [UInt8] {
        let body = HTTPErrorBody(code: error.code, message: error.message).render()
        return head(status: error.status, headers: ["Content-Type": "application/json"], contentLength: body.count,
                    keepAlive: false, minorVersion: 1, serverName: serverName) + body
    }

    private static let dateCache = Mutex<(second: Int, text: String)>((-1, ""))

    /// IMF-fixdate of now (RFC 9110 §5.6.7), computed at most once per second.
    static func currentDate() -> String {
        let second = Int(time(nil))
        if let cached = dateCache.withLock({ $0.second == second ? $0.text : nil }) { return cached }
        let text = imfFixdate(second)
        dateCache.withLock { $0 = (second, text) }
        return text
    }

    /// IMF-fixdate of `second` (seconds since the epoch), e.g. "Sun, 29 Nov 2026 21:05:00 GMT".
    static func imfFixdate(_ second: Int) -> String {
        var now = time_t(second)
        var tm = tm()
        gmtime_r(&now, &tm)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(days[Int(tm.tm_wday)]), \(two(tm.tm_mday)) \(months[Int(tm.tm_mon)]) \(tm.tm_year + 1900) "
            + "\(two(tm.tm_hour)):\(two(tm.tm_min)):\(two(tm.tm_sec)) GMT"
    }
}

extension [UInt8] {
    /// Appends a literal's bytes in one copy (appending a `String.UTF8View` goes element by element).
    @inline(__always) mutating func appendASCII(_ text: StaticString) {
        text.withUTF8Buffer { append(contentsOf: $0) }
    }

    /// Appends a string's UTF-8 bytes in one copy.
    @inline(__always) mutating func appendText(_ text: String) {
        var text = text
        text.withUTF8 { append(contentsOf: $0) }
    }

    /// Appends a non-negative integer in decimal, without making a string.
    mutating func appendDecimal(_ value: Int) {
        guard value > 0 else {
            append(UInt8(ascii: "0"))
            return
        }
        var digits: (UInt64, Int) = (0, 0)  // up to 16 digits, 4 bits each; a longer value is written through String
        var v = value
        while v > 0, digits.1 < 16 {
            digits.0 = digits.0 << 4 | UInt64(v % 10)
            digits.1 += 1
            v /= 10
        }
        if v > 0 {
            appendText(String(value))
            return
        }
        while digits.1 > 0 {
            digits.1 -= 1
            append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: digits.0 & 0xF))
            digits.0 >>= 4
        }
    }
}
