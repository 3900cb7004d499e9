import DescentCore
import DescentHTTP
import Foundation

/// Handlers for /v1/experiments.
struct ExperimentHandlers: Sendable {
    let runner: ExperimentRunner
    var store: any Store { runner.store }

    /// Checks a spec value fully (shape, ranges, limits, buildability), reporting every problem found;
    /// `prefix` ("items[17]") is prepended to the field paths.
    func check(_ value: SpecValue, prefix: String = "") throws(ServiceError) -> ExperimentSpec {
        do { return try ExperimentSpec.check(value, limits: runner.limits) } catch { throw .spec(error, prefix: prefix) }
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
        try store.experiment(idempotencyKey: key)
    }

    func respond(_ record: ExperimentRecord, status: Int) throws -> HTTPResponse {
        var response = HTTPResponse.json(try ExperimentJSON.encode(record), status: status)
        if status == 202 { response.headers["Location"] = "/v1/experiments/\(record.id)" }
        return response
    }

    func get(_ request: HTTPRequest) async throws -> HTTPResponse {
        try respond(try load(request), status: 200)
    }

    func load(_ request: HTTPRequest) throws -> ExperimentRecord {
        let id = request.pathParameters["id"] ?? ""
        guard let record = try store.experiment(id) else { throw ServiceError.notFound("experiment '\(id)'") }
        return record
    }

    func list(_ request: HTTPRequest) async throws -> HTTPResponse {
        let q = try ExperimentListQuery.parse(request)
        let records = try store.experiments(q)
        let next = records.count == q.limit ? records.last.map { last in
            ExperimentListQuery.cursor(after: last, sortValue: q.sort.map { $0.field.number(in: last) })
        } : nil
        return .json(try ExperimentJSON.page(records, nextCursor: next))
    }

    /// Replaces an experiment's tags and/or note (any status; the run itself is unaffected).
    func annotate(_ request: HTTPRequest) async throws -> HTTPResponse {
        let change = try AnnotationDecoding.decode(try RequestDecoding.json(request))
        let id = request.pathParameters["id"] ?? ""
        guard let record = try store.annotate(id, change) else { throw ServiceError.notFound("experiment '\(id)'") }
        return try respond(record, status: 200)
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
