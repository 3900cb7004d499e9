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
}

/// A stored study: a named set of experiments with labels.
public struct StudyRecord: Sendable, Equatable {
    /// Identifier, e.g. "std_…".
    public var id: String
    /// Name given by the user.
    public var name: String
    /// Creation time.
    public var createdAt: Date
    /// Experiment ids in order.
    public var experimentIDs: [String]
    /// One label per experiment ("optimizer.type=adam, batch_size=1").
    public var labels: [String]
    /// Loss target for "steps to target", if given.
    public var lossTarget: Double?
}

/// Filters and paging for listing experiments.
public struct ExperimentQuery: Sendable {
    /// Only this status.
    public var status: ExperimentStatus?
    /// Only experiments carrying this tag.
    public var tag: String?
    /// Only this objective type.
    public var objective: String?
    /// Only this optimizer type.
    public var optimizer: String?
    /// Newest first when true (default).
    public var descending = true
    /// Page size.
    public var limit = 50
    /// Continue after this sequence number.
    public var after: Int64?
    /// Default query: newest first, 50 per page.
    public init() {}
}

/// Persistence of experiments, trajectories and studies. SQLite is the default backend; every
/// backend must pass the same contract tests.
public protocol Store: Sendable {
    /// Inserts a new experiment.
    func insert(_ record: ExperimentRecord) throws
    /// The experiment with `id`.
    func experiment(_ id: String) throws -> ExperimentRecord?
    /// The experiment submitted with this idempotency key.
    func experiment(idempotencyKey: String) throws -> ExperimentRecord?
    /// A page of experiments.
    func experiments(_ query: ExperimentQuery) throws -> [ExperimentRecord]
    /// Replaces the mutable fields of an experiment.
    func update(_ record: ExperimentRecord) throws
    /// Deletes an experiment and its trajectory.
    func delete(_ id: String) throws
    /// Appends one trajectory chunk and updates steps done, in one transaction.
    func appendChunk(_ id: String, index: Int, chunk: Trajectory, stepsDone: Int) throws
    /// The whole stored trajectory of an experiment.
    func trajectory(_ id: String, dimension: Int) throws -> Trajectory
    /// Deletes the trajectory chunks (before a re-run).
    func deleteTrajectory(_ id: String) throws
    /// Experiments that are queued or running, oldest first (for recovery).
    func unfinished() throws -> [ExperimentRecord]
    /// Inserts a study.
    func insertStudy(_ study: StudyRecord) throws
    /// The study with `id`.
    func study(_ id: String) throws -> StudyRecord?
    /// Whether the database accepts writes.
    func isWritable() -> Bool
    /// Flushes and closes the store; later calls fail.
    func close() throws
}
