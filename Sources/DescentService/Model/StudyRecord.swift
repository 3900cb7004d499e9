import Foundation

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
