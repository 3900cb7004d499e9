import DescentTestSupport
import DescentCore
import Foundation
import Synchronization
import Testing
@testable import DescentService

/// The contract every `Store` backend meets, run against each backend in `StoreBackend.available`.
@Suite struct StoreContractTests {
    static let backends = StoreBackend.available

    /// Makes the PostgreSQL half of the contract visible: without DESCENT_TEST_POSTGRES_URL the cases
    /// for it do not exist, so this test is reported as skipped (and `make test` fails on a skip)
    /// instead of the contract quietly running on SQLite alone.
    @Test(.enabled(if: StoreBackend.postgresURL != nil,
                   "store contract on PostgreSQL: needs DESCENT_TEST_POSTGRES_URL (make test starts a throwaway PostgreSQL)"))
    func contractCoversPostgreSQL() {
        #expect(Self.backends == [.sqlite, .postgres])
    }

    private func chunk(_ steps: Range<Int>, dimension: Int = 2) -> Trajectory {
        var t = Trajectory(dimension: dimension)
        for s in steps {
            t.step.append(s); t.epoch.append(s / 10); t.lr.append(0.1 / Double(s + 1)); t.loss.append(Double(s).squareRoot() + 1e-300)
            t.gradNorm.append(.ulpOfOne * Double(s)); t.params += [Double(s) * 0.1, -Double(s) / 3]
        }
        return t
    }

    /// A new experiment claimed by "w", with `rows` trajectory rows written under the lease.
    private func running(in store: any Store, rows: Int) throws -> (record: ExperimentRecord, claim: Claim) {
        let r = try makeRecord()
        try store.insert(r)
        let c = try #require(try store.claim(owner: "w", leaseSeconds: 30))
        #expect(try store.appendChunk(c.lease, index: 0, chunk: chunk(0..<rows), stepsDone: rows, leaseSeconds: 30))
        return (r, c)
    }

    @Test(arguments: backends) func insertedRecordsReadBackExactly(_ backend: StoreBackend) throws {
        let store = try backend.makeStore()
        let r = try makeRecord(name: "exact", tags: ["a", "b"], key: "k1")
        try store.insert(r)
        let got = try #require(try store.experiment(r.id))
        #expect(got.id == r.id && got.spec == r.spec && got.status == .queued && got.createdAt == r.createdAt)
        #expect(got.idempotencyKey == "k1" && got.bodyHash == "h-k1" && got.attempt == 0 && got.sequence > 0)
        #expect(try store.experiment(idempotencyKey: "k1")?.id == r.id)
        #expect(try store.experiment("exp_missing") == nil)
        #expect(try store.experiment(idempotencyKey: "nope") == nil)
    }

    @Test(arguments: backends) func duplicateIdempotencyKeyIsRejected(_ backend: StoreBackend) throws {
        let store = try backend.makeStore()
        try store.insert(try makeRecord(key: "same"))
        #expect(throws: StoreError.duplicateIdempotencyKey) { try store.insert(try makeRecord(key: "same")) }
    }

    @Test(arguments: backends) func listingFiltersAndPages(_ backend: StoreBackend) throws {
        let store = try backend.makeStore()
        var ids: [String] = []
        for i in 0..<7 {
            let r = try makeRecord(name: "n\(i)", tags: i % 2 == 0 ? ["even"] : ["odd"], optimizer: i < 3 ? "sgd" : "adam")
            try store.insert(r)
            ids.append(r.id)
        }
        var q = ExperimentQuery()
        #expect(try store.experiments(q).map(\.id) == ids.reversed())
        q.limit = 3
        let page1 = try store.experiments(q)
        q.after = page1.last?.sequence
        let page2 = try store.experiments(q)
        #expect((page1 + page2).map(\.id) == Array(ids.reversed().prefix(6)))
        var asc = ExperimentQuery()
        asc.descending = false
        asc.tag = "even"
        #expect(try store.experiments(asc).map(\.id) == [ids[0], ids[2], ids[4], ids[6]])
        var byOptimizer = ExperimentQuery()
        byOptimizer.optimizer = "adam"
        #expect(try store.experiments(byOptimizer).count == 4)
        var byObjective = ExperimentQuery()
        byObjective.objective = "rosenbrock"
        #expect(try store.experiments(byObjective).isEmpty)
        _ = try store.cancelQueued(ids[1])
        var byStatus = ExperimentQuery()
        byStatus.status = .cancelled
        #expect(try store.experiments(byStatus).map(\.id) == [ids[1]])
    }

