import Synchronization

/// A cancellation flag shared between a running experiment and whoever may stop it.
///
/// A class because both sides must see the same flag; the `Atomic` makes it safe to set from
/// any thread while the trainer reads it once per step.
public final class RunControl: Sendable {
    private let cancelled = Atomic<Bool>(false)

    /// A fresh, not-cancelled control.
    public init() {}

    /// How many `cancel()` calls the process has seen. A loop that advances many runs (a lockstep group) reads
    /// this one counter per step and looks at its runs' flags only when it has changed, instead of touching every
    /// run's flag every step. Incremented after the flag is set, with release / acquire ordering, so a reader that
    /// sees the new count sees the flag.
    static let cancellations = Atomic<Int>(0)

    /// Asks the run to stop at its next step.
    public func cancel() {
        cancelled.store(true, ordering: .relaxed)
        Self.cancellations.add(1, ordering: .releasing)
    }

    /// Whether `cancel()` was called.
    public var isCancelled: Bool { cancelled.load(ordering: .relaxed) }
}
