import CCurl
#if canImport(Glibc)
import Glibc
#endif

extension Client {
    /// One HTTP request as the transport sends it.
    struct HTTPRequest: Sendable {
        /// `GET`, `POST` or `DELETE`.
        var method: String
        /// Absolute URL.
        var url: String
        /// Extra header lines, `Name: value`.
        var headers: [String] = []
        /// Request body (POST only); nil sends an empty body.
        var body: [UInt8]? = nil
        /// Whole-transfer timeout in milliseconds; 0 means none (streams).
        var timeoutMilliseconds: Int = 30_000
    }

    /// A complete HTTP response.
    public struct HTTPResponse: Sendable {
        /// Status code.
        public var status: Int
        /// Response headers, names lower-cased (last value wins).
        public var headers: [String: String]
        /// Body bytes.
        public var body: [UInt8]
        /// Connections libcurl had to open for this request (0 when a kept-alive one was reused).
        public var newConnections: Int = 0

        /// The body as UTF-8 text.
        public var text: String { String(decoding: body, as: UTF8.self) }
    }
}

/// Receives libcurl's callbacks for one transfer; lives for the duration of `perform`.
private final class TransferSink {
    var status = 0
    var headers: [String: String] = [:]
    var body: [UInt8] = []
    /// Streaming consumer: gets (status, bytes); returns false to stop the transfer.
    let onChunk: ((Int, UnsafeRawBufferPointer) -> Bool)?
    let shouldAbort: (() -> Bool)?

    init(onChunk: ((Int, UnsafeRawBufferPointer) -> Bool)?, shouldAbort: (() -> Bool)?) {
        self.onChunk = onChunk; self.shouldAbort = shouldAbort
    }

    func header(_ line: String) {
        let trimmed = line.trimmingSuffix()
        if trimmed.hasPrefix("HTTP/") {
            // A new status line (after `100 Continue` or a redirect) starts a fresh header set.
            headers = [:]
            let parts = trimmed.split(separator: " ", maxSplits: 2)
            if parts.count >= 2, let code = Int(parts[1]) { status = code }
        } else if let colon = trimmed.firstIndex(of: ":") {
            let name = trimmed[..<colon].lowercased()
            let value = trimmed[trimmed.index(after: colon)...].drop(while: { $0 == " " || $0 == "\t" })
            headers[name] = String(value)
        }
    }
}

private extension String {
    func trimmingSuffix() -> String {
        var s = Substring(self)
        while let last = s.last, last == "\r" || last == "\n" || last == "\r\n" { s = s.dropLast() }
        return String(s)
    }
}

private func sink(_ pointer: UnsafeMutableRawPointer?) -> TransferSink? {
    pointer.map { Unmanaged<TransferSink>.fromOpaque($0).takeUnretainedValue() }
}

private let writeCallback: curl_write_callback = { data, size, count, user in
    guard let sink = sink(user) else { return 0 }
    let length = size * count
    let buffer = UnsafeRawBufferPointer(start: data, count: length)
    if let onChunk = sink.onChunk { return onChunk(sink.status, buffer) ? length : 0 }
    sink.body.append(contentsOf: buffer)
    return length
}

private let headerCallback: curl_write_callback = { data, size, count, user in
    guard let sink = sink(user) else { return 0 }
    let length = size * count
    sink.header(String(decoding: UnsafeRawBufferPointer(start: data, count: length), as: UTF8.self))
    return length
}

private let progressCallback: curl_xferinfo_callback = { user, _, _, _, _ in
    (sink(user)?.shouldAbort?() ?? false) ? 1 : 0
}

/// One libcurl easy handle. Not thread-safe: its owner (a serial queue or one thread) is the only caller.
///
/// `curl_easy_reset` between requests keeps the handle's connection cache, so consecutive
/// requests to the same server reuse one keep-alive connection.
final class CurlEasy {
    private let handle: UnsafeMutableRawPointer

