import Testing
@testable import DescentCore

@Test func cosineStartsAtBaseAndReachesEtaMinAtTMax() {
    let s = LearningRateSchedule.cosine(tMax: 100, etaMin: 0.001)
    #expect(s.learningRate(at: 0, base: 0.1) == 0.1)
    #expect(relClose(s.learningRate(at: 100, base: 0.1), 0.001, 1e-15))
    #expect(relClose(s.learningRate(at: 50, base: 0.1), (0.1 + 0.001) / 2, 1e-15))
}

@Test func linearWarmupRampsLinearlyThenHandsOver() {
    let s = LearningRateSchedule.linearWarmup(warmupSteps: 10, startFactor: 0.1, then: .exponential(gamma: 0.5))
    for t in 0..<10 { #expect(relClose(s.learningRate(at: t, base: 2), 2 * (0.1 + 0.9 * Double(t) / 10), 1e-15)) }
    #expect(s.learningRate(at: 10, base: 2) == 2)
    #expect(s.learningRate(at: 12, base: 2) == 0.5)
}

@Test func stepDecaysByGammaEveryStepSize() {
    let s = LearningRateSchedule.step(stepSize: 30, gamma: 0.1)
    #expect(s.learningRate(at: 29, base: 1) == 1)
    #expect(relClose(s.learningRate(at: 30, base: 1), 0.1, 1e-15))
    #expect(relClose(s.learningRate(at: 65, base: 1), 0.01, 1e-15))
}

@Test func multistepDecaysAtEachMilestone() {
    let s = LearningRateSchedule.multiStep(milestones: [5, 8], gamma: 0.5)
    #expect([0, 4, 5, 7, 8, 100].map { s.learningRate(at: $0, base: 1) } == [1, 1, 0.5, 0.5, 0.25, 0.25])
}

@Test func exponentialMultipliesByGammaEachStep() {
    let s = LearningRateSchedule.exponential(gamma: 0.9)
    #expect(relClose(s.learningRate(at: 3, base: 1), 0.729, 1e-15))
}

@Test func inverseSqrtPeaksAtWarmupThenDecaysAsInverseRoot() {
    let s = LearningRateSchedule.inverseSqrt(warmupSteps: 100)
    #expect(relClose(s.learningRate(at: 49, base: 1), 0.5, 1e-15))
    #expect(s.learningRate(at: 99, base: 1) == 1)
    #expect(relClose(s.learningRate(at: 399, base: 1), 0.5, 1e-15))
}

@Test func oneCyclePeaksAtPctStartAndEndsAtMinimum() {
    // torch OneCycleLR: phase end at pct_start·total − 1 = 29 with total 100.
    let s = LearningRateSchedule.oneCycle(maxLR: 1, totalSteps: 100, pctStart: 0.3, divFactor: 25, finalDivFactor: 1e4)
    #expect(relClose(s.learningRate(at: 0, base: 0), 1.0 / 25, 1e-15))
    #expect(relClose(s.learningRate(at: 29, base: 0), 1, 1e-15))
    #expect(s.learningRate(at: 28, base: 0) < 1 && s.learningRate(at: 30, base: 0) < 1)
    #expect(relClose(s.learningRate(at: 99, base: 0), 1.0 / 25 / 1e4, 1e-12))
}

@Test func constantIgnoresTheStep() {
    #expect(LearningRateSchedule.constant.learningRate(at: 12345, base: 0.3) == 0.3)
}
