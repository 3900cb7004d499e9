import Foundation
import Testing
@testable import DescentCore

// Whole trajectories of the real optax (0.2.8 on jax 0.10.2, CPU, float64, not jitted), written by
// Tests/Fixtures/optax/generate.py: each case's Descent spec is run and every recorded row's
// parameters must equal optax's bit for bit. optax steps un-jitted run each jax.numpy operation as its
// own XLA computation (the bias correction's jitted helper divides only), so nothing is fused and every
// product and sum is rounded once — the order `Optax` and the rules' files follow.

/// One optax fixture case: the experiment and optax's parameters before every step and after the last.
struct OptaxCase: Sendable, Decodable, CustomTestStringConvertible {
    /// Case name, e.g. "lion-saddle".
    let name: String
    /// The optax call it ran.
    let optax: String
    /// The Descent experiment (objective, optimizer, start, steps).
    let spec: ExperimentSpec
    /// optax's parameters: row t before step t, the last row after the final step.
    let params: [[Double]]
    /// SAM: gradient evaluations done before each row (cumulative).
    let evaluations: [Int]?
    /// Schedule-free rules: the averaged point x at every row (`schedule_free_eval_params`; θ₀ first).
    let averaged: [[Double]]?

    var testDescription: String { name }
}

/// The fixture files under Tests/Fixtures/optax and their cases.
enum OptaxFixtures: FixtureFolder {
    typealias Case = OptaxCase
    /// Tests/Fixtures/optax.
    static let directory = fixtureDirectory("optax")
    /// Every case of every file (empty if a file is unreadable: `everyFixtureFileDecodes` fails then).
    static let all = everyCase()
}

@Suite struct OptaxFixtureTests {
    @Test func everyFixtureFileDecodes() throws {
        let files = try OptaxFixtures.files()
        #expect(files.map(\.lastPathComponent) == ["adabelief.json", "adan.json", "lamb.json", "lars.json", "lion.json", "prodigy.json", "sam.json",
                                                     "schedule_free_adamw.json", "schedule_free_sgd.json", "yogi.json"])
        for file in files {
            let cases = try OptaxFixtures.cases(in: file)
            #expect(!cases.isEmpty, "\(file.lastPathComponent)")
            for c in cases { #expect(c.params.count == c.spec.stepBudget + 1 && c.params.count > 200, "\(c.name)") }
        }
    }

    @Test(arguments: OptaxFixtures.all)
    func trajectoryMatchesOptaxBitForBit(_ c: OptaxCase) throws {
        let result = try c.spec.validated().run()
        let trajectory = result.trajectory
        #expect(trajectory.count == c.params.count, "\(c.name): \(result.summary.stopReason)")
        #expect(trajectory.params.count == trajectory.count * trajectory.dimension, "\(c.name): parameters not recorded")
        var firstDifference: Int?, worst = 0.0
        for row in 0..<min(trajectory.count, c.params.count) {
            let mine = Array(trajectory.parameters(atRow: row))
            if firstDifference == nil && mine.map(\.bitPattern) != c.params[row].map(\.bitPattern) { firstDifference = row }
            worst = max(worst, normwiseRelativeDeviation(mine, c.params[row]))
        }
        #expect(firstDifference == nil, "\(c.name): first differs at row \(firstDifference ?? -1); worst relative deviation \(worst)")
    }

    /// The fast path (raw buffers, where the rule has it) and the general loop give the same bits for every case.
    @Test(arguments: OptaxFixtures.all)
    func fastPathEqualsGeneralLoop(_ c: OptaxCase) throws {
        let experiment = try c.spec.validated()
        let fast = Trainer.run(objective: experiment.objective, optimizer: experiment.optimizer,
                               configuration: experiment.configuration, control: RunControl(), progressEvery: 1024,
                               onProgress: nil, fastPath: true)
        let general = Trainer.run(objective: experiment.objective, optimizer: experiment.optimizer,
                                  configuration: experiment.configuration, control: RunControl(), progressEvery: 1024,
                                  onProgress: nil, fastPath: false)
        #expect(fast.trajectory.params.map(\.bitPattern) == general.trajectory.params.map(\.bitPattern), "\(c.name)")
        #expect(fast.trajectory.loss.map(\.bitPattern) == general.trajectory.loss.map(\.bitPattern), "\(c.name)")
    }

    /// The schedule-free rules' averaged point x (the point to evaluate) equals optax's `schedule_free_eval_params` at
    /// every row (read from the `avg[i]` internals) and in the summary.
    @Test(arguments: OptaxFixtures.all.filter { $0.averaged != nil })
    func scheduleFreeAveragedPointMatchesOptaxBitForBit(_ c: OptaxCase) throws {
        var spec = c.spec
        spec.recordInternals = true
        let result = try spec.validated().run()
        let t = result.trajectory, averaged = try #require(c.averaged)
        #expect(t.internalNames.prefix(2) == ["z[0]", "z[1]"] && t.internalNames.contains("avg[1]"))
        let x0 = t.internalColumn("avg[0]"), x1 = t.internalColumn("avg[1]")
        #expect(x0.count == averaged.count && x1.count == averaged.count, "\(c.name)")
        var firstDifference: Int?
        for row in 0..<min(x0.count, averaged.count) where firstDifference == nil {
            if [x0[row], x1[row]].map(\.bitPattern) != averaged[row].map(\.bitPattern) { firstDifference = row }
        }
        #expect(firstDifference == nil, "\(c.name): x first differs at row \(firstDifference ?? -1)")
        #expect(result.summary.averagedParams?.map(\.bitPattern) == averaged.last?.map(\.bitPattern), "\(c.name)")
    }

    /// SAM counts two gradient evaluations a step, as many as optax's step asks for (the loop's at θ and
    /// `grad_fn` at the ascent point).
    @Test(arguments: OptaxFixtures.all.filter { $0.evaluations != nil })
    func samCountsItsGradientEvaluationsAsOptaxDoes(_ c: OptaxCase) throws {
        let experiment = try c.spec.validated()
        guard case let .sam(.optax(lr, rho, momentum, nesterov)) = experiment.optimizer, let evaluations = c.evaluations else {
            Issue.record("\(c.name) is not a SAM case"); return
        }
        func counts<O: Objective>(_ objective: O) -> [Int] {
            var sam = SAM(objective: objective, rho: rho, momentum: momentum, nesterov: nesterov)
            var theta = experiment.configuration.start
            var gradient = theta
            return [0] + (1..<evaluations.count).map { _ in
                _ = objective.valueAndGradient(at: theta, batch: .full, gradient: &gradient)
                sam.step(parameters: &theta, gradient: &gradient, learningRate: lr)
                return sam.gradientEvaluations
            }
        }
        #expect(counts(experiment.objective) == evaluations, "\(c.name)")
        #expect(evaluations.last == 2 * (evaluations.count - 1))
    }
}
