// Stand-ins for the two DescentCore types the copied model files need besides themselves: `Batch` as in
// Objectives/Objective.swift, and `SeededRandom` with its SplitMix64 stream (`nextInt(below:)` by modulo here: the
// driver only needs a fixed shuffle, not DescentCore's unbiased one; `nextGaussian` is unused by tanh networks).
public enum Batch: Sendable {
    case full
    case indices(ArraySlice<Int>)
}

public struct SeededRandom: Sendable {
    public var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    public mutating func nextDouble() -> Double { Double(next() >> 11) * 0x1.0p-53 }
    public mutating func nextGaussian() -> Double { nextDouble() }
    public mutating func nextInt(below bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
