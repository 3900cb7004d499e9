import DescentTestSupport
import DescentCore
import Foundation
import Logging
import Testing
@testable import DescentService

/// The study driver's held state (`HeldSearch`) and driving one study from two drivers at once.
@Suite struct StudyDriverTests {
    private func trial(_ number: Int, _ state: TrialState = .running, value: Double? = nil) -> TrialRecord {
        TrialRecord(studyID: "s", number: number, experimentIDs: ["e\(number)"], params: [:], state: state, value: value)
    }

    @Test func mergingReplacesHeldTrialsAndAppendsNewOnesInNumberOrder() {
        let held = [trial(0, .complete, value: 1), trial(1), trial(2)]
        let merged = HeldSearch.merging(held, [trial(4), trial(1, .failed), trial(3)])
        #expect(merged.map(\.number) == [0, 1, 2, 3, 4])
        #expect(merged.map(\.state) == [.complete, .failed, .running, .running, .running])
        #expect(HeldSearch.merging(held, []) == held)
        #expect(HeldSearch.merging([], [trial(1), trial(0)]).map(\.number) == [0, 1])
    }

    /// A comparison numbers cell c's trials c·s + j: a new trial of cell 0 goes before cell 1's held ones.
    @Test func mergingPlacesAnEarlierCellsNewTrialBeforeLaterCellsTrials() {
        let held = [trial(0), trial(1), trial(10), trial(11)]
        #expect(HeldSearch.merging(held, [trial(12), trial(2)]).map(\.number) == [0, 1, 2, 10, 11, 12])
    }

