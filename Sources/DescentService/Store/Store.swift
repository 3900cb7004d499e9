import DescentCore
import Foundation

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
    /// These experiments by id, read in one query (a study's members); an id without an experiment is absent.
    func experiments(ids: [String]) throws -> [String: ExperimentRecord]
    /// A page of experiments.
    func experiments(_ query: ExperimentQuery) throws -> [ExperimentRecord]
    /// Replaces the mutable fields of an experiment (status, summary, error, times, steps done).
    func update(_ record: ExperimentRecord) throws
    /// Applies an annotation change to an experiment in one transaction (its `tags` column, the spec's tags and
    /// its note; nothing else); returns the changed record, or nil when there is no such experiment.
    func annotate(_ id: String, _ change: ExperimentAnnotation) throws -> ExperimentRecord?
    /// Deletes an experiment and its trajectory.
    func delete(_ id: String) throws
    /// Where an experiment's trajectory chunks are (step ranges, rows, summary levels), in order; no data is read.
    func chunkIndex(_ id: String) throws -> [ChunkInfo]
    /// The encoded rows (`TrajectoryCodec`) of the chunks numbered `indices`, in order.
    func chunkData(_ id: String, indices: ClosedRange<Int>) throws -> [[UInt8]]
    /// The encoded summaries (`TrajectorySummary`) at `level` of the chunks numbered `indices`, by chunk
    /// number; chunks without that level are absent.
    func summaryData(_ id: String, level: Int, indices: ClosedRange<Int>) throws -> [Int: [UInt8]]
    /// The encoded epoch, sharpness and layer-statistics records of an experiment's chunks (`TrajectoryCodec.encodeEpochs`), in
    /// chunk order; chunks without records are left out.
    func recordBlobs(_ id: String) throws -> [[UInt8]]

    /// Number of queued experiments.
    func queuedCount() throws -> Int
    /// Atomically takes up to `limit` of the oldest queued experiments, or running ones whose lease has
    /// expired, in one transaction, and marks them running under a new attempt owned by `owner` for
    /// `leaseSeconds`; drops any trajectory an earlier attempt left. Concurrent callers never get the same
    /// experiment. Oldest first; empty when there is nothing to run.
    func claim(owner: String, leaseSeconds: Double, limit: Int) throws -> [Claim]
    /// Atomically takes up to `limit` of the oldest queued experiments of study `studyID` (queued only: expired
    /// leases are left to `claim`), as `claim` does: marked running under a new attempt owned by `owner`.
    /// A worker that claimed one member takes more of the same study this way to run them in lockstep.
    func claim(owner: String, leaseSeconds: Double, limit: Int, study studyID: String) throws -> [Claim]
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
    /// A page of studies, newest first (ties by id, descending).
    func studies(_ query: StudyQuery) throws -> [StudyRecord]
    /// Ids of the search studies still searching, oldest first.
    func activeSearches() throws -> [String]
    /// A search study's trials numbered `first` and after, by number.
    func trials(_ studyID: String, from first: Int) throws -> [TrialRecord]
    /// Records a running trial's end (`complete` with its value, `pruned`, or `failed`) and its reports (when its
    /// study prunes); a trial already ended is left as it is (every instance computes the same value, so the first
    /// write wins).
    func endTrial(_ studyID: String, number: Int, state: TrialState, value: Double?, reports: [PruneReport]?) throws
    /// One step of a search, serialized per study (SQLite's one writer; PostgreSQL locks the study row), in one
    /// transaction: records `ends` (each as `endTrial` does: a trial already ended keeps its first end), reads the
    /// study's trials, passes them to `propose`, and inserts the trials and queued experiments it returns — so
    /// concurrent callers on any instance never propose the same trial twice, and a trial exists exactly when its
    /// experiments do. Returns the step inserted.
    ///
    /// Reads only the trials numbered `first` and after (the caller holds the ended ones before them: an ended trial
    /// never changes), and of those only the ones `held` does not describe: `held` maps the trial numbers the caller
    /// holds to their state as it holds them (after its `ends`), and a trial is passed to `propose` when its number
    /// is missing from `held` or its stored state differs. With `held` empty every trial from `first` on is passed.
    /// When the read finds no such trial and `planned` is given, the step is `planned` and `propose` is not called:
    /// the caller planned it from what it holds, and the store may prepare its rows before it takes its lock.
    /// With `claiming`, the store may insert the first of the step's experiments claimed for the caller's workers
    /// (`StepClaim`; SQLite does, for its one process; PostgreSQL queues them all for any instance's workers); the
    /// returned step's records say which (status running).
    func advanceSearch(_ studyID: String, ending ends: [TrialEnd], from first: Int, holding held: [Int: TrialState],
                       planned: SearchStep?, claiming: StepClaim?, _ propose: ([TrialRecord]) throws -> SearchStep) throws -> SearchStep
    /// The status, summary and run times of each of these experiments, read in one query (no spec is decoded); an
    /// id without an experiment (deleted) is absent.
    func experimentEnds(_ ids: [String]) throws -> [String: ExperimentEnd]
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
    /// A search study's trials, by number.
    func trials(_ studyID: String) throws -> [TrialRecord] { try trials(studyID, from: 0) }

    /// One step of a search over all its trials (see `advanceSearch(_:ending:from:holding:planned:claiming:_:)`).
    func advanceSearch(_ studyID: String, _ propose: ([TrialRecord]) throws -> SearchStep) throws -> SearchStep {
        try advanceSearch(studyID, ending: [], from: 0, holding: [:], planned: nil, claiming: nil, propose)
    }

    /// One step of a search over its trials numbered `first` and after (see `advanceSearch(_:ending:from:holding:planned:claiming:_:)`).
    func advanceSearch(_ studyID: String, from first: Int, _ propose: ([TrialRecord]) throws -> SearchStep) throws -> SearchStep {
        try advanceSearch(studyID, ending: [], from: first, holding: [:], planned: nil, claiming: nil, propose)
    }

    /// `advanceSearch(_:ending:from:holding:planned:claiming:_:)` with `propose` called whatever the read finds and
    /// every experiment queued.
    func advanceSearch(_ studyID: String, ending ends: [TrialEnd], from first: Int, holding held: [Int: TrialState],
                       _ propose: ([TrialRecord]) throws -> SearchStep) throws -> SearchStep {
        try advanceSearch(studyID, ending: ends, from: first, holding: held, planned: nil, claiming: nil, propose)
    }

    /// Every epoch record of an experiment's trajectory, in order.
    public func epochRecords(_ id: String) throws -> [EpochRecord] {
        try recordBlobs(id).flatMap { try TrajectoryCodec.decodeEpochs($0) }
    }

    /// Every layer-statistics record of an experiment's trajectory, in order.
    public func layerStatsRecords(_ id: String) throws -> [LayerStatsRecord] {
        try recordBlobs(id).flatMap { try TrajectoryCodec.decodeLayerStats($0) }
    }

    /// Every sharpness record of an experiment's trajectory, in order.
    public func sharpnessRecords(_ id: String) throws -> [SharpnessRecord] {
        try recordBlobs(id).flatMap { try TrajectoryCodec.decodeSharpness($0) }
    }

    /// The whole stored trajectory of an experiment (tests and tools; the API reads views).
    public func trajectory(_ id: String, dimension: Int) throws -> Trajectory {
        var t = Trajectory(dimension: dimension)
        let chunks = try chunkIndex(id)
        if let last = chunks.last?.index {
            for blob in try chunkData(id, indices: 0...last) { try TrajectoryCodec.decode(Data(blob), into: &t) }
        }
        let blobs = try recordBlobs(id)
        t.epochs = try blobs.flatMap { try TrajectoryCodec.decodeEpochs($0) }
        t.sharpness = try blobs.flatMap { try TrajectoryCodec.decodeSharpness($0) }
        t.layerStats = try blobs.flatMap { try TrajectoryCodec.decodeLayerStats($0) }
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

/// What a study needs of a run to tell whether it ended, to score it and to list it: its status, summary and run
/// times, without the spec.
public struct ExperimentEnd: Sendable {
    public var status: ExperimentStatus
    public var summary: RunSummary?
    public var startedAt: Date? = nil
    public var finishedAt: Date? = nil
}

/// What a trial's score and a configuration's aggregate read of a run: its status and summary (a record read whole,
/// or its end).
protocol RunStatusAndSummary {
    var status: ExperimentStatus { get }
    var summary: RunSummary? { get }
}

extension ExperimentRecord: RunStatusAndSummary {}

extension ExperimentEnd: RunStatusAndSummary {
    /// The end of a record read whole.
    init(_ r: ExperimentRecord) {
        self.init(status: r.status, summary: r.summary, startedAt: r.startedAt, finishedAt: r.finishedAt)
    }
}
