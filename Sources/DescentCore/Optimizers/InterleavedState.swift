extension Array where Element == Double {
    /// The values at `offset`, `offset + width`, `offset + 2·width`, …: one of the per-coordinate state
    /// vectors an optimizer keeps side by side in one array (one uniqueness check per step).
    func deinterleaved(_ offset: Int, width: Int) -> [Double] {
        Swift.stride(from: offset, to: count, by: width).map { self[$0] }
    }
}
