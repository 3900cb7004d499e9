/// An error that knows its HTTP response; anything else a handler throws becomes a bare 500.
public protocol HTTPResponseError: Error {
    /// Status code to send.
    var status: Int { get }
    /// Extra header fields (e.g. Retry-After).
    var headers: HTTPHeaders { get }
    /// What the JSON body says.
    var errorBody: HTTPErrorBody { get }
}

extension HTTPResponseError {
    /// No extra header fields.
    public var headers: HTTPHeaders { [:] }
}

/// One problem as the error body lists it: `{"code", "message", "field"?}`.
public struct HTTPErrorDetail: Sendable, Equatable {
    /// Machine-readable code, e.g. "out_of_range".
    public var code: String
    /// Human-readable message.
    public var message: String
    /// JSON path of the offending value, if any.
    public var field: String?

    /// Creates a detail.
    public init(code: String, message: String, field: String? = nil) {
        self.code = code; self.message = message; self.field = field
    }
}

/// The one shape of every error body the server sends:
/// `{"error":{"code":…,"message":…,"field":…,"errors":[{"code","message","field"}…]}}`.
/// `field` and `errors` are left out when absent; `errors`, when present, lists every problem and its
/// first element repeats the top-level fields.
public struct HTTPErrorBody: Sendable {
    /// The (first) problem.
    public var main: HTTPErrorDetail
    /// Every problem, when there may be several; empty otherwise.
    public var errors: [HTTPErrorDetail]
    /// Further integer members of the error object, after `field` (e.g. how many items of a batch are invalid).
    public var counts: [(name: String, value: Int)] = []

    /// A body naming one problem.
    public init(code: String, message: String, field: String? = nil) {
        main = HTTPErrorDetail(code: code, message: message, field: field)
        errors = []
    }

    /// A body listing several problems (at least one); the first is also the top-level problem.
    public init(listing errors: [HTTPErrorDetail]) {
        main = errors.first ?? HTTPErrorDetail(code: "invalid", message: "invalid request")
        self.errors = errors
    }

    /// The JSON bytes.
    public func render() -> [UInt8] {
        var s = "{\"error\":{"
        Self.append(main, to: &s)
        for (name, value) in counts { s += "," + jsonString(name) + ":" + String(value) }
        if !errors.isEmpty {
            s += ",\"errors\":["
            for (i, e) in errors.enumerated() {
                s += i == 0 ? "{" : ",{"
                Self.append(e, to: &s)
                s += "}"
            }
            s += "]"
        }
        s += "}}"
        return Array(s.utf8)
    }

    private static func append(_ d: HTTPErrorDetail, to s: inout String) {
        s += "\"code\":" + jsonString(d.code) + ",\"message\":" + jsonString(d.message)
        if let field = d.field { s += ",\"field\":" + jsonString(field) }
    }
}

/// The one place where errors become responses: statuses chosen by DescentHTTP itself (404, 405, parse
/// errors) and thrown `HTTPResponseError`s are rendered here, in the `HTTPErrorBody` shape.
public enum ErrorResponse {
    /// A JSON error response with one problem.
    public static func make(status: Int, code: String, message: String) -> HTTPResponse {
        make(status: status, body: HTTPErrorBody(code: code, message: message))
    }

    /// A JSON error response with `body`.
    public static func make(status: Int, body: HTTPErrorBody, headers: HTTPHeaders = [:]) -> HTTPResponse {
        var response = HTTPResponse.json(body.render(), status: status)
        for (name, value) in headers { response.headers[name] = value }
        return response
    }

    /// Maps any thrown error: an `HTTPResponseError` knows its response, anything else is a bare 500.
    public static func from(_ error: any Error) -> HTTPResponse {
        if let e = error as? any HTTPResponseError { return make(status: e.status, body: e.errorBody, headers: e.headers) }
        return make(status: 500, code: "internal", message: "internal server error")
    }
}