    /// Creates a handle, initialising libcurl for the process first.
    init() throws(ClientError) {
        guard CurlGlobal.ensureInitialised() else { throw .transport(code: -1, message: "curl_global_init failed") }
        guard let handle = curl_easy_init() else { throw .transport(code: -1, message: "curl_easy_init failed") }
        self.handle = handle
    }

    deinit { curl_easy_cleanup(handle) }

    /// Performs `request`, collecting the body, or handing it to `onChunk` as it arrives when given.
    ///
    /// - Parameters:
    ///   - onChunk: streaming consumer of (status, bytes); returning false ends the transfer.
    ///   - shouldAbort: polled about once a second and on progress; true aborts the transfer.
    func perform(
        _ request: Client.HTTPRequest,
        onChunk: ((Int, UnsafeRawBufferPointer) -> Bool)? = nil,
        shouldAbort: (() -> Bool)? = nil
    ) -> Result<Client.HTTPResponse, ClientError> {
        let sink = TransferSink(onChunk: onChunk, shouldAbort: shouldAbort)
        let user = Unmanaged.passUnretained(sink).toOpaque()
        curl_easy_reset(handle)
        var list: UnsafeMutablePointer<curl_slist>? = nil
        for line in request.headers { list = curl_slist_append(list, line) }
        defer { curl_slist_free_all(list) }
        var setup = CURLE_OK
        func set(_ code: CURLcode) { if setup == CURLE_OK { setup = code } }
        set(descent_curl_setopt_string(handle, CURLOPT_URL, request.url))
        set(descent_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1))
        set(descent_curl_setopt_long(handle, CURLOPT_TCP_NODELAY, 1))
        set(descent_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, 5_000))
        set(descent_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, request.timeoutMilliseconds))
        set(descent_curl_setopt_write_function(handle, CURLOPT_WRITEFUNCTION, writeCallback))
        set(descent_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, user))
        set(descent_curl_setopt_write_function(handle, CURLOPT_HEADERFUNCTION, headerCallback))
        set(descent_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, user))
        if shouldAbort != nil {
            set(descent_curl_setopt_long(handle, CURLOPT_NOPROGRESS, 0))
            set(descent_curl_setopt_xferinfo_function(handle, progressCallback))
            set(descent_curl_setopt_pointer(handle, CURLOPT_XFERINFODATA, user))
        }
        if let list { set(descent_curl_setopt_pointer(handle, CURLOPT_HTTPHEADER, UnsafeMutableRawPointer(list))) }
        switch request.method {
        case "GET": set(descent_curl_setopt_long(handle, CURLOPT_HTTPGET, 1))
        case "POST":
            let body = request.body ?? []
            set(body.withUnsafeBytes { descent_curl_set_body(handle, $0.baseAddress, Int64($0.count)) })
        default:
            set(descent_curl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method))
            if let body = request.body {
                set(body.withUnsafeBytes { descent_curl_set_body(handle, $0.baseAddress, Int64($0.count)) })
                set(descent_curl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method))
            }
        }
        guard setup == CURLE_OK else {
            return .failure(.transport(code: Int(setup.rawValue), message: CurlGlobal.describe(setup), url: request.url))
        }
        let code = withExtendedLifetime(sink) { curl_easy_perform(handle) }
        guard code == CURLE_OK else {
            return .failure(.transport(code: Int(code.rawValue), message: failureReason(code), url: request.url))
        }
        var status = 0
        _ = descent_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        var connects = 0
        _ = descent_curl_getinfo_long(handle, CURLINFO_NUM_CONNECTS, &connects)
        return .success(Client.HTTPResponse(status: status, headers: sink.headers, body: sink.body, newConnections: connects))
    }

    /// Why the last transfer failed: the system's reason when a socket call failed ("connection refused"),
    /// else libcurl's text for `code`; lower-cased to read within a sentence.
    private func failureReason(_ code: CURLcode) -> String {
        var osError = 0
        _ = descent_curl_getinfo_long(handle, CURLINFO_OS_ERRNO, &osError)
        let text = osError != 0 ? String(cString: strerror(Int32(osError))) : CurlGlobal.describe(code)
        return text.prefix(1).lowercased() + text.dropFirst()
    }
}