    @Test(arguments: backends) func listFiltersIgnoreTheCaseOfASCIILetters(_ backend: StoreBackend) throws {
        let store = try backend.makeStore()
        let r = try makeRecord(name: "mixed", tags: ["Lecture-3"], optimizer: "adam")
        try store.insert(r)
        try store.insert(try makeRecord(name: "other", tags: ["lecture-4"], optimizer: "sgd"))
        var q = ExperimentQuery()
        q.tag = "LECTURE-3"
        #expect(try store.experiments(q).map(\.id) == [r.id])
        q.tag = nil; q.optimizer = "Adam"
        #expect(try store.experiments(q).map(\.id) == [r.id])
        q.optimizer = nil; q.objective = "SADDLE"
        #expect(try store.experiments(q).count == 2)
        q.objective = "sadd"
        #expect(try store.experiments(q).isEmpty)
    }

    @Test(arguments: backends) func claimsAreFIFOAndMarkRunning(_ backend: StoreBackend) throws {
        let store = try backend.makeStore()
        let a = try makeRecord(name: "a"), b = try makeRecord(name: "b")
        try store.insert(a); try store.insert(b)
        #expect(try store.queuedCount() == 2)
        let first = try #require(try store.claim(owner: "w1", leaseSeconds: 30))
        #expect(first.record.id == a.id && first.record.status == .running && first.lease == Lease(id: a.id, attempt: 1))
        #expect(first.record.startedAt != nil && !first.cancelRequested)
        #expect(try store.claim(owner: "w2", leaseSeconds: 30)?.record.id == b.id)
        #expect(try store.claim(owner: "w3", leaseSeconds: 30) == nil)
        #expect(try store.queuedCount() == 0)
    }

    @Test(arguments: backends) func studyClaimsTakeOnlyQueuedMembersOfThatStudyOldestFirst(_ backend: StoreBackend) throws {
        let store = try backend.makeStore()
        func member(_ name: String, _ study: String?) throws -> ExperimentRecord {
            var r = try makeRecord(name: name)
            r.studyID = study
            return r
        }
        let loose = try member("loose", nil), a1 = try member("a1", "st_a"), b1 = try member("b1", "st_b")
        let a2 = try member("a2", "st_a"), a3 = try member("a3", "st_a"), a4 = try member("a4", "st_a")
        try store.insert([loose, a1, b1, a2, a3, a4], queueCapacity: nil)
        #expect(try store.claim(owner: "w1", leaseSeconds: 30)?.record.id == loose.id)
        let first = try #require(try store.claim(owner: "w1", leaseSeconds: 30))
        #expect(first.record.id == a1.id)
        let more = try store.claim(owner: "w1", leaseSeconds: 30, limit: 2, study: "st_a")
        #expect(more.map(\.record.id) == [a2.id, a3.id])
        #expect(more.allSatisfy { $0.record.status == .running && $0.lease.attempt == 1 && $0.record.studyID == "st_a" })
        _ = try store.cancelQueued(a4.id)
        #expect(try store.claim(owner: "w2", leaseSeconds: 30, limit: 8, study: "st_a").isEmpty, "cancelled and running ones stay")
        #expect(try store.claim(owner: "w2", leaseSeconds: 30, limit: 8, study: "st_b").map(\.record.id) == [b1.id])
        #expect(try store.queuedCount() == 0)
    }

    @Test(arguments: backends) func concurrentClaimersNeverShareAJob(_ backend: StoreBackend) async throws {
        let store = try backend.makeStore()
        for i in 0..<60 { try store.insert(try makeRecord(name: "c\(i)")) }
        let claimed = Mutex<[String]>([])
        let failures = Mutex<[String]>([])
        let group = DispatchGroup()
        for w in 0..<6 {
            group.enter()
            Thread {
                // A claim that throws is a failure of the contract, not the end of the queue.
                do {
                    while let c = try store.claim(owner: "w\(w)", leaseSeconds: 30) { claimed.withLock { $0.append(c.record.id) } }
                } catch {
                    failures.withLock { $0.append("w\(w): \(error)") }
                }
                group.leave()
            }.start()
        }
        await withCheckedContinuation { done in group.notify(queue: .global()) { done.resume() } }
        #expect(failures.withLock { $0 }.isEmpty, "claims failed: \(failures.withLock { $0 })")
        let all = claimed.withLock { $0 }
        #expect(all.count == 60)
        #expect(Set(all).count == 60)
    }

