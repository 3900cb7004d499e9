import DescentCore
import DescentHTTP
import Foundation

/// `POST /v1/experiments/batch`: many experiments in one request, `{"items": [spec, …]}`.
///
/// All or nothing: every item is checked first (errors name the item, `items[17].optimizer.lr`, and every
/// invalid item is reported up to `maxReportedErrors`); then all are stored in one transaction, admitted
/// against the queue capacity as a whole (429 when they do not all fit). With an `Idempotency-Key`, a
/// repeat of the same body answers 200 with the same experiments, a different body 409; item `i` is
/// stored under the key `<key>/items[i]`.
struct BatchSubmission: Sendable {
    let experiments: ExperimentHandlers
    /// Most specs one batch may hold (413 past it).
    static let maxItems = 1000
    /// Most item errors one 422 response lists.
    static let maxReportedErrors = 100

    func create(_ request: HTTPRequest) async throws -> HTTPResponse {
        let body = try RequestDecoding.json(request)
        let members = try RequestDecoding.object(body)
        for key in members.keys where key != "items" {
            throw ServiceError.invalid(field: key, message: "unknown key; allowed: items", code: "invalid_request")
        }
        guard case .array(let items)? = members["items"] else {
            throw ServiceError.invalid(field: "items", message: "must be an array of experiment specs", code: "invalid_request")
        }
        guard !items.isEmpty else { throw ServiceError.invalid(field: "items", message: "must not be empty", code: "invalid_request") }
        guard items.count <= Self.maxItems else {
            throw ServiceError.tooLarge("a batch holds at most \(Self.maxItems) experiments; this one has \(items.count)")
        }
        let key = request.headers["Idempotency-Key"].flatMap { $0.isEmpty ? nil : $0 }
        let hash = key.map { _ in RequestDecoding.hash(body) }  // only a keyed batch is compared later
        if let key, let hash, let replay = try replay(key: key, hash: hash, count: items.count) { return replay }

        var specs: [ExperimentSpec] = []
        var errors: [HTTPErrorDetail] = []
        var invalid = 0
        for (i, item) in items.enumerated() {
            do {
                specs.append(try experiments.check(item, prefix: "items[\(i)]"))
            } catch {
                invalid += 1
                let found = error.specErrors.isEmpty
                    ? [HTTPErrorDetail(code: error.code, message: error.message, field: error.field ?? "items[\(i)]")]
                    : error.specErrors.map { HTTPErrorDetail(code: $0.code, message: $0.message, field: $0.field) }
                errors += found.prefix(Self.maxReportedErrors - errors.count)
            }
        }
        guard errors.isEmpty else { throw ServiceError.invalidItems(errors, invalid: invalid, total: items.count) }

        let records = specs.enumerated().map { i, spec in
            ExperimentRecord(queued: RequestDecoding.newID("exp"), spec: spec, idempotencyKey: key.map { Self.itemKey($0, i) }, bodyHash: hash)
        }
        do {
            try experiments.submit(records)
        } catch let e as StoreError where e.isDuplicateIdempotencyKey {
            // A concurrent request with the same key won the insert: answer as its replay (or 409).
            if let key, let hash, let replay = try replay(key: key, hash: hash, count: items.count) { return replay }
            throw ServiceError.conflict("Idempotency-Key '\(key ?? "")' is taken by an experiment outside this batch")
        }
        var response = try respond(records, status: 202)
        response.headers["Location"] = "/v1/experiments?sort=created_at"
        return response
    }

    /// The idempotency key item `index` of a batch submitted with `key` is stored under.
    static func itemKey(_ key: String, _ index: Int) -> String { "\(key)/items[\(index)]" }

    /// The earlier answer to a batch sent with `key`: 200 with its experiments when the body is the same,
    /// 409 when it differs; nil when no batch used the key yet.
    private func replay(key: String, hash: String, count: Int) throws -> HTTPResponse? {
        do {
            guard let first = try experiments.store.experiment(idempotencyKey: Self.itemKey(key, 0)) else { return nil }
            guard first.bodyHash == hash else { throw ServiceError.conflict("Idempotency-Key '\(key)' was used with a different body") }
            var records = [first]
            for i in 1..<max(1, count) {
                guard let r = try experiments.store.experiment(idempotencyKey: Self.itemKey(key, i)), r.bodyHash == hash else {
                    throw ServiceError.conflict("Idempotency-Key '\(key)' was used with a different body")
                }
                records.append(r)
            }
            return try respond(records, status: 200)
        }
    }

    /// `{"items":[{"id":…,"status":…},…]}`, written by hand (JSONEncoder took ≈ 5 µs per item).
    private func respond(_ records: [ExperimentRecord], status: Int) throws -> HTTPResponse {
        var w = JSONWriter(capacity: 16 + 48 * records.count)
        w.raw("{\"items\":[")
        for (i, r) in records.enumerated() {
            if i > 0 { w.raw(",") }
            w.raw("{"); w.key("id"); w.string(r.id)
            w.raw(","); w.key("status"); w.string(r.status.rawValue); w.raw("}")
        }
        w.raw("]}")
        return .json(w.bytes, status: status)
    }
}
