import Synchronization

/// A cancellation flag shared between a running experiment and whoever may stop it.
///
/// A class because both sides must see the same flag; the `Atomic` makes it safe to set from
/// any thread while the trainer reads it once per step.
public final class RunControl: Sendable {
    private let cancelled = Atomic<Bool>(false)

    /// A fresh, not-cancelled control.
    public init() {}

    /// Asks the run to stop at its next step.
    public func cancel() { cancelled.store(true, ordering: .relaxed) }

    /// Whether `cancel()` was called.
    public var isCancelled: Bool { cancelled.load(ordering: .relaxed) }
}
