extension Client {
    /// The JSON error body the service sends: `{"error":{"code","message","field"}}`.
    public struct APIError: Sendable, Equatable, Codable {
        /// Machine-readable code such as `invalid_spec` or `queue_full`.
        public var code: String
        /// Human-readable explanation.
        public var message: String
        /// JSON path of the offending spec field, when the error is about one.
        public var field: String?

        /// Creates an API error value.
        public init(code: String, message: String, field: String? = nil) {
            self.code = code; self.message = message; self.field = field
        }
    }
}

/// Why a client call failed: transport, HTTP status with the server's error, decoding, or timeout.
public struct ClientError: Error, Sendable, CustomStringConvertible {
    private enum Storage: Sendable {
        case transport(code: Int, message: String, url: String?)
        case http(status: Int, error: Client.APIError?, retryAfter: Int?, body: String)
        case decoding(String)
        case timeout(String)
        case invalidArgument(String)
    }

    private let storage: Storage

    /// A transport failure with libcurl's error code and the reason (connection refused, timeout, reset…),
    /// and the URL of the request when known.
    public static func transport(code: Int, message: String, url: String? = nil) -> ClientError {
        .init(storage: .transport(code: code, message: message, url: url))
    }
    /// A non-2xx response with the decoded `{"error":…}` body when there was one.
    public static func http(status: Int, error: Client.APIError?, retryAfter: Int? = nil, body: String = "") -> ClientError {
        .init(storage: .http(status: status, error: error, retryAfter: retryAfter, body: body))
    }
    /// A response body that did not have the expected shape.
    public static func decoding(_ message: String) -> ClientError { .init(storage: .decoding(message)) }
    /// A wait that ran past its deadline.
    public static func timeout(_ message: String) -> ClientError { .init(storage: .timeout(message)) }
    /// A request the client refused to send (bad URL, unencodable body).
    public static func invalidArgument(_ message: String) -> ClientError { .init(storage: .invalidArgument(message)) }

    /// libcurl's `CURLcode` for transport failures, otherwise nil.
    public var curlCode: Int? { if case .transport(let code, _, _) = storage { return code }; return nil }
    /// The server (`scheme://host:port`) a transport failure was talking to, when known.
    public var server: String? { if case .transport(_, _, let url?) = storage { return Self.origin(url) }; return nil }
    /// The HTTP status for HTTP failures, otherwise nil.
    public var status: Int? { if case .http(let status, _, _, _) = storage { return status }; return nil }
    /// The server's decoded error for HTTP failures, when the body was one.
    public var apiError: Client.APIError? { if case .http(_, let error, _, _) = storage { return error }; return nil }
    /// The `Retry-After` seconds of a 429/503 response, when sent.
    public var retryAfter: Int? { if case .http(_, _, let retry, _) = storage { return retry }; return nil }
    /// Whether this is a transport (connection-level) failure.
    public var isTransport: Bool { if case .transport = storage { return true }; return false }
    /// Whether this is a decoding failure.
    public var isDecoding: Bool { if case .decoding = storage { return true }; return false }
    /// Whether this is a timeout of `wait`.
    public var isTimeout: Bool { if case .timeout = storage { return true }; return false }

    /// One line for people.
    public var description: String {
        switch storage {
        case .transport(let code, let message, let url?):
            // CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_CONNECT: no connection was made.
            if code == 6 || code == 7 { return "cannot reach \(Self.origin(url)): \(message)" }
            return "request to \(Self.origin(url)) failed: \(message) (curl \(code))"
        case .transport(let code, let message, nil): return "transport error (curl \(code)): \(message)"
        case .http(let status, let error?, _, _):
            return "HTTP \(status) \(error.code): \(error.message)" + (error.field.map { " [field \($0)]" } ?? "")
        case .http(let status, nil, _, let body): return "HTTP \(status)" + (body.isEmpty ? "" : ": \(body.prefix(200))")
        case .decoding(let message): return "unexpected response: \(message)"
        case .timeout(let message): return "timed out: \(message)"
        case .invalidArgument(let message): return "invalid request: \(message)"
        }
    }

    /// `scheme://host:port` of a URL: everything before the path.
    static func origin(_ url: String) -> String {
        guard let scheme = url.range(of: "://") else { return url }
        let rest = url[scheme.upperBound...]
        return String(url[..<(rest.firstIndex { $0 == "/" || $0 == "?" } ?? url.endIndex)])
    }
}
