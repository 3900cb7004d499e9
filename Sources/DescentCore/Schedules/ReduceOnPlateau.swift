/// torch.optim.lr_scheduler.ReduceLROnPlateau's parameters: the rate is multiplied by `factor` (not below
/// `minLR`) once the observed loss has not improved for more than `patience` observations, then left alone
/// for `cooldown` observations. With `metric` `.batchLoss` the loop observes the batch loss at θ_t after step
/// t's update, as `scheduler.step(loss)` after `optimizer.step()` does, so step t + 1 runs at the new rate; with
/// `.trainingLoss` or `.validationLoss` it observes each evaluation after the start (every epoch's end, or every
/// `evaluation.every` updates), as `scheduler.step(val_loss)` after an epoch's evaluation does, so the updates
/// after it run at the new rate.
public struct ReduceOnPlateau: Sendable, Equatable, Hashable {
    /// What the scheduler observes.
    public enum Metric: String, Sendable, Equatable, Hashable, CaseIterable {
        /// Each update's batch loss (the `loss` column).
        case batchLoss = "batch_loss"
        /// The full training-set loss of each evaluation (inference mode).
        case trainingLoss = "train_loss"
        /// The validation loss of each evaluation (needs a validation split).
        case validationLoss = "validation_loss"
    }

    /// The observed quantity (default `.batchLoss`).
    public var metric: Metric
    /// Whether lower (`min`) or higher (`max`) losses count as better.
    public var maximize: Bool
    /// Factor of each reduction, in (0, 1).
    public var factor: Double
    /// Observations without improvement tolerated before a reduction.
    public var patience: Int
    /// Smallest improvement that counts, relative to the best (`relative`) or absolute.
    public var threshold: Double
    /// Whether `threshold` is relative (torch's "rel") or absolute ("abs").
    public var relative: Bool
    /// Observations after a reduction during which bad ones are not counted.
    public var cooldown: Int
    /// Floor of the rate.
    public var minLR: Double
    /// Reductions smaller than this are skipped.
    public var eps: Double

    /// Creates the parameters; the defaults are torch's.
    public init(maximize: Bool = false, factor: Double = 0.1, patience: Int = 10, threshold: Double = 1e-4,
                relative: Bool = true, cooldown: Int = 0, minLR: Double = 0, eps: Double = 1e-8, metric: Metric = .batchLoss) {
        self.metric = metric
        self.maximize = maximize; self.factor = factor; self.patience = patience; self.threshold = threshold
        self.relative = relative; self.cooldown = cooldown; self.minLR = minLR; self.eps = eps
    }
}

/// The state of a `ReduceOnPlateau` during one run: the current rate and torch's counters.
struct PlateauTracker {
    let rule: ReduceOnPlateau
    /// The rate of the next update.
    private(set) var rate: Double
    private var best: Double
    private var badObservations = 0
    private var cooldownLeft = 0

    /// Starts at the optimizer's rate with torch's `_reset`: the best is the worst possible value.
    init(_ rule: ReduceOnPlateau, rate: Double) {
        self.rule = rule
        self.rate = rate
        best = rule.maximize ? -Double.infinity : Double.infinity
    }

    /// torch's `is_better`, with its order of operations (`best * (1 - threshold)` etc.).
    private func isBetter(_ x: Double) -> Bool {
        switch (rule.maximize, rule.relative) {
        case (false, true): x < best * (1.0 - rule.threshold)
        case (false, false): x < best - rule.threshold
        case (true, true): x > best * (rule.threshold + 1.0)
        case (true, false): x > best + rule.threshold
        }
    }

    /// torch's `step(metrics)`: counts the observation, reduces the rate when patience runs out.
    mutating func observe(_ loss: Double) {
        if isBetter(loss) {
            best = loss
            badObservations = 0
        } else {
            badObservations += 1
        }
        if cooldownLeft > 0 {
            cooldownLeft -= 1
            badObservations = 0
        }
        if badObservations > rule.patience {
            let reduced = max(rate * rule.factor, rule.minLR)
            if rate - reduced > rule.eps { rate = reduced }
            cooldownLeft = rule.cooldown
            badObservations = 0
        }
    }
}

extension PlateauTracker {
    /// Observes an evaluation's loss when the rule watches evaluations (training or validation loss).
    mutating func observe(evaluation record: EpochRecord) {
        switch rule.metric {
        case .batchLoss: break
        case .trainingLoss: observe(record.trainLoss)
        case .validationLoss: if let loss = record.validationLoss { observe(loss) }
        }
    }
}
