import DescentCore
import DescentHTTP
import Logging

extension ServiceError {
    /// The one mapping from whatever a handler throws to the API's error.
    ///
    /// - `ServiceError`: itself.
    /// - `SpecErrors` / `SpecError` from the core: 422 with every problem and its fine code
    ///   (`out_of_range`, `unknown_field`, …); `invalid_json` from the JSON parser: 400 `bad_json`.
    /// - `SearchError` (a study's search, objective): 422 `invalid_study` naming the field.
    /// - `StoreError`: a full queue is 429, a taken idempotency key 409.
    /// - `BlockingPoolBusy` (the compute threads' queue is full): 503 `busy` with Retry-After.
    /// - Anything else — store errors (GRDB, libpq), a corrupt stored row, a bug: 500 `internal`; its
    ///   description goes to the log only (`internalDetail`), never to the client.
    static func mapping(_ error: any Error) -> ServiceError {
        switch error {
        case let e as ServiceError: return e
        case let e as SpecErrors: return .spec(e)
        case let e as SpecError where e.code == "invalid_json": return .badJSON(e.message)
        case let e as SpecError: return .spec(e)
        case let e as SearchError: return .invalid(field: e.field, message: e.message, code: "invalid_study")
        case let e as StoreError where e.isQueueFull: return .queueFull(retryAfter: 2)
        case let e as StoreError where e.isDuplicateIdempotencyKey: return .conflict("the Idempotency-Key is already taken")
        case is BlockingPoolBusy: return .busy
        default: return .internalFailure("\(type(of: error)): \(error)")
        }
    }

    /// The response for `error`, logging the details of a 5xx with the request id and route.
    static func response(for error: any Error, request: HTTPRequest, logger: Logger) -> HTTPResponse {
        let mapped = mapping(error)
        if mapped.status >= 500 {
            logger.error("request failed", metadata: [
                "request_id": "\(request.requestID)", "method": "\(request.method.rawValue)", "path": "\(request.path)",
                "status": "\(mapped.status)", "error": "\(mapped.internalDetail ?? mapped.message)",
            ])
        }
        return ErrorResponse.from(mapped)
    }
}
