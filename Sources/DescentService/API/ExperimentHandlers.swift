import DescentCore
import DescentHTTP
import Foundation

/// Handlers for /v1/experiments.
struct ExperimentHandlers: Sendable {
    let runner: ExperimentRunner
    var store: any Store { runner.store }

    /// Checks a spec value fully (shape, ranges, buildability); `prefix` is prepended to field paths.
    func check(_ value: SpecValue, prefix: String = "") throws(ServiceError) -> ExperimentSpec {
        do {
            let spec = try ExperimentSpec(checking: value)
            _ = try spec.validated(limits: runner.limits)
            return spec
        } catch {
            let field = prefix.isEmpty ? error.field : (error.field.isEmpty ? prefix : prefix + "." + error.field)
            throw .invalid(field: field, message: error.message, code: "invalid_spec")
        }
    }

    /// Stores and queues one checked spec.
    func submit(_ spec: ExperimentSpec, idempotencyKey: String? = nil, bodyHash: String? = nil, studyID: String? = nil) throws -> ExperimentRecord {
        let record = ExperimentRecord(queued: RequestDecoding.newID("exp"), spec: spec, idempotencyKey: idempotencyKey,
                                      bodyHash: bodyHash, studyID: studyID)
        try submit([record])
        return record
    }

    /// Stores and queues new records in one transaction, all or none, admitted against the queue capacity:
    /// 429 when they do not all fit; a taken idempotency key is rethrown as the store's `StoreError`.
    func submit(_ records: [ExperimentRecord], retryAfter: Int = 2) throws {
        guard runner.isRunning else { throw ServiceError.shuttingDown }
        do {
            try runner.enqueue(records)
        } catch let e as StoreError where e.isQueueFull {
            throw ServiceError.queueFull(retryAfter: retryAfter)
        } catch let e as StoreError {
            throw e
        } catch {
            throw ServiceError.store(error)
        }
    }

    func create(_ request: HTTPRequest) async throws -> HTTPResponse {
        let value = try RequestDecoding.json(request)
        let key = request.headers["Idempotency-Key"].flatMap { $0.isEmpty ? nil : $0 }
        let hash = key.map { _ in RequestDecoding.hash(value) }  // only a keyed submission is compared later
        if let key, let existing = try lookup(key: key) {
            guard existing.bodyHash == hash else {
                throw ServiceError.conflict("Idempotency-Key '\(key)' was used with a different body")
            }
            return try respond(existing, status: 200)
        }
        let spec = try check(value)
        do {
            return try respond(try submit(spec, idempotencyKey: key, bodyHash: hash), status: 202)
        } catch let e as StoreError where e.isDuplicateIdempotencyKey {
            // A concurrent request with the same key won the insert: answer as a replay.
            guard let key, let existing = try lookup(key: key), existing.bodyHash == hash else {
                throw ServiceError.conflict("Idempotency-Key '\(key ?? "")' was used with a different body")
            }
            return try respond(existing, status: 200)
        }
    }

    private func lookup(key: String) throws -> ExperimentRecord? {
        do { return try store.experiment(idempotencyKey: key) } catch { throw ServiceError.store(error) }
    }

    func respond(_ record: ExperimentRecord, status: Int) throws -> HTTPResponse {
        var response = HTTPResponse.json(try JSONCoding.encode(ExperimentDTO(record)), status: status)
        if status == 202 { response.headers["Location"] = "/v1/experiments/\(record.id)" }
        return response
    }

    func get(_ request: HTTPRequest) async throws -> HTTPResponse {
        try respond(try load(request), status: 200)
    }

    func load(_ request: HTTPRequest) throws -> ExperimentRecord {
        let id = request.pathParameters["id"] ?? ""
        let record: ExperimentRecord?
        do { record = try store.experiment(id) } catch { throw ServiceError.store(error) }
        guard let record else { throw ServiceError.notFound("experiment '\(id)'") }
        return record
    }

    func list(_ request: HTTPRequest) async throws -> HTTPResponse {
        var q = ExperimentQuery()
        if let s = request.query["status"] {
            guard let status = ExperimentStatus(rawValue: s) else {
                throw ServiceError.invalid(field: "status", message: "must be one of \(ExperimentStatus.allCases.map(\.rawValue).joined(separator: ", "))", code: "invalid_query")
            }
            q.status = status
        }
        q.tag = request.query["tag"]
        q.objective = request.query["objective"]
        q.optimizer = request.query["optimizer"]
        switch request.query["sort"] ?? "-created_at" {
        case "created_at": q.descending = false
        case "-created_at": q.descending = true
        default: throw ServiceError.invalid(field: "sort", message: "must be created_at or -created_at", code: "invalid_query")
        }
        q.limit = try RequestDecoding.int(request, "limit", default: 50, range: 1...500) ?? 50
        if let cursor = request.query["cursor"] {
            guard let after = Int64(cursor, radix: 36), after >= 0 else {
                throw ServiceError.invalid(field: "cursor", message: "is not a cursor returned by this API", code: "invalid_query")
            }
            q.after = after
        }
        let records: [ExperimentRecord]
        do { records = try store.experiments(q) } catch { throw ServiceError.store(error) }
        struct Page: Encodable {
            var items: [ExperimentDTO]
            var nextCursor: String?
            enum CodingKeys: CodingKey { case items, nextCursor }
            // next_cursor is written as null on the last page rather than left out.
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(items, forKey: .items)
                try c.encode(nextCursor, forKey: .nextCursor)
            }
        }
        let next = records.count == q.limit ? records.last.map { String($0.sequence, radix: 36) } : nil
        return .json(try JSONCoding.encode(Page(items: records.map(ExperimentDTO.init), nextCursor: next)))
    }

    func cancel(_ request: HTTPRequest) async throws -> HTTPResponse {
        let id = try load(request).id
        guard let record = try runner.cancel(id) else { throw ServiceError.notFound("experiment '\(id)'") }
        return try respond(record, status: 200)
    }

    func delete(_ request: HTTPRequest) async throws -> HTTPResponse {
        let id = request.pathParameters["id"] ?? ""
        guard try runner.delete(id) else { throw ServiceError.notFound("experiment '\(id)'") }
        return HTTPResponse(status: 204)
    }
}
