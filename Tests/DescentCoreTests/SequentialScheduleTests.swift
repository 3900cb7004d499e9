import Foundation
import Testing
@testable import DescentCore

@Suite struct SequentialScheduleTests {
    /// Each later schedule restarts from its own step 0 at its milestone, as torch's `_update_lr(0)` does.
    @Test func laterSchedulesRestartAtTheirMilestones() {
        let schedule = LearningRateSchedule.sequential(
            schedules: [.constantFactor(factor: 0.5, totalIters: 100), .exponential(gamma: 0.5), .step(stepSize: 2, gamma: 0.1)],
            milestones: [3, 6])
        let rates = (0..<10).map { schedule.learningRate(at: $0, base: 8) }
        // 0..2: 8·0.5; 3..5: 8·0.5^(t − 3); 6..: 8·0.1^⌊(t − 6)/2⌋.
        #expect(rates == [4, 4, 4, 8, 4, 2, 8, 8, 8 * 0.1, 8 * 0.1])
    }

    @Test func aSingleScheduleIsThatSchedule() {
        let sequence = LearningRateSchedule.sequential(schedules: [.cosine(tMax: 50, etaMin: 0.01)], milestones: [])
        for t in [0, 7, 49, 50, 120] {
            #expect(sequence.learningRate(at: t, base: 0.3) == LearningRateSchedule.cosine(tMax: 50, etaMin: 0.01).learningRate(at: t, base: 0.3))
        }
    }

    @Test func theFixturesRestartAtEveryMilestone() throws {
        let cases = TorchFixtures.all.filter { $0.spec.schedule?.kind == .sequential }
        #expect(cases.count >= 3)
        for c in cases {
            let experiment = try c.spec.validated()
            guard case let .sequential(schedules, milestones) = experiment.configuration.schedule else {
                Issue.record("\(c.name): not a sequence"); continue
            }
            for (i, m) in milestones.enumerated() {
                // torch's rate at the milestone is the next schedule's rate at its step 0.
                let expected = schedules[i + 1].learningRate(at: 0, base: experiment.configuration.learningRate)
                #expect(maximumRelativeDeviation([c.lr[m]], [expected]) <= 1e-15, "\(c.name) at \(m)")
            }
        }
    }

    @Test(arguments: [
        (#"{"type":"sequential","schedules":[{"type":"constant"},{"type":"constant"}],"milestones":[]}"#, "schedule.milestones"),
        (#"{"type":"sequential","schedules":[],"milestones":[]}"#, "schedule.schedules"),
        (#"{"type":"sequential","schedules":[{"type":"constant"},{"type":"constant"},{"type":"constant"}],"milestones":[5,5]}"#,
         "schedule.milestones[1]"),
        (#"{"type":"sequential","schedules":[{"type":"constant"},{"type":"constant"}],"milestones":[0]}"#, "schedule.milestones[0]"),
        (#"{"type":"sequential","schedules":[{"type":"constant"},{"type":"reduce_on_plateau"}],"milestones":[5]}"#,
         "schedule.schedules[1].type"),
        (#"{"type":"sequential","schedules":[{"type":"one_cycle"},{"type":"constant"}],"milestones":[5]}"#, "schedule.schedules[0].type"),
        (#"{"type":"sequential","schedules":[{"type":"constant"},{"type":"sequential","schedules":[{"type":"constant"}],"milestones":[]}],"milestones":[5]}"#,
         "schedule.schedules[1].type"),
        (#"{"type":"sequential","schedules":[{"type":"constant"},{"type":"step"}],"milestones":[5]}"#, "schedule.schedules[1].step_size"),
        (#"{"type":"sequential","schedules":[{"type":"constant"}]}"#, "schedule.milestones"),
    ])
    func badSequencesNameTheirField(_ schedule: String, _ field: String) throws {
        let fields = try errorFields(#"{"objective":{"type":"saddle"},"optimizer":{"type":"sgd"},"schedule":"# + schedule + "}")
        #expect(fields == [field])
    }
}
