import DescentCore
import Foundation

/// Status of an experiment; the last four are final.
public enum ExperimentStatus: String, Codable, Sendable, CaseIterable {
    case queued, running, succeeded, failed, diverged, cancelled
    /// Stopped early by its study's pruner (`PruneRule`); its trajectory up to there and its summary are kept.
    case pruned

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
    /// A free-text note set with `PATCH /v1/experiments/{id}`.
    public var note: String? = nil
    /// The pruning rule its study's pruner gave it when it was proposed (nil: none).
    public var pruneRule: PruneRule? = nil
}

/// A change to an experiment's annotations (`PATCH /v1/experiments/{id}`): what is nil stays as it is.
public struct ExperimentAnnotation: Sendable, Equatable {
    /// New tags (replacing the spec's tags), or nil to keep them.
    public var tags: [String]?
    /// `.some(text)` sets the note, `.some(nil)` removes it, nil keeps it.
    public var note: String??

    /// Most tags an experiment may carry after a change.
    public static let maxTags = 64
    /// Longest tag, characters.
    public static let maxTagLength = 200
    /// Longest note, characters.
    public static let maxNoteLength = 10_000

    /// An annotation change.
    public init(tags: [String]? = nil, note: String?? = nil) { self.tags = tags; self.note = note }

    /// `record` with the change applied (tags go into its spec, which keeps every other field).
    public func applied(to record: ExperimentRecord) -> ExperimentRecord {
        var r = record
        if let tags {
            r.spec.tags = tags
            r.specJSON = EncodedJSON(value: r.spec, bytes: SpecJSON.encode(r.spec))
        }
        if let note { r.note = note }
        return r
    }
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
    /// Only experiments meeting every one of these.
    public var conditions: [ExperimentCondition] = []
    /// Order by this field (then by sequence number) instead of by sequence number alone.
    public var sort: ExperimentSort?
    /// Newest (or, with `sort`, largest value) first when true (default).
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
