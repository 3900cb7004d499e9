import DescentCore
import Foundation
import Testing

@Suite struct SearchSpaceTests {
    private func json(_ text: String) throws -> SpecValue { try JSONDecoder().decode(SpecValue.self, from: Data(text.utf8)) }

    private func space(_ text: String) throws -> SearchSpace { try SearchSpace(parsing: try json(text), field: "search.space") }

    @Test func logUniformWithNonPositiveLowNamesTheField() throws {
        #expect(throws: SearchError("search.space[optimizer.lr].low", "must be positive for log_uniform")) {
            try space(#"{"optimizer.lr": {"type": "log_uniform", "low": 0, "high": 1}}"#)
        }
    }

    @Test func conditionOnAPathOutsideTheSpaceIsRejected() throws {
        #expect(throws: SearchError.self) {
            try space(#"{"optimizer.momentum": {"type": "uniform", "low": 0, "high": 0.9, "when": {"optimizer.type": "sgd"}}}"#)
        }
    }

    @Test func bareArrayIsCategoricalAndConditionalOnesComeLast() throws {
        let s = try space(#"{"a.z": {"type": "uniform", "low": 0, "high": 1, "when": {"b": "x"}}, "b": ["x", "y"], "c": {"type": "int", "low": 1, "high": 3}}"#)
        #expect(s.parameters.map(\.path) == ["b", "c", "a.z"])
        #expect(s.parameters[0].domain == .categorical([.string("x"), .string("y")]))
    }

    @Test func unitScaleMapsMidpointsInLinearAndLogScale() {
        #expect(SearchDomain.uniform(low: 2, high: 4).value(atUnit: 0.5) == .number(3))
        let v = SearchDomain.logUniform(low: 1e-4, high: 1).value(atUnit: 0.5).number ?? 0
        #expect(abs(v - 1e-2) < 1e-15)
        #expect(SearchDomain.integer(low: 1, high: 3, log: false).value(atUnit: 0.999) == .number(3))
        #expect(SearchDomain.integer(low: 1, high: 3, log: false).value(atUnit: 0.0) == .number(1))
    }

    @Test func gridPutsTheFirstPathSlowestAndDoesNotExpandInactiveParameters() throws {
        let s = try space(#"{"m": {"type": "uniform", "low": 0, "high": 1, "points": 2, "when": {"t": "sgd"}}, "t": ["sgd", "adam"], "u": {"type": "int", "low": 1, "high": 2}}"#)
        let grid = try #require(s.grid(limit: 100))
        let text = grid.map { a in a.keys.sorted().map { "\($0)=\(a[$0].map { "\($0)" } ?? "")" }.joined(separator: ",") }
        #expect(grid.count == 6)  // sgd × u × m (2·2) + adam × u (2)
        #expect(grid[0] == ["t": .string("sgd"), "u": .number(1), "m": .number(0)], "\(text)")
        #expect(grid[1] == ["t": .string("sgd"), "u": .number(1), "m": .number(1)], "\(text)")
        #expect(grid[4] == ["t": .string("adam"), "u": .number(1)], "\(text)")
    }

    @Test func randomDrawLeavesInactiveParametersOut() throws {
        let s = try space(#"{"m": {"type": "uniform", "low": 0, "high": 1, "when": {"t": "sgd"}}, "t": ["sgd", "adam"]}"#)
        for trial in 0..<20 {
            var rng = SearchSeed.generator(seed: 7, trial: trial, stream: 1)
            let a = s.randomAssignment(&rng)
            #expect((a["t"] == .string("sgd")) == (a["m"] != nil))
        }
    }

    @Test func objectiveScoresDivergedRunsWorstInEitherDirection() {
        let f = StudyObjective.RunFigures(diverged: true, finalLoss: 0, bestLoss: 0, validationAccuracy: 1)
        #expect(StudyObjective().value(f) == .infinity)
        #expect(StudyObjective(metric: .validationAccuracy).value(f) == -.infinity)
        #expect(StudyObjective(metric: .validationAccuracy).score(0.9) == -0.9)
    }

    @Test func lossAreaIsTheTrapezoidSum() {
        // (1 − 0)(4 + 2)/2 + (3 − 1)(2 + 0)/2 = 3 + 2
        #expect(StudyObjective.lossArea(steps: [0, 1, 3], losses: [4, 2, 0]) == 5)
    }

    @Test func stepsToTargetNeedsATarget() throws {
        #expect(throws: SearchError("objective.target", "is required by steps_to_target")) {
            try StudyObjective(parsing: try json(#"{"metric": "steps_to_target"}"#), lossTarget: nil, field: "objective")
        }
        let o = try StudyObjective(parsing: try json(#"{"metric": "steps_to_target"}"#), lossTarget: 1e-3, field: "objective")
        #expect(o.target == 1e-3 && o.direction == .minimize)
    }
}
