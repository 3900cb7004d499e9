import DescentTestSupport
import DescentCore
import Foundation
import Testing
@testable import DescentService

/// Runs a study's driver inserts claimed for this instance (`StudyHandoff`) are run by its workers, and go back to the
/// queue when the instance stops before running them.
@Suite struct StudyHandoffTests {
    /// A study and a step of `count` saddle runs in it, its first `claimed` inserted claimed for `runner` (the study is not
    /// searching, so the instance's own driver leaves it alone).
    private func claimedStep(_ runner: ExperimentRunner, count: Int, claimed: Int) throws -> [ExperimentRecord] {
        let studyID = "std_" + UUID().uuidString
        try runner.store.insertStudy(StudyRecord(id: studyID, name: "s", createdAt: Date(), experimentIDs: [], labels: [], lossTarget: nil,
                                                 definition: nil, searchState: nil))
        var step = SearchStep()
        for n in 0..<count {
            var r = try makeRecord(name: "t\(n)", steps: 300)
            r.studyID = studyID
            step.experiments.append(r)
            step.trials.append(TrialRecord(studyID: studyID, number: n, experimentIDs: [r.id], params: [:], state: .running))
        }
        let claim = StepClaim(owner: runner.instanceID, leaseSeconds: runner.leaseSeconds, limit: claimed)
        return try runner.store.advanceSearch(studyID, ending: [], from: 0, holding: [:], planned: step, claiming: claim) { _ in step }.experiments
    }

    @Test func handedRunsAreRunByTheWorkersAndRoomOpensOnlyAfterShortRuns() async throws {
        let h = try ServiceHarness(workers: 2)
        let handoff = try #require(h.runner.studyHandoff, "SQLite: this process is the store's one user")
        #expect(handoff.room() == 0, "no run yet: nothing is handed over")
        let warm = try await h.created(saddleSpec)
        _ = try await h.waitFinal(warm)
        try await waitUntil("the workers count their last runs as short") { handoff.room() == 2 * 2 * ExperimentRunner.maxClaimBatch }
        let records = try claimedStep(h.runner, count: 5, claimed: 3)
        #expect(records.map(\.status) == [.running, .running, .running, .queued, .queued])
        handoff.take(records.filter { $0.status == .running })
        // Their leases (15 s) are this instance's: within 10 s only its workers can have run them.
        for r in records { #expect(try await h.waitFinal(r.id, timeout: 10)["status"] as? String == "succeeded") }
        #expect(try records.allSatisfy { try h.runner.store.experiment($0.id)?.attempt == 1 }, "each ran once")
    }

    @Test func handedRunsNoWorkerStartedGoBackToTheQueueAtStop() async throws {
        let h = try ServiceHarness(workers: 1, limits: SpecLimits(maxSteps: 1_000_000_000))
        // The one worker is busy with a run until cancelled, so handed runs wait.
        let long = try await h.created(#"{"name":"long","objective":{"type":"rosenbrock"},"optimizer":{"type":"sgd","lr":1e-4},"start":[-1.2,1],"steps":1000000000,"record_every":1000000}"#)
        try await h.waitUntilRunning(long)
        let records = try claimedStep(h.runner, count: 2, claimed: 2)
        try #require(h.runner.studyHandoff).take(records)
        h.stop()
        for r in records + [try #require(try h.runner.store.experiment(long))] {
            #expect(try h.runner.store.experiment(r.id)?.status == .queued, "\(r.id) is left for the next start")
        }
    }
}