    @Test func endedPrefixStopsAtTheFirstRunningTrialOrGap() throws {
        var search = try HeldSearch(definition: #"{"base":{},"search":{"space":{"x":{"type":"uniform","low":0,"high":1}}}}"#, trials: [])
        #expect(search.endedPrefix == 0)
        search.trials = [trial(0, .complete, value: 1), trial(1, .failed), trial(2), trial(3, .complete, value: 2)]
        #expect(search.endedPrefix == 2)
        search.trials = [trial(0, .complete, value: 1), trial(1, .pruned), trial(10, .complete, value: 2)]
        #expect(search.endedPrefix == 2)
    }

    private func planner(_ sampler: String) throws -> (SearchPlanner, HeldSearch) {
        let text = #"{"base":{"objective":{"type":"rosenbrock"},"optimizer":{"type":"adam","lr":0.01},"start":[-1,1],"steps":10},"#
            + #""search":{"space":{"optimizer.lr":{"type":"log_uniform","low":0.001,"high":0.1}},"sampler":"\#(sampler)","trials":6,"max_concurrent":2,"seed":1}}"#
        let held = try HeldSearch(definition: text, trials: [])
        return (SearchPlanner(studyID: "s", definition: held.definition, search: held.search, objective: held.objective,
                              check: { try ExperimentSpec(checking: $0) }), held)
    }

    /// Random values depend on the seed and the trial number only: with trial 0 still running and trial 1 ended, trial 2
    /// is proposed at once (c = 2), with the values it would have had after waiting.
    @Test func aSearchThatReadsNoHistoryProposesWheneverFewerThanCTrialsRun() throws {
        let (p, held) = try planner("random")
        var trials = p.step([]).trials
        #expect(trials.map(\.number) == [0, 1])
        trials[1].state = .complete
        trials[1].value = 1
        let next = p.step(trials).trials
        #expect(next.map(\.number) == [2])
        #expect(next.first?.params == held.search.sampler.propose(held.search.space, trial: 2, seed: 1, history: []))
    }

    /// A search that reads no history proposes trials in number order with their own values until c run; a trial that
    /// fails its check ends as failed and makes room for the next.
    @Test func aStepProposesTheTrialsInOrderAndReplacesOnesThatFailTheirCheck() throws {
        let text = #"{"base":{"objective":{"type":"rosenbrock"},"optimizer":{"type":"adam","lr":0.01},"start":[-1,1],"steps":10},"#
            + #""search":{"space":{"optimizer.lr":{"type":"log_uniform","low":0.001,"high":0.1}},"sampler":"random","trials":40,"max_concurrent":12,"seed":4}}"#
        let held = try HeldSearch(definition: text, trials: [])
        struct TooLarge: Error {}
        let p = SearchPlanner(studyID: "s", definition: held.definition, search: held.search, objective: held.objective, check: { value in
            if case .object(let o) = value, case .object(let opt)? = o["optimizer"], case .number(let lr)? = opt["lr"], lr > 0.02 { throw TooLarge() }
            return try ExperimentSpec(checking: value)
        })
        let trials = p.step([]).trials
        var expected: [(Int, SearchAssignment, TrialState)] = []
        var (n, running) = (0, 0)
        while running < 12 {
            let a = try #require(held.search.sampler.propose(held.search.space, trial: n, seed: 4, history: []))
            guard case .number(let lr)? = a["optimizer.lr"] else { Issue.record("no lr"); return }
            expected.append((n, a, lr > 0.02 ? .failed : .running))
            if lr <= 0.02 { running += 1 }
            n += 1
        }
        #expect(expected.contains { $0.2 == .failed }, "the seed gives no failing trial; the test checks nothing")
        #expect(trials.map(\.number) == expected.map(\.0))
        #expect(trials.map(\.params) == expected.map(\.1))
        #expect(trials.map(\.state) == expected.map(\.2))
        #expect(trials.allSatisfy { $0.experimentIDs.count == ($0.state == .running ? 1 : 0) })
    }

    /// TPE reads trials 0 … i − c: trial 2 waits for trial 0 however many others have ended.
    @Test func tpeWaitsForTheTrialsItsProposalReads() throws {
        let (p, _) = try planner("tpe")
        var trials = p.step([]).trials
        trials[1].state = .complete
        trials[1].value = 1
        #expect(p.step(trials).trials.isEmpty)
        trials[0].state = .failed
        #expect(p.step(trials).trials.map(\.number) == [2, 3])
    }

    /// A searching random-search study (10-step Adam runs on Rosenbrock) in a fresh SQLite store, and a driver over it
    /// with no timer and no workers: the tests end runs in the store themselves.
    private func randomSearch(trials: Int, maxConcurrent: Int) throws -> (any Store, StudyDriver, String) {
        let store = try StoreBackend.sqlite.makeStore()
        let text = #"{"base":{"objective":{"type":"rosenbrock"},"optimizer":{"type":"adam","lr":0.01},"start":[-1,1],"steps":10},"#
            + #""search":{"space":{"optimizer.lr":{"type":"log_uniform","low":0.001,"high":0.1}},"sampler":"random","#
            + #""trials":\#(trials),"max_concurrent":\#(maxConcurrent),"seed":1}}"#
        let id = "std_" + UUID().uuidString
        try store.insertStudy(StudyRecord(id: id, name: "s", createdAt: Date(timeIntervalSince1970: 1_800_000_000), experimentIDs: [],
                                          labels: [], lossTarget: nil, definition: text, searchState: .searching))
        let driver = StudyDriver(store: store, check: { try ExperimentSpec(checking: $0) }, announceWork: {}, isRunning: { true },
                                 logger: Logger(label: "test"))
        return (store, driver, id)
    }

    /// A pass reads the statuses of the running trials' experiments whose end the driver heard of; an end it did not
    /// hear of is found by the read of every running trial (once a second in a running service).
    @Test func aPassScoresTheTrialsWhoseEndsItHeardOfAndTheRestOnAFullRead() throws {
        let (store, driver, id) = try randomSearch(trials: 6, maxConcurrent: 2)
        try driver.advance(id)
        var trials = try store.trials(id)
        #expect(trials.map(\.number) == [0, 1] && trials.allSatisfy { $0.state == .running })
        for _ in 0..<2 {
            let claim = try #require(try store.claim(owner: "w", leaseSeconds: 30))
            _ = try store.complete(claim.lease, status: .succeeded, summary: try claim.record.spec.validated().run().summary, error: nil,
                                   stepsDone: 10)
        }
        try driver.advance(id, ended: [trials[1].experimentIDs[0], "exp_of_another_study"])
        trials = try store.trials(id)
        #expect(trials.map(\.state) == [.running, .complete, .running], "only trial 1's end was heard; trial 2 is proposed")
        try driver.advance(id, ended: [])
        #expect(try store.trials(id)[0].state == .running)
        try driver.advance(id)
        trials = try store.trials(id)
        #expect(trials[0].state == .complete && trials[0].value != nil && trials.count == 4)
    }

    /// A run this instance's writer stored is scored from the end it stored (the same status and summary a read would
    /// give): here the store still shows the run as running, so the trial can only have ended from the stored end.
    @Test func aPassScoresARunThisInstanceStoredWithoutReadingIt() throws {
        let (store, driver, id) = try randomSearch(trials: 3, maxConcurrent: 1)
        try driver.advance(id)
        let claim = try #require(try store.claim(owner: "w", leaseSeconds: 30))
        var summary = try claim.record.spec.validated().run().summary
        summary.finalLoss = 0.125
        let run = claim.record.id
        try driver.advance(id, ended: [run], stored: [run: ExperimentEnd(status: .succeeded, summary: summary)])
        let trials = try store.trials(id)
        #expect(trials.first?.state == .complete && trials.first?.value == 0.125 && trials.count == 2)
        #expect(try store.experiment(run)?.status == .running)
    }

    @Test func aRememberedSummaryIsItsStoredTextAndReadsBackDecoded() throws {
        let summary = RunSummary(stopReason: .budget, stepsRun: 7, finalLoss: 1.0 / 3, bestLoss: 0.25, bestStep: 3, finalParams: [0.5, -0.0],
                                 finalGradNorm: .nan, trainLoss: nil, validationLoss: nil, validationAccuracy: nil)
        let text = StoredJSON.summaries.remember(summary)
        #expect(text == SummaryJSON.string(summary))
        let read = try StoredJSON.summaries.decode(text)
        #expect(read.value.finalLoss == summary.finalLoss && read.value.finalParams == summary.finalParams && read.bytes == Array(text.utf8))
    }

    /// Two drivers over one store, as two instances over one database, each holding its own view of the study between
    /// passes: the TPE search proposes the same trials, in the same order, with the same values, as with one driver.
    @Test func twoDriversOnOneStoreProposeWhatOneDriverDoes() async throws {
        let body = #"{"name":"tune","base":{"objective":{"type":"rosenbrock"},"optimizer":{"type":"adam","lr":0.01},"start":[-1,1],"steps":200},"#
            + #""search":{"space":{"optimizer.lr":{"type":"log_uniform","low":0.001,"high":0.5}},"#
            + #""sampler":{"type":"tpe","startup_trials":3},"trials":12,"max_concurrent":3,"seed":9}}"#
        var runs: [[String]] = []
        for drivers in [1, 2] {
            let h = try ServiceHarness(workers: 3)
            var extra: [StudyDriver] = []
            if drivers == 2 {
                let experiments = ExperimentHandlers(runner: h.runner)
                let runner = h.runner
                let second = StudyDriver(store: runner.store, check: { try experiments.check($0) }, announceWork: runner.announceWork,
                                         isRunning: { runner.isRunning }, logger: Logger(label: "test"))
                runner.hub.onEnd { [weak second] _ in second?.poke() }
                second.start()
                extra.append(second)
            }
            let r = try await h.request(.post, "/v1/studies", json: body)
            #expect(r.status == 202, "\(r.body)")
            let id = try #require(h.object(r.body)["id"] as? String)
            var trials: [[String: Any]] = []
            try await waitUntil("study \(id) finishes", timeout: 90) {
                let search = h.object(try await h.request(.get, "/v1/studies/\(id)").body)["search"] as? [String: Any]
                trials = search?["trials"] as? [[String: Any]] ?? []
                return search?["state"] as? String == "finished"
            }
            runs.append(trials.map { "\($0["number"] ?? "")|\($0["params"] ?? "")|\($0["state"] ?? "")|\($0["value"] ?? "")" })
            withExtendedLifetime(extra) {}
        }
        #expect(runs[0].count == 12)
        #expect(runs[0] == runs[1])
    }
}
