import Foundation

extension Client {
    /// One experiment of a batch as `POST /v1/experiments/batch` answers: its id and status.
    public struct BatchItem: Sendable, Equatable, Codable {
        /// Server-assigned identifier.
        public var id: String
        /// Lifecycle state when the answer was made.
        public var status: ExperimentStatus
        /// An item with these values.
        public init(id: String, status: ExperimentStatus) { self.id = id; self.status = status }
    }

    /// Most specs the server takes in one batch.
    public static let maxBatchItems = 1000

    /// Submits up to `maxBatchItems` specs (each a JSON object) in one request, all or none
    /// (`POST /v1/experiments/batch`); returns the created experiments in order. With an idempotency key,
    /// a repeat of the same specs returns the same experiments.
    public func submitBatch(json specs: [Data], idempotencyKey: String? = nil) async throws(ClientError) -> [BatchItem] {
        var body = Data(#"{"items":["#.utf8)
        for (i, spec) in specs.enumerated() {
            if i > 0 { body.append(UInt8(ascii: ",")) }
            body.append(spec)
        }
        body.append(contentsOf: Array("]}".utf8))
        struct Items: Decodable { var items: [BatchItem] }
        let headers = idempotencyKey.map { ["Idempotency-Key: \($0)"] } ?? []
        return try await call(Items.self, "POST", "/v1/experiments/batch", body: body, headers: headers).items
    }

    /// Submits encodable specs in one batch (see `submitBatch(json:idempotencyKey:)`).
    public func submitBatch(_ specs: [some Encodable], idempotencyKey: String? = nil) async throws(ClientError) -> [BatchItem] {
        var encoded: [Data] = []
        for spec in specs { encoded.append(try Self.encode(spec)) }
        return try await submitBatch(json: encoded, idempotencyKey: idempotencyKey)
    }
}
