/// An optimizer whose momentum follows a schedule's cycle (`CyclicLR` or `OneCycleLR` with `cycle_momentum`):
/// before its step t the momentum (μ or β₁) is set to the schedule's momentum at t, as torch's scheduler sets the
/// param group's value for the step that follows its `step()`. Runs on the general loop only
/// (`TrainingConfiguration.needsGeneralLoop`).
struct MomentumCycled<Base: MomentumCycling>: Optimizer {
    /// The optimizer whose momentum is cycled.
    private(set) var base: Base
    /// The schedule giving the momentum of each step.
    let schedule: LearningRateSchedule
    /// Steps taken so far: the next step's t.
    private var t = 0

    /// Wraps `base`, cycling its momentum by `schedule.momentum(at:)`.
    init(_ base: Base, schedule: LearningRateSchedule) {
        self.base = base
        self.schedule = schedule
    }

    /// Sets the momentum of step t, then steps.
    mutating func step(parameters: inout [Double], gradient: inout [Double], learningRate: Double) {
        if let momentum = schedule.momentum(at: t) { base.setMomentum(momentum) }
        t += 1
        base.step(parameters: &parameters, gradient: &gradient, learningRate: learningRate)
    }
}
