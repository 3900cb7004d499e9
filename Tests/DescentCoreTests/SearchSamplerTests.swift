import DescentCore
import Foundation
import Testing

@Suite struct SearchSamplerTests {
    private let unit = SearchSpace([SearchParameter(path: "x", domain: .uniform(low: 0, high: 1), condition: nil, gridPoints: 5)])

    @Test func haltonFirstDimensionPutsOnePointInEachDyadicCell() {
        let h = HaltonSequence(dimensions: 2, seed: 11)
        let cells = Set((0..<16).map { Int(h.point($0)[0] * 16) })
        #expect(cells.count == 16)
        let thirds = Set((0..<27).map { Int(h.point($0)[1] * 27) })
        #expect(thirds.count == 27)
    }

    @Test func haltonScramblingDependsOnTheSeed() {
        #expect(HaltonSequence(dimensions: 1, seed: 1).point(3) != HaltonSequence(dimensions: 1, seed: 2).point(3))
    }

    @Test func tpeWeightsRampOlderObservationsAfter25() {
        let o = TPEOptions()
        #expect(o.weights(3) == [1, 1, 1])
        let w = o.weights(30)
        #expect(w.count == 30 && w[0] == 1.0 / 30 && w[4] == 1 && w[5...].allSatisfy { $0 == 1 })
        #expect([1, 10, 11, 250, 300].map(o.gamma) == [1, 1, 2, 25, 25])
    }

    @Test func tpeStartsWithRandomDrawsThatDependOnlyOnSeedAndTrial() {
        let tpe = TPESampler(space: unit, options: TPEOptions())
        let a = tpe.propose(trial: 4, seed: 9, history: [])
        let b = tpe.propose(trial: 4, seed: 9, history: [ScoredTrial(number: 0, assignment: ["x": .number(0.1)], score: 1)])
        #expect(a == b)
        #expect(a != tpe.propose(trial: 5, seed: 9, history: []))
    }

    /// Sequential TPE on (x − 0.3)² over [0, 1]: after 10 random trials the model's proposals cluster near
    /// the minimum (median distance under half the random trials'), though the magic clip keeps l(x) wide
    /// (σ ≥ 1/5 for the 3 best of 30), so it still explores.
    @Test func tpeConcentratesNearTheMinimumOfAQuadratic() {
        let search = StudySearch(space: unit, sampler: .tpe(TPEOptions()), trials: 40, maxConcurrent: 1, seed: 3)
        var assignments: [SearchAssignment] = [], scores: [Double?] = []
        for i in 0..<40 {
            let a = search.propose(trial: i, assignments: assignments, scores: scores) ?? [:]
            let x = a["x"]?.number ?? .nan
            assignments.append(a)
            scores.append((x - 0.3) * (x - 0.3))
        }
        let distance = assignments.map { abs(($0["x"]?.number ?? 9) - 0.3) }
        let median: (ArraySlice<Double>) -> Double = { d in d.sorted()[d.count / 2] }
        #expect(median(distance[30..<40]) < median(distance[0..<10]) / 2)
        #expect((distance.min() ?? 1) < 0.01)
    }

    @Test func historyIsFixedByTrialNumberAndConcurrency() {
        let search = StudySearch(space: unit, sampler: .random, trials: 10, maxConcurrent: 4, seed: 0)
        #expect((0..<7).map(search.historyLength(forTrial:)) == [0, 0, 0, 0, 1, 2, 3])
    }

    /// A proposal reads only the history its trial number allows: later results do not change it.
    @Test func laterResultsDoNotChangeAProposal() {
        let search = StudySearch(space: unit, sampler: .tpe(TPEOptions()), trials: 30, maxConcurrent: 3, seed: 5)
        let assignments = (0..<20).map { i in ["x": SpecValue.number(Double(i) / 20)] }
        let scores = (0..<20).map { i in Optional(abs(Double(i) / 20 - 0.5)) }
        let shortHistory = search.propose(trial: 14, assignments: Array(assignments[..<12]), scores: Array(scores[..<12]))
        let longHistory = search.propose(trial: 14, assignments: assignments, scores: scores)
        #expect(shortHistory == longHistory)
    }

    @Test func gridSamplerStopsAtTheGridsEnd() {
        let grid = [["x": SpecValue.number(0)], ["x": .number(1)]]
        #expect(SearchSampler.grid.propose(unit, trial: 1, seed: 0, history: [], grid: grid) == ["x": .number(1)])
        #expect(SearchSampler.grid.propose(unit, trial: 2, seed: 0, history: [], grid: grid) == nil)
    }
}
