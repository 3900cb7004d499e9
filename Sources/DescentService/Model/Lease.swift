import Foundation

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
