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
    /// The spec's API encoding, when the record was read from the store (a cache; see `EncodedJSON`).
    public var specJSON: EncodedJSON<ExperimentSpec>? = nil
    /// The summary's API encoding, when the record was read from the store (a cache; see `EncodedJSON`).
    public var summaryJSON: EncodedJSON<RunSummary>? = nil
}

extension ExperimentRecord {
    /// A new queued experiment, as submitted.
    public init(queued id: String, spec: ExperimentSpec, createdAt: Date = Date(), idempotencyKey: String? = nil,
                bodyHash: String? = nil, studyID: String? = nil) {
        self.init(id: id, sequence: 0, status: .queued, spec: spec, createdAt: createdAt, stepsDone: 0,
                  idempotencyKey: idempotencyKey, bodyHash: bodyHash, studyID: studyID)
    }
}

/// A worker's hold on one run of an experiment. The attempt number is a fencing token: only the holder of
/// the current attempt may write the trajectory or the result, so a run taken over from a dead (or merely
/// stalled) instance is finished exactly once.
public struct Lease: Sendable, Hashable {
    /// The experiment.
    public var id: String
    /// The run this lease is for.
    public var attempt: Int
    /// A lease on run `attempt` of experiment `id`.
    public init(id: String, attempt: Int) { self.id = id; self.attempt = attempt }
}

/// What renewing a lease found.
public enum LeaseState: Sendable, Equatable {
    /// Still ours; keep going.
    case held
    /// Still ours, but someone asked to cancel it.
    case cancelRequested
    /// No longer ours (taken over, deleted or finished): stop without writing anything.
    case lost
}

/// A job handed to a worker: the experiment, now running under `lease`.
public struct Claim: Sendable {
    /// The experiment (status running, attempt = lease.attempt).
    public var record: ExperimentRecord
    /// The worker's lease.
    public var lease: Lease
    /// Cancellation was asked for before this run started (a run taken over after a cancel request).
    public var cancelRequested: Bool
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

/// Persistence of experiments, trajectories and studies, and the job queue: queued experiments wait in
/// the experiment table and workers claim them with a lease. SQLite (one process) is the default backend,
/// PostgreSQL (many instances on one database) the other; both pass the same contract tests.
public protocol Store: Sendable {
    /// Inserts new experiments in one transaction, all or none. With a `queueCapacity`, the count of queued
    /// experiments is checked inside that transaction, so concurrent submissions never overshoot it.
    /// Throws `StoreError.queueFull` when the queued ones would not all fit, and
    /// `StoreError.duplicateIdempotencyKey` when one's idempotency key is taken; nothing is inserted then.
    func insert(_ records: [ExperimentRecord], queueCapacity: Int?) throws
    /// Inserts several submissions in one transaction, each all or none (as `insert(_:queueCapacity:)`, in
    /// order, each admitted against what the earlier ones left): one result per group, a `StoreError` for a
    /// group that did not fit or reused a key. Throws only when the transaction itself fails.
    func insert(groups: [[ExperimentRecord]], queueCapacity: Int?) throws -> [Result<Void, StoreError>]
    /// The experiment with `id`.
    func experiment(_ id: String) throws -> ExperimentRecord?
    /// The experiment submitted with this idempotency key.
    func experiment(idempotencyKey: String) throws -> ExperimentRecord?
    /// A page of experiments.
    func experiments(_ query: ExperimentQuery) throws -> [ExperimentRecord]
    /// Replaces the mutable fields of an experiment (status, summary, error, times, steps done).
    func update(_ record: ExperimentRecord) throws
    /// Deletes an experiment and its trajectory.
    func delete(_ id: String) throws
    /// Where an experiment's trajectory chunks are (step ranges, rows, summary levels), in order; no data is read.
    func chunkIndex(_ id: String) throws -> [ChunkInfo]
    /// The encoded rows (`TrajectoryCodec`) of the chunks numbered `indices`, in order.
    func chunkData(_ id: String, indices: ClosedRange<Int>) throws -> [[UInt8]]
    /// The encoded summaries (`TrajectorySummary`) at `level` of the chunks numbered `indices`, by chunk
    /// number; chunks without that level are absent.
    func summaryData(_ id: String, level: Int, indices: ClosedRange<Int>) throws -> [Int: [UInt8]]
    /// Every epoch record of an experiment's trajectory, in order.
    func epochRecords(_ id: String) throws -> [EpochRecord]

