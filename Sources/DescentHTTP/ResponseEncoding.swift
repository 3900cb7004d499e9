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
    static func appendHead(to out: inout [UInt8], status: Int, headers: HTTPHeaders, contentLength: Int?,
                           keepAlive: Bool, minorVersion: Int, serverName: String) {
        out.append(contentsOf: "HTTP/1.1 ".utf8)
        out.append(contentsOf: String(status).utf8)
        out.append(0x20)
        out.append(contentsOf: reason(status).utf8)
        out.append(contentsOf: "\r\nServer: ".utf8)
        out.append(contentsOf: serverName.utf8)
        out.append(contentsOf: "\r\nDate: ".utf8)
        out.append(contentsOf: currentDate().utf8)
        out.append(contentsOf: "\r\n".utf8)
        for (name, value) in headers {
            if name.caseInsensitiveEquals("Content-Length") || name.caseInsensitiveEquals("Transfer-Encoding")
                || name.caseInsensitiveEquals("Connection") { continue }
            out.append(contentsOf: name.utf8)
            out.append(contentsOf: ": ".utf8)
            out.append(contentsOf: value.utf8)
            out.append(contentsOf: "\r\n".utf8)
        }
        let bodyless = status == 204 || status == 304 || (100..<200).contains(status)
        if let contentLength {
            if !bodyless {
                out.append(contentsOf: "Content-Length: ".utf8)
                out.append(contentsOf: String(contentLength).utf8)
                out.append(contentsOf: "\r\n".utf8)
            }
        } else if minorVersion >= 1 {
            out.append(contentsOf: "Transfer-Encoding: chunked\r\n".utf8)
        }
        if !keepAlive {
            out.append(contentsOf: "Connection: close\r\n".utf8)
        } else if minorVersion == 0 {
            out.append(contentsOf: "Connection: keep-alive\r\n".utf8)
        }
        out.append(contentsOf: "\r\n".utf8)
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
        var now = time(nil)
        let second = Int(now)
        if let cached = dateCache.withLock({ $0.second == second ? $0.text : nil }) { return cached }
        var tm = tm()
        gmtime_r(&now, &tm)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let text = "\(days[Int(tm.tm_wday)]), \(two(tm.tm_mday)) \(months[Int(tm.tm_mon)]) \(tm.tm_year + 1900) "
            + "\(two(tm.tm_hour)):\(two(tm.tm_min)):\(two(tm.tm_sec)) GMT"
        dateCache.withLock { $0 = (second, text) }
        return text
    }
}
