import DescentCore
import Foundation
import Testing
@testable import DescentService

/// The store's side of the study driver's passes (`advanceSearch(_:ending:from:holding:planned:claiming:_:)`, `experimentEnds`),
/// on every backend.
@Suite struct StoreSearchStepContractTests {
    static let backends = StoreBackend.available

    private func searchingStudy(_ store: any Store) throws -> String {
        let id = "std_" + UUID().uuidString
        try store.insertStudy(StudyRecord(id: id, name: "s", createdAt: Date(timeIntervalSince1970: 1_800_000_000), experimentIDs: [],
                                          labels: [], lossTarget: nil, definition: "{}", searchState: .searching))
        return id
    }

    /// A step proposing trial `number` with one queued experiment.
    private func trial(_ studyID: String, _ number: Int) throws -> SearchStep {
        var step = SearchStep()
        var r = try makeRecord()
        r.studyID = studyID
        step.experiments = [r]
        step.trials = [TrialRecord(studyID: studyID, number: number, experimentIDs: [r.id], params: ["optimizer.lr": .number(0.1)], state: .running)]
        return step
    }

    private func threeTrials(_ store: any Store) throws -> String {
        let id = try searchingStudy(store)
        for n in 0..<3 { _ = try store.advanceSearch(id) { _ in try trial(id, n) } }
        return id
    }

    @Test(arguments: backends) func stepRecordsItsEndsBeforeReadingTheTrials(_ backend: StoreBackend) throws {
        let store = try backend.makeStore()
        let id = try threeTrials(store)
        var seen: [TrialRecord] = []
        _ = try store.advanceSearch(id, ending: [TrialEnd(number: 1, state: .complete, value: 0.25)], from: 0, holding: [:]) { trials in
            seen = trials
            return SearchStep()
        }
        #expect(seen.map(\.number) == [0, 1, 2])
        #expect(seen.map(\.state) == [.running, .complete, .running] && seen[1].value == 0.25)
        #expect(try store.trials(id)[1].value == 0.25)
    }

    @Test(arguments: backends) func stepPassesOnlyTheTrialsTheCallerLacksOrHoldsInAnotherState(_ backend: StoreBackend) throws {
        let store = try backend.makeStore()
        let id = try threeTrials(store)
        try store.endTrial(id, number: 2, state: .failed, value: nil, reports: nil)  // as another instance would
        var seen: [TrialRecord] = []
        _ = try store.advanceSearch(id, ending: [TrialEnd(number: 0, state: .complete, value: 1)], from: 0,
                                    holding: [0: .complete, 1: .running, 2: .running]) { trials in
            seen = trials
            return try trial(id, 3)
        }
        #expect(seen.map(\.number) == [2] && seen.first?.state == .failed, "trial 2 ended elsewhere; 0 and 1 are as held")
        // Trial 3 is new to a caller holding 0 … 2; trials before `from` are not read at all.
        _ = try store.advanceSearch(id, ending: [], from: 1, holding: [1: .running, 2: .failed]) { trials in
            seen = trials
            return SearchStep()
        }
        #expect(seen.map(\.number) == [3] && seen.first?.experimentIDs.count == 1 && seen.first?.params == ["optimizer.lr": .number(0.1)])
    }

    @Test(arguments: backends) func anEndInAStepKeepsTheFirstEnd(_ backend: StoreBackend) throws {
        let store = try backend.makeStore()
        let id = try threeTrials(store)
        try store.endTrial(id, number: 0, state: .complete, value: 2, reports: nil)
        let reports = [PruneReport(step: 10, value: 0.5)]
        _ = try store.advanceSearch(id, ending: [TrialEnd(number: 0, state: .failed), TrialEnd(number: 1, state: .pruned, reports: reports)],
                                    from: 0, holding: [0: .failed, 1: .pruned, 2: .running]) { _ in SearchStep() }
        let trials = try store.trials(id)
        #expect(trials[0].state == .complete && trials[0].value == 2)
        #expect(trials[1].state == .pruned && trials[1].reports == reports)
    }

    @Test(arguments: backends) func aPlannedStepIsTakenWhenTheReadFindsNothingNewAndProposeRunsOtherwise(_ backend: StoreBackend) throws {
        let store = try backend.makeStore()
        let id = try threeTrials(store)
        var proposed = 0
        // The caller holds every trial as stored: its planned step (trial 3) is inserted without `propose`.
        let first = try store.advanceSearch(id, ending: [TrialEnd(number: 0, state: .complete, value: 1)], from: 0,
                                            holding: [0: .complete, 1: .running, 2: .running], planned: try trial(id, 3),
                                            claiming: nil) { _ in
            proposed += 1
            return SearchStep()
        }
        #expect(proposed == 0 && first.trials.map(\.number) == [3])
        #expect(try store.trials(id).map(\.number) == [0, 1, 2, 3])
        #expect(try store.experimentEnds(first.experiments.map(\.id)).values.map(\.status) == [.queued])
        // Trial 2 ended elsewhere: the planned step (a trial 4 planned without knowing it) is dropped for `propose`'s.
        try store.endTrial(id, number: 2, state: .failed, value: nil, reports: nil)
        var seen: [TrialRecord] = []
        let second = try store.advanceSearch(id, ending: [], from: 1, holding: [1: .running, 2: .running, 3: .running],
                                             planned: try trial(id, 4), claiming: nil) { trials in
            proposed += 1
            seen = trials
            return try trial(id, 5)
        }
        #expect(proposed == 1 && seen.map(\.number) == [2] && second.trials.map(\.number) == [5])
        #expect(try store.trials(id).map(\.number) == [0, 1, 2, 3, 5], "the planned trial 4 was not inserted")
    }