    /// Number of queued experiments.
    func queuedCount() throws -> Int
    /// Atomically takes up to `limit` of the oldest queued experiments, or running ones whose lease has
    /// expired, in one transaction, and marks them running under a new attempt owned by `owner` for
    /// `leaseSeconds`; drops any trajectory an earlier attempt left. Concurrent callers never get the same
    /// experiment. Oldest first; empty when there is nothing to run.
    func claim(owner: String, leaseSeconds: Double, limit: Int) throws -> [Claim]
    /// Extends the leases `owner` still holds; reports each one as held, cancel-requested or lost.
    func renew(_ leases: [Lease], owner: String, leaseSeconds: Double) throws -> [Lease: LeaseState]
    /// Writes chunks and results of many leased runs in one transaction (group commit), each fenced by its
    /// lease: the writes of a lease no longer held write nothing, the others are written. A run's writes are
    /// applied in the order given, and a `.result` extends nothing: it ends the lease. Returns, for each write,
    /// whether its lease was held. `leaseSeconds` extends the leases of runs that wrote chunks.
    func commit(_ writes: [QueueWrite], leaseSeconds: Double) throws -> [Bool]
    /// Records the final status of a leased run and ends the lease; nil, with nothing written, when the
    /// lease is no longer held. Returns the final record.
    func complete(_ lease: Lease, status: ExperimentStatus, summary: RunSummary?, error: (code: String, message: String)?, stepsDone: Int) throws -> ExperimentRecord?
    /// Puts a leased run back in the queue and drops its trajectory (shutdown); false if the lease was lost.
    func release(_ lease: Lease) throws -> Bool
    /// Cancels a queued experiment atomically; nil when it was not queued (running, final or absent).
    func cancelQueued(_ id: String) throws -> ExperimentRecord?
    /// Marks a running experiment for cancellation, seen by its worker at the next renewal; false if it
    /// is not running.
    func requestCancel(_ id: String) throws -> Bool
    /// Puts every running experiment back in the queue: recovery at start when this process is the
    /// store's only user (SQLite). Returns how many.
    func requeueRunning() throws -> Int
    /// Inserts a study.
    func insertStudy(_ study: StudyRecord) throws
    /// The study with `id`.
    func study(_ id: String) throws -> StudyRecord?
    /// Whether the database accepts writes.
    func isWritable() -> Bool
    /// Flushes and closes the store; later calls fail.
    func close() throws
}

/// Where one stored chunk of a trajectory is.
public struct ChunkInfo: Sendable, Equatable {
    /// Position in the run, from 0.
    public var index: Int
    /// Rows in the chunk.
    public var rows: Int
    /// Step of its first row (−1 when it holds only epoch records).
    public var firstStep: Int
    /// Step of its last row (−1 when it holds only epoch records).
    public var lastStep: Int
    /// Parameters per row of the run.
    public var dimension: Int
    /// Summary levels stored for it (0 for short chunks).
    public var levels: Int
}

extension Store {
    /// The whole stored trajectory of an experiment (tests and tools; the API reads views).
    public func trajectory(_ id: String, dimension: Int) throws -> Trajectory {
        var t = Trajectory(dimension: dimension)
        let chunks = try chunkIndex(id)
        if let last = chunks.last?.index {
            for blob in try chunkData(id, indices: 0...last) { try TrajectoryCodec.decode(Data(blob), into: &t) }
        }
        t.epochs = try epochRecords(id)
        return t
    }

    /// Inserts one experiment without a capacity check.
    public func insert(_ record: ExperimentRecord) throws {
        try insert([record], queueCapacity: nil)
    }

    /// Takes the oldest claimable experiment (see `claim(owner:leaseSeconds:limit:)`); nil when none.
    public func claim(owner: String, leaseSeconds: Double) throws -> Claim? {
        try claim(owner: owner, leaseSeconds: leaseSeconds, limit: 1).first
    }

    /// Appends one stored chunk and updates steps done in one transaction, extending the lease; false,
    /// with nothing written, when the lease is no longer held.
    public func appendChunk(_ lease: Lease, chunk: StoredChunk, stepsDone: Int, leaseSeconds: Double) throws -> Bool {
        try commit([.chunk(lease, chunk, stepsDone: stepsDone)], leaseSeconds: leaseSeconds).first ?? false
    }

    /// Appends `chunk` encoded as one stored chunk numbered `index` (tests and tools; runs use a `TrajectoryEncoder`).
    public func appendChunk(_ lease: Lease, index: Int, chunk: Trajectory, stepsDone: Int, leaseSeconds: Double) throws -> Bool {
        try appendChunk(lease, chunk: StoredChunk(index: index, records: chunk), stepsDone: stepsDone, leaseSeconds: leaseSeconds)
    }
}