    @Test(arguments: backends) func chunksRoundTripBitExactlyUnderTheLease(_ backend: StoreBackend) throws {
        let store = try backend.makeStore()
        let r = try makeRecord()
        try store.insert(r)
        let c = try #require(try store.claim(owner: "w", leaseSeconds: 30))
        #expect(try store.appendChunk(c.lease, index: 0, chunk: chunk(0..<5), stepsDone: 5, leaseSeconds: 30))
        #expect(try store.appendChunk(c.lease, index: 1, chunk: chunk(5..<9), stepsDone: 9, leaseSeconds: 30))
        #expect(try store.experiment(r.id)?.stepsDone == 9)
        #expect(try store.trajectory(r.id, dimension: 2) == chunk(0..<9))
        let summary = try r.spec.validated().run().summary
        let done = try #require(try store.complete(c.lease, status: .succeeded, summary: summary, error: nil, stepsDone: 9))
        #expect(done.status == .succeeded && done.summary == summary && done.finishedAt != nil && done.stepsDone == 9)
        #expect(try store.experiment(r.id) == done)
    }

    @Test(arguments: backends) func anExpiredLeaseIsTakenOverAndFencesTheOldAttempt(_ backend: StoreBackend) async throws {
        let store = try backend.makeStore()
        let r = try makeRecord()
        try store.insert(r)
        let old = try #require(try store.claim(owner: "dead", leaseSeconds: 30))
        #expect(try store.appendChunk(old.lease, index: 0, chunk: chunk(0..<3), stepsDone: 3, leaseSeconds: 30))
        #expect(try store.claim(owner: "live", leaseSeconds: 30) == nil)  // not expired yet
        // The owner's last renewal asks for 1 ms (as a worker that then dies would leave it): once that
        // has passed on the store's clock, another claimer takes the job over.
        #expect(try store.renew([old.lease], owner: "dead", leaseSeconds: 0.001) == [old.lease: .held])
        var taken: Claim?
        try await waitUntil("the expired lease is taken over") {
            taken = try store.claim(owner: "live", leaseSeconds: 30)
            return taken != nil
        }
        let new = try #require(taken)
        #expect(new.lease == Lease(id: r.id, attempt: 2) && new.record.attempt == 2 && new.record.stepsDone == 0)
        #expect(try store.trajectory(r.id, dimension: 2).count == 0)  // the old attempt's chunks are gone
        // The old attempt can write nothing more.
        #expect(try !store.appendChunk(old.lease, index: 1, chunk: chunk(3..<4), stepsDone: 4, leaseSeconds: 30))
        #expect(try store.complete(old.lease, status: .succeeded, summary: nil, error: nil, stepsDone: 4) == nil)
        #expect(try !store.release(old.lease))
        #expect(try store.renew([old.lease, new.lease], owner: "dead", leaseSeconds: 30)[old.lease] == .lost)
        #expect(try store.renew([new.lease], owner: "live", leaseSeconds: 30) == [new.lease: .held])
        #expect(try store.complete(new.lease, status: .succeeded, summary: nil, error: nil, stepsDone: 0)?.attempt == 2)
        #expect(try store.complete(new.lease, status: .failed, summary: nil, error: nil, stepsDone: 0) == nil)  // once
        #expect(try store.experiment(r.id)?.status == .succeeded)
    }

    @Test(arguments: backends) func aClaimTakesTheOldestOfTheQueuedAndTheExpiredInSequenceOrder(_ backend: StoreBackend) async throws {
        let store = try backend.makeStore()
        let a = try makeRecord(name: "a"), b = try makeRecord(name: "b"), c = try makeRecord(name: "c")
        try store.insert([a, b, c], queueCapacity: nil)
        let first = try store.claim(owner: "dead", leaseSeconds: 30, limit: 2)
        #expect(first.map(\.record.id) == [a.id, b.id])
        // b's lease lapses (its owner's last renewal asked for 1 ms); a's holds.
        let before = Date()
        #expect(try store.renew([first[1].lease], owner: "dead", leaseSeconds: 0.001) == [first[1].lease: .held])
        try await waitUntil("b's lease is 50 ms past its expiry") { Date().timeIntervalSince(before) > 0.051 }
        let d = try makeRecord(name: "d")
        try store.insert(d)
        let taken = try store.claim(owner: "live", leaseSeconds: 30, limit: 2)
        // Oldest first across both kinds: the expired b before the queued c; a (held) and d (newer) are not taken.
        #expect(taken.map(\.record.id) == [b.id, c.id])
        #expect(taken.map(\.lease.attempt) == [2, 1])
        #expect(taken.allSatisfy { $0.record.status == .running && $0.record.startedAt.map { $0.timeIntervalSince(before) > -1 } == true })
        #expect(try store.claim(owner: "live", leaseSeconds: 30, limit: 8).map(\.record.id) == [d.id])
        #expect(try store.claim(owner: "live", leaseSeconds: 30, limit: 8).isEmpty)
    }