    /// A step of three experiments whose first two the caller's workers take.
    private func threeRunStep(_ studyID: String) throws -> SearchStep {
        var step = SearchStep()
        for n in 0..<3 {
            var r = try makeRecord(name: "t\(n)")
            r.studyID = studyID
            step.experiments.append(r)
            step.trials.append(TrialRecord(studyID: studyID, number: n, experimentIDs: [r.id], params: [:], state: .running))
        }
        return step
    }

    @Test(arguments: backends) func aClaimingStepInsertsTheFirstRunsClaimedInSQLiteAndQueuedInPostgres(_ backend: StoreBackend) throws {
        let store = try backend.makeStore()
        let id = try searchingStudy(store)
        let planned = try threeRunStep(id)
        let step = try store.advanceSearch(id, ending: [], from: 0, holding: [:], planned: planned,
                                           claiming: StepClaim(owner: "me", leaseSeconds: 30, limit: 2)) { _ in SearchStep() }
        let stored = try planned.experiments.map { try #require(try store.experiment($0.id)) }
        #expect(step.experiments.map(\.id) == planned.experiments.map(\.id))
        if backend == .sqlite {
            #expect(step.experiments.map(\.status) == [.running, .running, .queued])
            #expect(stored.map(\.status) == [.running, .running, .queued] && stored.map(\.attempt) == [1, 1, 0])
            #expect(stored[0].startedAt != nil && stored[2].startedAt == nil)
            // Held under the caller's lease: renewed by its owner, not claimable by anyone else; the queued one is.
            let leases = stored.prefix(2).map { Lease(id: $0.id, attempt: 1) }
            #expect(try store.renew(leases, owner: "me", leaseSeconds: 30) == [leases[0]: .held, leases[1]: .held])
            #expect(try store.claim(owner: "other", leaseSeconds: 30, limit: 8).map(\.record.id) == [planned.experiments[2].id])
            // And finished under it.
            #expect(try store.complete(leases[0], status: .succeeded, summary: nil, error: nil, stepsDone: 10)?.status == .succeeded)
        } else {
            // Several instances share PostgreSQL's queue: nothing is claimed for one of them.
            #expect(step.experiments.map(\.status) == [.queued, .queued, .queued] && stored.map(\.status) == [.queued, .queued, .queued])
        }
    }

    @Test(arguments: backends) func experimentEndsReadsEveryAskedIdAndLeavesOutMissingOnes(_ backend: StoreBackend) throws {
        let store = try backend.makeStore()
        var records: [ExperimentRecord] = []
        for i in 0..<600 { records.append(try makeRecord(status: i % 3 == 0 ? .succeeded : .queued)) }  // more than one slice
        try store.insert(records, queueCapacity: nil)
        let ends = try store.experimentEnds(records.map(\.id) + ["exp_missing"])
        #expect(ends.count == 600 && ends["exp_missing"] == nil)
        #expect(records.indices.allSatisfy { ends[records[$0].id]?.status == ($0 % 3 == 0 ? .succeeded : .queued) })
        #expect(ends.values.allSatisfy { $0.summary == nil })
        #expect(try store.experimentEnds([]).isEmpty)
    }

    @Test(arguments: backends) func experimentEndsCarryTheSummaryOfACompletedRun(_ backend: StoreBackend) throws {
        let store = try backend.makeStore()
        let done = try makeRecord(steps: 7), waiting = try makeRecord()
        try store.insert([done, waiting], queueCapacity: nil)
        let claim = try #require(try store.claim(owner: "w", leaseSeconds: 30))
        #expect(claim.record.id == done.id)
        let summary = try done.spec.validated().run().summary
        _ = try #require(try store.complete(claim.lease, status: .succeeded, summary: summary, error: nil, stepsDone: 7))
        let ends = try store.experimentEnds([done.id, waiting.id])
        #expect(ends[done.id]?.status == .succeeded && ends[done.id]?.summary == summary)
        #expect(ends[waiting.id]?.status == .queued && ends[waiting.id]?.summary == nil)
    }

    @Test(arguments: backends) func experimentsByIdReadsEveryAskedOneAsTheSingleReadDoes(_ backend: StoreBackend) throws {
        let store = try backend.makeStore()
        var records: [ExperimentRecord] = []
        for i in 0..<600 { records.append(try makeRecord(name: "r\(i)")) }  // more than one slice
        try store.insert(records, queueCapacity: nil)
        let read = try store.experiments(ids: records.map(\.id) + ["exp_missing"])
        #expect(read.count == 600 && read["exp_missing"] == nil)
        #expect(records.allSatisfy { read[$0.id]?.spec.name == $0.spec.name })
        for r in records.prefix(5) { #expect(read[r.id] == (try store.experiment(r.id))) }
        #expect(try store.experiments(ids: []).isEmpty)
    }
}
