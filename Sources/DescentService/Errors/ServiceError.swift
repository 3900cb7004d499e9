import DescentCore
import DescentHTTP

/// Every error the API returns, with its status, code and fields. Built from typed errors in exactly one
/// place (`ServiceError.mapping(_:)` in ErrorMapping.swift); rendered by DescentHTTP's `ErrorResponse`.
public struct ServiceError: Error, HTTPResponseError, Sendable, CustomStringConvertible {
    private enum Kind: Sendable {
        case badJSON(String)
        case unsupportedMediaType(String)
        case unknownQueryParameters(names: [String], accepted: [String])
        case invalid(field: String, message: String, code: String)
        case invalidSpec([SpecError])
        case invalidItems(errors: [HTTPErrorDetail], invalid: Int, total: Int)
        case notFound(String)
        case conflict(String)
        case queueFull(retryAfter: Int)
        case unauthorized
        case shuttingDown
        case busy
        case tooLarge(String)
        case notAcceptable(String)
        case internalFailure(detail: String)
    }

    private let kind: Kind

    /// 400: the body is not valid JSON.
    public static func badJSON(_ detail: String) -> ServiceError { .init(kind: .badJSON(detail)) }
    /// 415: the body is not application/json.
    public static func unsupportedMediaType(_ got: String) -> ServiceError { .init(kind: .unsupportedMediaType(got)) }
    /// 400: the query string names parameters the route does not take (`accepted`, possibly none).
    public static func unknownQueryParameters(_ names: [String], accepted: [String]) -> ServiceError {
        .init(kind: .unknownQueryParameters(names: names, accepted: accepted))
    }
    /// 422: a field is invalid.
    public static func invalid(field: String, message: String, code: String = "invalid_spec") -> ServiceError {
        .init(kind: .invalid(field: field, message: message, code: code))
    }
    /// 422 from the core's spec validation, keeping its fine code (`out_of_range`, `unknown_field`, …).
    public static func spec(_ e: SpecError) -> ServiceError { .init(kind: .invalidSpec([e])) }
    /// 422 listing every problem of a spec; `prefix` ("items[17]") is put before each field path.
    public static func spec(_ e: SpecErrors, prefix: String = "") -> ServiceError {
        .init(kind: .invalidSpec(e.errors.map { error in
            var error = error
            if !prefix.isEmpty { error.field = error.field.isEmpty ? prefix : prefix + "." + error.field }
            return error
        }))
    }
    /// 422 for a batch with invalid items: their errors with item paths (`items[17].optimizer.lr`), how many
    /// of how many items are invalid.
    public static func invalidItems(_ errors: [HTTPErrorDetail], invalid: Int, total: Int) -> ServiceError {
        .init(kind: .invalidItems(errors: errors, invalid: invalid, total: total))
    }
    /// 404.
    public static func notFound(_ what: String) -> ServiceError { .init(kind: .notFound(what)) }
    /// 409.
    public static func conflict(_ why: String) -> ServiceError { .init(kind: .conflict(why)) }
    /// 429 with Retry-After.
    public static func queueFull(retryAfter: Int) -> ServiceError { .init(kind: .queueFull(retryAfter: retryAfter)) }
    /// 401.
    public static let unauthorized = ServiceError(kind: .unauthorized)
    /// 503.
    public static let shuttingDown = ServiceError(kind: .shuttingDown)
    /// 503 with Retry-After: 1: too many computations wait for the compute threads.
    public static let busy = ServiceError(kind: .busy)
    /// 413 for a request that is within the HTTP body limit but over a service limit.
    public static func tooLarge(_ why: String) -> ServiceError { .init(kind: .tooLarge(why)) }
    /// 406.
    public static func notAcceptable(_ why: String) -> ServiceError { .init(kind: .notAcceptable(why)) }
    /// 500 for a failure inside the service (store, database, a bug); `detail` is logged, never sent.
    public static func internalFailure(_ detail: String) -> ServiceError { .init(kind: .internalFailure(detail: detail)) }
    /// 500 for a store failure (its description is logged, not sent).
    public static func store(_ error: any Error) -> ServiceError { .internalFailure("store: \(error)") }