    @Test(arguments: backends) func renewingKeepsALeaseAlive(_ backend: StoreBackend) async throws {
        let store = try backend.makeStore()
        try store.insert(try makeRecord())
        let c = try #require(try store.claim(owner: "w", leaseSeconds: 30))
        // A renewal sets the expiry to now + leaseSeconds: shortened to 1 ms the lease lapses; renewed
        // for 30 s before anyone claims it, it holds again. No step depends on how fast the test runs.
        #expect(try store.renew([c.lease], owner: "w", leaseSeconds: 0.001) == [c.lease: .held])
        #expect(try store.renew([c.lease], owner: "w", leaseSeconds: 30) == [c.lease: .held])
        #expect(try store.claim(owner: "other", leaseSeconds: 30) == nil)
    }

    @Test(arguments: backends) func cancellation(_ backend: StoreBackend) throws {
        let store = try backend.makeStore()
        let queued = try makeRecord(), running = try makeRecord()
        try store.insert(running); try store.insert(queued)
        let c = try #require(try store.claim(owner: "w", leaseSeconds: 30))
        #expect(c.record.id == running.id)
        #expect(try store.cancelQueued(running.id) == nil)  // running: not cancellable that way
        #expect(try store.requestCancel(running.id))
        #expect(try store.renew([c.lease], owner: "w", leaseSeconds: 30) == [c.lease: .cancelRequested])
        let cancelled = try #require(try store.cancelQueued(queued.id))
        #expect(cancelled.status == .cancelled && cancelled.finishedAt != nil)
        #expect(try store.cancelQueued(queued.id) == nil)
        #expect(try !store.requestCancel(queued.id))
        #expect(try store.claim(owner: "w", leaseSeconds: 30) == nil)
    }

    @Test(arguments: backends) func releaseRequeuesWithoutTrajectory(_ backend: StoreBackend) throws {
        let store = try backend.makeStore()
        let (r, c) = try running(in: store, rows: 4)
        #expect(try store.release(c.lease))
        let back = try #require(try store.experiment(r.id))
        #expect(back.status == .queued && back.stepsDone == 0 && back.startedAt == nil)
        #expect(try store.trajectory(r.id, dimension: 2).count == 0)
        #expect(try store.claim(owner: "w", leaseSeconds: 30)?.lease.attempt == 2)
    }

    @Test(arguments: backends) func requeueRunningRecoversEverythingRunning(_ backend: StoreBackend) throws {
        let store = try backend.makeStore()
        for _ in 0..<3 { try store.insert(try makeRecord()) }
        let c = try #require(try store.claim(owner: "w", leaseSeconds: 30))
        _ = try store.appendChunk(c.lease, index: 0, chunk: chunk(0..<2), stepsDone: 2, leaseSeconds: 30)
        _ = try store.claim(owner: "w", leaseSeconds: 30)
        #expect(try store.requeueRunning() == 2)
        #expect(try store.queuedCount() == 3)
        #expect(try store.trajectory(c.record.id, dimension: 2).count == 0)
    }

    @Test(arguments: backends) func deleteRemovesTheTrajectoryAndFencesTheRun(_ backend: StoreBackend) throws {
        let store = try backend.makeStore()
        let (r, c) = try running(in: store, rows: 2)
        try store.delete(r.id)
        #expect(try store.experiment(r.id) == nil)
        #expect(try store.trajectory(r.id, dimension: 2).count == 0)
        #expect(try !store.appendChunk(c.lease, index: 1, chunk: chunk(2..<3), stepsDone: 3, leaseSeconds: 30))
        #expect(try store.complete(c.lease, status: .succeeded, summary: nil, error: nil, stepsDone: 3) == nil)
        #expect(try store.renew([c.lease], owner: "w", leaseSeconds: 30) == [c.lease: .lost])
    }

    @Test(arguments: backends) func updateAndStudies(_ backend: StoreBackend) throws {
        let store = try backend.makeStore()
        var r = try makeRecord()
        try store.insert(r)
        r.status = .failed; r.errorCode = "x"; r.errorMessage = "why"; r.finishedAt = Date(timeIntervalSince1970: 1_800_000_001.5)
        try store.update(r)
        let got = try #require(try store.experiment(r.id))
        #expect(got.status == .failed && got.errorCode == "x" && got.errorMessage == "why" && got.finishedAt == r.finishedAt)
        let s = StudyRecord(id: "std_1", name: "grid", createdAt: Date(timeIntervalSince1970: 1_800_000_000.25),
                            experimentIDs: [r.id, "exp_b"], labels: ["lr=0.1", "lr=0.01"], lossTarget: 1e-3)
        try store.insertStudy(s)
        #expect(try store.study("std_1") == s)
        #expect(try store.study("std_2") == nil)
        #expect(store.isWritable())
    }

    @Test(arguments: backends) func closedStoreFails(_ backend: StoreBackend) throws {
        let store = try backend.makeStore()
        try store.close()
        #expect(throws: (any Error).self) { try store.insert(try makeRecord()) }
    }
}
