import DescentCore
import Foundation
import Synchronization
import Testing
@testable import DescentService

/// The search half of the Store contract (trials, steps serialized per study), on every backend.
@Suite struct StoreSearchContractTests {
    static let backends = StoreBackend.available

    private func searchingStudy(_ store: any Store, id: String = "std_" + UUID().uuidString) throws -> String {
        try store.insertStudy(StudyRecord(id: id, name: "s", createdAt: Date(timeIntervalSince1970: 1_800_000_000), experimentIDs: [],
                                          labels: [], lossTarget: nil, definition: "{}", searchState: .searching))
        return id
    }

    /// A step proposing one trial, numbered after the existing ones, with one experiment.
    private func oneTrial(_ studyID: String, _ trials: [TrialRecord]) throws -> SearchStep {
        var step = SearchStep()
        var r = try makeRecord()
        r.studyID = studyID
        step.experiments = [r]
        step.trials = [TrialRecord(studyID: studyID, number: trials.count, experimentIDs: [r.id],
                                   params: ["optimizer.lr": .number(0.5 / Double(trials.count + 1)), "optimizer.type": .string("sgd")],
                                   state: .running)]
        return step
    }

    @Test(arguments: backends) func stepInsertsTrialsWithTheirExperiments(_ backend: StoreBackend) throws {
        let store = try backend.makeStore()
        let id = try searchingStudy(store)
        let step = try store.advanceSearch(id) { try oneTrial(id, $0) }
        let trials = try store.trials(id)
        #expect(trials == step.trials)
        #expect(try store.experiment(step.experiments[0].id)?.studyID == id)
        #expect(try store.study(id)?.searchState == .searching && store.activeSearches() == [id])
    }

    /// A trial's params and experiment ids read back as written: numbers to the bit, a string that spells a
    /// non-finite number stays a string, escapes and non-ASCII text survive.
    @Test(arguments: backends) func trialParamsAndIdsReadBackExactly(_ backend: StoreBackend) throws {
        let store = try backend.makeStore()
        let id = try searchingStudy(store)
        let params: SearchAssignment = ["optimizer.lr": .number(0.1 + 0.2), "optimizer.eps": .number(.leastNonzeroMagnitude),
                                        "objective.type": .string("NaN"), "name": .string("quote \" tab \t é"), "flag": .bool(true)]
        _ = try store.advanceSearch(id) { trials in
            var step = SearchStep()
            step.trials = [TrialRecord(studyID: id, number: 0, experimentIDs: [], params: params, state: .failed)]
            return step
        }
        let read = try #require(try store.trials(id).first)
        #expect(read.params == params)
        #expect(read.params["optimizer.lr"]?.number?.bitPattern == (0.1 + 0.2).bitPattern)
        #expect(read.experimentIDs == [])
        #expect(try StoredJSON.strings(#"["exp_1","a\"b","\u00e9"]"#) == ["exp_1", "a\"b", "é"])
        #expect(throws: ServiceError.self) { try StoredJSON.strings(#"["a",1]"#) }
        #expect(throws: ServiceError.self) { try StoredJSON.assignment("[]") }
    }

    @Test(arguments: backends) func concurrentStepsNeverProposeATrialTwice(_ backend: StoreBackend) throws {
        let store = try backend.makeStore()
        let id = try searchingStudy(store)
        let failures = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for _ in 0..<5 {
                do { _ = try store.advanceSearch(id) { try oneTrial(id, $0) } } catch { failures.withLock { $0 += 1 } }
            }
        }
        #expect(failures.withLock { $0 } == 0)
        let trials = try store.trials(id)
        #expect(trials.map(\.number) == Array(0..<40))
        #expect(Set(trials.flatMap(\.experimentIDs)).count == 40)
    }

    @Test(arguments: backends) func stepsAndReadsFromANumberSeeOnlyTheTrialsFromThereOn(_ backend: StoreBackend) throws {
        let store = try backend.makeStore()
        let id = try searchingStudy(store)
        for _ in 0..<4 { _ = try store.advanceSearch(id) { try oneTrial(id, $0) } }
        #expect(try store.trials(id, from: 2).map(\.number) == [2, 3])
        #expect(try store.trials(id, from: 4).isEmpty)
        var seen: [Int] = []
        _ = try store.advanceSearch(id, from: 3) { rest in
            seen = rest.map(\.number)
            var step = try oneTrial(id, Array(repeating: rest[0], count: 3) + rest)  // numbered after trials 0 … 3
            step.trials[0].state = .failed
            return step
        }
        #expect(seen == [3])
        #expect(try store.trials(id).map(\.number) == [0, 1, 2, 3, 4] && store.trials(id, from: 4).first?.state == .failed)
    }

    @Test(arguments: backends) func aTrialEndsOnceAndKeepsItsFirstValue(_ backend: StoreBackend) throws {
        let store = try backend.makeStore()
        let id = try searchingStudy(store)
        _ = try store.advanceSearch(id) { try oneTrial(id, $0) }
        try store.endTrial(id, number: 0, state: .complete, value: .infinity, reports: nil)
        try store.endTrial(id, number: 0, state: .complete, value: 1, reports: nil)
        #expect(try store.trials(id).first.map { ($0.state, $0.value) } ?? (.failed, nil) == (.complete, .infinity))
    }

    @Test(arguments: backends) func pruneRulesAndReportsRoundTrip(_ backend: StoreBackend) throws {
        let store = try backend.makeStore()
        let id = try searchingStudy(store)
        let rule = PruneRule(every: 10, test: .halving(rungs: [.init(resource: 10, threshold: 0.25), .init(resource: 30, threshold: .infinity)]))
        let median = PruneRule(every: 5, test: .median(warmup: 5, interval: 10, thresholds: [5: 1.5, 15: -0.125]))
        let step = try store.advanceSearch(id) { trials in
            var step = try oneTrial(id, trials)
            step.experiments[0].pruneRule = rule
            var second = try makeRecord()
            second.studyID = id
            second.pruneRule = median
            step.experiments.append(second)
            return step
        }
        #expect(try store.experiment(step.experiments[0].id)?.pruneRule == rule)
        #expect(try store.experiment(step.experiments[1].id)?.pruneRule == median)
        let reports = [PruneReport(step: 10, value: 0.5), PruneReport(step: 20, value: 1e-300)]
        try store.endTrial(id, number: 0, state: .pruned, value: nil, reports: reports)
        let trial = try #require(try store.trials(id).first)
        #expect(trial.state == .pruned && trial.value == nil && trial.reports == reports)
    }

    @Test(arguments: backends) func finishedSearchIsNoLongerActive(_ backend: StoreBackend) throws {
        let store = try backend.makeStore()
        let id = try searchingStudy(store)
        _ = try store.advanceSearch(id) { _ in
            var s = SearchStep()
            s.finished = true
            return s
        }
        #expect(try store.activeSearches().isEmpty && store.study(id)?.searchState == .finished)
    }
}