    public var status: Int {
        switch kind {
        case .badJSON, .unknownQueryParameters: return 400
        case .unsupportedMediaType: return 415
        case .invalid, .invalidSpec, .invalidItems: return 422
        case .notFound: return 404
        case .conflict: return 409
        case .queueFull: return 429
        case .unauthorized: return 401
        case .shuttingDown, .busy: return 503
        case .tooLarge: return 413
        case .notAcceptable: return 406
        case .internalFailure: return 500
        }
    }

    public var headers: HTTPHeaders {
        switch kind {
        case .queueFull(let s): return ["Retry-After": "\(s)"]
        case .unauthorized: return ["WWW-Authenticate": "Bearer"]
        case .shuttingDown: return ["Retry-After": "5"]
        case .busy: return ["Retry-After": "1"]
        default: return [:]
        }
    }

    /// Machine-readable code (for a spec, the first problem's).
    public var code: String {
        switch kind {
        case .badJSON: return "bad_json"
        case .unknownQueryParameters: return "unknown_query_parameter"
        case .unsupportedMediaType: return "unsupported_media_type"
        case .invalid(_, _, let code): return code
        case .invalidSpec(let errors): return errors.first?.code ?? "invalid_value"
        case .invalidItems(let errors, _, _): return errors.first?.code ?? "invalid_spec"
        case .notFound: return "not_found"
        case .conflict: return "conflict"
        case .queueFull: return "queue_full"
        case .unauthorized: return "unauthorized"
        case .shuttingDown: return "shutting_down"
        case .busy: return "busy"
        case .tooLarge: return "payload_too_large"
        case .notAcceptable: return "not_acceptable"
        case .internalFailure: return "internal"
        }
    }

    /// Human-readable message (for a spec, the first problem's).
    public var message: String {
        switch kind {
        case .badJSON(let d): return "request body is not valid JSON: \(d)"
        case .unknownQueryParameters(let names, let accepted):
            let listed = names.map { "'\($0)'" }.joined(separator: ", ")
            return "unknown query parameter\(names.count == 1 ? "" : "s") \(listed); "
                + (accepted.isEmpty ? "this route takes none" : "allowed: \(accepted.joined(separator: ", "))")
        case .unsupportedMediaType(let got): return "Content-Type must be application/json, got '\(got)'"
        case .invalid(_, let m, _): return m
        case .invalidSpec(let errors): return errors.first?.message ?? "is invalid"
        case .invalidItems(let errors, let invalid, let total):
            return "\(invalid) of \(total) items are invalid" + (errors.first.map { "; first: \($0.field ?? ""): \($0.message)" } ?? "")
        case .notFound(let w): return "\(w) not found"
        case .conflict(let w): return w
        case .queueFull: return "the experiment queue is full; retry later"
        case .unauthorized: return "a valid bearer token is required"
        case .shuttingDown: return "the server is shutting down"
        case .busy: return "too many computations are waiting; try again shortly"
        case .tooLarge(let w): return w
        case .notAcceptable(let w): return w
        case .internalFailure: return "internal server error"
        }
    }

    /// The offending field's JSON path, if any (for a spec, the first problem's).
    public var field: String? {
        switch kind {
        case .invalid(let f, _, _): return f.isEmpty ? nil : f
        case .unknownQueryParameters(let names, _): return names.first
        case .invalidSpec(let errors): return errors.first.flatMap { $0.field.isEmpty ? nil : $0.field }
        case .invalidItems(let errors, _, _): return errors.first?.field
        default: return nil
        }
    }

    /// Every problem of a spec, in order; empty for other errors.
    public var specErrors: [SpecError] {
        if case .invalidSpec(let errors) = kind { return errors }
        return []
    }

    /// What went wrong inside the service, for the log; nil for errors the client caused.
    public var internalDetail: String? {
        if case .internalFailure(let detail) = kind { return detail }
        return nil
    }

    public var description: String { "\(status) \(code): \(message)" }

    /// The body: one problem, or for a spec every problem listed under `errors`.
    public var errorBody: HTTPErrorBody {
        if case .invalidItems(let errors, let invalid, let total) = kind {
            var body = HTTPErrorBody(code: code, message: message, field: field)
            body.counts = [("invalid_items", invalid), ("total_items", total)]
            body.errors = errors
            return body
        }
        if case .invalidSpec(let errors) = kind {
            return HTTPErrorBody(listing: errors.map { HTTPErrorDetail(code: $0.code, message: $0.message, field: $0.field.isEmpty ? nil : $0.field) })
        }
        return HTTPErrorBody(code: code, message: message, field: field)
    }
}
