/// How a batch's per-sample losses and gradients are summed, for measurements that ask (`BatchCost`); every
/// experiment sums in sample order.
///
/// A split is a rule of the batch alone, never of how many threads run: the same batch gives the same bits
/// under a split on any machine and any worker count, and bits that differ from the in-order sum's only by
/// the order of the additions.
public enum BatchSplit: String, Sendable, CaseIterable, Codable {
    /// In sample order on one thread: the trajectories every experiment has.
    case none
    /// Four samples at a time on the four lanes of a SIMD register, lane j summing batch positions j, j + 4, …
    /// and the lanes combined as (0 + 1) + (2 + 3) (`MLPSampleLanes`; MLPs without batch norm, one output).
    case lanes

    /// `objective` with its batches summed by this split; nil when the split does not apply to it.
    public func apply(to objective: any Objective) -> (any Objective)? {
        switch self {
        case .none: return objective
        case .lanes: return MLPSampleLanes(objective)
        }
    }

    /// Samples the split computes at once on one thread: 1 in order, 4 on lanes.
    public var width: Int {
        switch self {
        case .none: return 1
        case .lanes: return 4
        }
    }
}
