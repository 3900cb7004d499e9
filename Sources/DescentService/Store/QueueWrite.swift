import DescentCore

/// One write a worker hands to the store under its lease: a trajectory chunk, or the run's result.
/// `Store.commit` writes many of them, from many experiments, in one transaction.
public enum QueueWrite: Sendable {
    /// A stored chunk of the run and the steps done once it is written.
    case chunk(Lease, StoredChunk, stepsDone: Int)
    /// The run's final status; ends the lease.
    case result(Lease, RunOutcome)

    /// The lease the write is fenced by.
    public var lease: Lease {
        switch self {
        case .chunk(let lease, _, _), .result(let lease, _): return lease
        }
    }

    /// Bytes of trajectory data carried (what the writer's queue bound counts).
    public var payloadBytes: Int {
        switch self {
        case .chunk(_, let c, _): return c.data.count + (c.epochs?.count ?? 0) + c.summaries.reduce(0) { $0 + $1.count }
        case .result: return 0
        }
    }
}

/// How a leased run ended: what `Store.complete` and a `.result` write record.
public struct RunOutcome: Sendable, Equatable {
    /// Final status (succeeded, failed, diverged or cancelled).
    public var status: ExperimentStatus
    /// The run's summary; nil when it failed before running.
    public var summary: RunSummary?
    /// Error code when it failed.
    public var errorCode: String?
    /// Error message when it failed.
    public var errorMessage: String?
    /// Steps done.
    public var stepsDone: Int

    /// An outcome; `error` is given for failed runs.
    public init(status: ExperimentStatus, summary: RunSummary?, error: (code: String, message: String)? = nil, stepsDone: Int) {
        self.status = status
        self.summary = summary
        self.errorCode = error?.code
        self.errorMessage = error?.message
        self.stepsDone = stepsDone
    }
}

extension [QueueWrite] {
    /// The writes grouped by lease, leases in order of first appearance, each with the positions of its
    /// writes: a commit fences each lease once and then writes all of its chunks (and its result).
    func groupedByLease() -> [(lease: Lease, positions: [Int])] {
        var order: [Lease] = []
        var positions: [Lease: [Int]] = [:]
        for (i, write) in enumerated() {
            if positions[write.lease] == nil { order.append(write.lease) }
            positions[write.lease, default: []].append(i)
        }
        return order.map { ($0, positions[$0] ?? []) }
    }
}

/// Errors a store reports for conditions a caller acts on (anything else is a storage failure).
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Kind: Sendable, Equatable {
        case queueFull(queued: Int, adding: Int, capacity: Int)
        case duplicateIdempotencyKey
    }

    private let kind: Kind

    /// Inserting `adding` queued experiments next to `queued` would exceed `capacity`; nothing was inserted.
    public static func queueFull(queued: Int, adding: Int, capacity: Int) -> StoreError {
        StoreError(kind: .queueFull(queued: queued, adding: adding, capacity: capacity))
    }

    /// An experiment with the same idempotency key exists already; nothing was inserted.
    public static let duplicateIdempotencyKey = StoreError(kind: .duplicateIdempotencyKey)

    /// Whether the queue had no room.
    public var isQueueFull: Bool {
        if case .queueFull = kind { return true }
        return false
    }

    /// Whether an idempotency key was taken already.
    public var isDuplicateIdempotencyKey: Bool { kind == .duplicateIdempotencyKey }

    public var description: String {
        switch kind {
        case .queueFull(let queued, let adding, let capacity):
            return "queue full: \(queued) queued + \(adding) new > capacity \(capacity)"
        case .duplicateIdempotencyKey:
            return "an experiment with this idempotency key exists already"
        }
    }
}
