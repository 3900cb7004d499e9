import DescentCore
import Foundation

/// Status of an experiment; the last four are final.
public enum ExperimentStatus: String, Codable, Sendable, CaseIterable {
    case queued, running, succeeded, failed, diverged, cancelled

    /// Whether the experiment will not change any more.
    public var isFinal: Bool { self != .queued && self != .running }
}

/// One stored experiment (everything but its trajectory).
public struct ExperimentRecord: Sendable, Equatable {
    /// Identifier, e.g. "exp_0f3a…".
    public var id: String
    /// Insertion order, used for cursor pagination.
    public var sequence: Int64
    /// Current status.
    public var status: ExperimentStatus
    /// The spec exactly as validated (canonical JSON).
    public var spec: ExperimentSpec
    /// Final summary, once finished.
    public var summary: RunSummary?
    /// Error code and message when the run failed.
    public var errorCode: String?
    /// Error message when the run failed.
    public var errorMessage: String?
    /// Creation time.
    public var createdAt: Date
    /// When a worker started it.
    public var startedAt: Date?
    /// When it reached a final status.
    public var finishedAt: Date?
    /// Steps done so far.
    public var stepsDone: Int
    /// Idempotency key given at submission, if any.
    public var idempotencyKey: String?
    /// Hash of the submitted body (for idempotency conflicts).
    public var bodyHash: String?
    /// The study it belongs to, if any.
    public var studyID: String?
    /// Runs started so far (1 normally; more when a run was taken over after its instance stopped or died).
    public var attempt: Int = 0
    /// The spec's API encoding, when the record was read from the store or made by `init(queued:…)`, which
    /// encodes it once for the stored text and the response (a cache; see `EncodedJSON`).
    public var specJSON: EncodedJSON<ExperimentSpec>? = nil
    /// The summary's API encoding, when the record was read from the store (a cache; see `EncodedJSON`).
    public var summaryJSON: EncodedJSON<RunSummary>? = nil
}

extension ExperimentRecord {
    /// A new queued experiment, as submitted.
    public init(queued id: String, spec: ExperimentSpec, createdAt: Date = Date(), idempotencyKey: String? = nil,
                bodyHash: String? = nil, studyID: String? = nil) {
        self.init(id: id, sequence: 0, status: .queued, spec: spec, createdAt: createdAt, stepsDone: 0,
                  idempotencyKey: idempotencyKey, bodyHash: bodyHash, studyID: studyID,
                  specJSON: EncodedJSON(value: spec, bytes: SpecJSON.encode(spec)))
    }
}

/// Filters and paging for listing experiments.
public struct ExperimentQuery: Sendable {
    /// Only this status.
    public var status: ExperimentStatus?
    /// Only experiments carrying this tag, ASCII letters compared without case ("Lecture" finds "lecture").
    public var tag: String?
    /// Only this objective type, ASCII letters compared without case.
    public var objective: String?
    /// Only this optimizer type, ASCII letters compared without case.
    public var optimizer: String?
    /// Newest first when true (default).
    public var descending = true
    /// Page size.
    public var limit = 50
    /// Continue after this sequence number.
    public var after: Int64?
    /// `text` with ASCII capitals made small: how filters compare (SQLite's `lower`, and the same `translate` in
    /// PostgreSQL, whose `lower` would also fold other letters).
    public static func folded(_ text: String) -> String {
        String(decoding: text.utf8.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
    }

    /// Default query: newest first, 50 per page.
    public init() {}
}
