import DescentCore

/// Per-bucket summaries of a chunk's rows at several resolutions (a pyramid), so views of any length
/// read a number of summaries proportional to the points they return.
enum TrajectorySummary {
    /// The summary levels of `records`, finest first.
    static func levels(of records: Trajectory) -> [[Bucket]] { [] }
    /// Encodes one level.
    static func encode(_ level: [Bucket]) -> [UInt8] { [] }
    /// One bucket.
    struct Bucket: Sendable, Equatable {}
}
