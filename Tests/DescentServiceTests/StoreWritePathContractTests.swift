import DescentCore
import Foundation
import Synchronization
import Testing
@testable import DescentService

/// The write path's part of the store contract: group commit fenced per lease, claims of several
/// experiments, admission inside the insert, batch inserts all or none. Run against every backend.
extension StoreContractTests {
    private func rows(_ steps: Range<Int>) -> Trajectory {
        var t = Trajectory(dimension: 2)
        for s in steps {
            t.step.append(s); t.epoch.append(0); t.lr.append(0.1); t.loss.append(1 / Double(s + 1))
            t.gradNorm.append(Double(s)); t.params += [Double(s), -Double(s)]
        }
        return t
    }

    private func chunk(_ lease: Lease, _ index: Int, _ steps: Range<Int>) -> QueueWrite {
        .chunk(lease, StoredChunk(index: index, records: rows(steps)), stepsDone: steps.upperBound)
    }

    @Test(arguments: backends) func groupCommitWritesHeldLeasesAndNothingOfALostOne(_ backend: StoreBackend) throws {
        let store = try backend.makeStore()
        let a = try makeRecord(name: "a"), b = try makeRecord(name: "b"), c = try makeRecord(name: "c")
        try store.insert([a, b, c], queueCapacity: nil)
        let claims = try store.claim(owner: "w", leaseSeconds: 30, limit: 3)
        #expect(claims.map(\.record.id) == [a.id, b.id, c.id])
        let (la, lb, lc) = (claims[0].lease, claims[1].lease, claims[2].lease)
        #expect(try store.release(lb))  // b's lease is lost: back in the queue
        let outcome = RunOutcome(status: .succeeded, summary: nil, stepsDone: 7)
        let held = try store.commit([chunk(la, 0, 0..<4), chunk(lb, 0, 0..<4), chunk(lc, 0, 0..<5), chunk(la, 1, 4..<7),
                                     .result(la, outcome), .result(lb, outcome)], leaseSeconds: 30)
        #expect(held == [true, false, true, true, true, false])
        #expect(try store.trajectory(a.id, dimension: 2) == rows(0..<7))
        #expect(try store.trajectory(b.id, dimension: 2).count == 0)
        #expect(try store.trajectory(c.id, dimension: 2) == rows(0..<5))
        let doneA = try #require(try store.experiment(a.id))
        #expect(doneA.status == .succeeded && doneA.stepsDone == 7 && doneA.finishedAt != nil)
        let queuedB = try #require(try store.experiment(b.id))
        #expect(queuedB.status == .queued && queuedB.stepsDone == 0)
        let runningC = try #require(try store.experiment(c.id))
        #expect(runningC.status == .running && runningC.stepsDone == 5)
        // A finished run's lease is spent: nothing more is written under it.
        #expect(try store.commit([chunk(la, 2, 7..<8)], leaseSeconds: 30) == [false])
        #expect(try store.commit([], leaseSeconds: 30).isEmpty)
    }

    @Test(arguments: backends) func groupCommitRecordsFailuresWithTheirError(_ backend: StoreBackend) throws {
        let store = try backend.makeStore()
        try store.insert(try makeRecord())
        let c = try #require(try store.claim(owner: "w", leaseSeconds: 30))
        let failed = RunOutcome(status: .failed, summary: nil, error: ("store_error", "could not store the trajectory"), stepsDone: 3)
        #expect(try store.commit([.result(c.lease, failed)], leaseSeconds: 30) == [true])
        let r = try #require(try store.experiment(c.record.id))
        #expect(r.status == .failed && r.errorCode == "store_error" && r.errorMessage == "could not store the trajectory" && r.stepsDone == 3)
    }

    @Test(arguments: backends) func oneClaimTakesSeveralOldestFirst(_ backend: StoreBackend) throws {
        let store = try backend.makeStore()
        let records = try (0..<5).map { try makeRecord(name: "r\($0)") }
        try store.insert(records, queueCapacity: nil)
        let first = try store.claim(owner: "w", leaseSeconds: 30, limit: 3)
        #expect(first.map(\.record.id) == records.prefix(3).map(\.id))
        #expect(first.allSatisfy { $0.record.status == .running && $0.lease.attempt == 1 && $0.record.startedAt != nil })
        #expect(try store.claim(owner: "w", leaseSeconds: 30, limit: 10).map(\.record.id) == records.suffix(2).map(\.id))
        #expect(try store.claim(owner: "w", leaseSeconds: 30, limit: 10).isEmpty)
    }

    @Test(arguments: backends) func batchInsertKeepsOrderAndIsAllOrNothing(_ backend: StoreBackend) throws {
        let store = try backend.makeStore()
        try store.insert(try makeRecord(key: "taken"))
        let batch = try [makeRecord(name: "x", key: "k1"), makeRecord(name: "y", key: "taken"), makeRecord(name: "z")]
        #expect(throws: StoreError.duplicateIdempotencyKey) { try store.insert(batch, queueCapacity: nil) }
        #expect(try batch.allSatisfy { try store.experiment($0.id) == nil })
        let twice = try [makeRecord(key: "twice"), makeRecord(key: "twice")]
        #expect(throws: StoreError.duplicateIdempotencyKey) { try store.insert(twice, queueCapacity: nil) }
        #expect(try store.queuedCount() == 1)
        let good = try (0..<4).map { try makeRecord(name: "g\($0)", key: "g\($0)") }
        try store.insert(good, queueCapacity: nil)
        let sequences = try good.map { try #require(try store.experiment($0.id)).sequence }
        #expect(sequences == sequences.sorted() && Set(sequences).count == 4)
        #expect(try store.experiment(idempotencyKey: "g2")?.id == good[2].id)
    }

    @Test(arguments: backends) func admissionIsPartOfTheInsert(_ backend: StoreBackend) throws {
        let store = try backend.makeStore()
        try store.insert(try (0..<8).map { _ in try makeRecord() }, queueCapacity: 10)
        #expect(throws: StoreError.queueFull(queued: 8, adding: 3, capacity: 10)) {
            try store.insert(try (0..<3).map { _ in try makeRecord() }, queueCapacity: 10)
        }
        #expect(try store.queuedCount() == 8)
        try store.insert(try (0..<2).map { _ in try makeRecord() }, queueCapacity: 10)
        #expect(throws: StoreError.queueFull(queued: 10, adding: 1, capacity: 10)) { try store.insert([try makeRecord()], queueCapacity: 10) }
        _ = try store.claim(owner: "w", leaseSeconds: 30, limit: 4)  // running ones do not count
        try store.insert(try (0..<4).map { _ in try makeRecord() }, queueCapacity: 10)
        #expect(try store.queuedCount() == 10)
    }

    @Test(arguments: backends) func groupedSubmissionsAreEachAllOrNothingInOneTransaction(_ backend: StoreBackend) throws {
        let store = try backend.makeStore()
        try store.insert(try makeRecord(key: "taken"))
        let fits = try (0..<3).map { _ in try makeRecord() }
        let reusesKey = try [makeRecord(key: "fresh"), makeRecord(key: "taken")]
        let tooMany = try (0..<3).map { _ in try makeRecord() }
        let lastFits = try [makeRecord(key: "fresh")]
        let results = try store.insert(groups: [fits, reusesKey, tooMany, lastFits], queueCapacity: 6)
        #expect(results.count == 4)
        #expect((try? results[0].get()) != nil)
        #expect(throws: StoreError.duplicateIdempotencyKey) { try results[1].get() }
        #expect(throws: StoreError.queueFull(queued: 4, adding: 3, capacity: 6)) { try results[2].get() }
        #expect((try? results[3].get()) != nil)
        #expect(try store.queuedCount() == 5)
        #expect(try (fits + lastFits).allSatisfy { try store.experiment($0.id) != nil })
        #expect(try (reusesKey + tooMany).allSatisfy { try store.experiment($0.id) == nil })
        #expect(try store.experiment(idempotencyKey: "fresh")?.id == lastFits[0].id)
    }

    @Test(arguments: backends) func concurrentSubmissionsNeverExceedTheCapacity(_ backend: StoreBackend) async throws {
        let store = try backend.makeStore()
        let accepted = Atomic<Int>(0), refused = Atomic<Int>(0), failed = Atomic<Int>(0)
        let group = DispatchGroup()
        for _ in 0..<8 {
            group.enter()
            Thread {
                for i in 0..<10 {
                    do {
                        let records = try (0..<(i % 3 + 1)).map { _ in try makeRecord() }
                        try store.insert(records, queueCapacity: 25)
                        accepted.add(records.count, ordering: .relaxed)
                    } catch let e as StoreError where e.isQueueFull {
                        refused.add(1, ordering: .relaxed)
                    } catch {
                        failed.add(1, ordering: .relaxed)
                    }
                }
                group.leave()
            }.start()
        }
        await withCheckedContinuation { done in group.notify(queue: .global()) { done.resume() } }
        #expect(failed.load(ordering: .relaxed) == 0)
        #expect(refused.load(ordering: .relaxed) > 0)
        let queued = try store.queuedCount()
        #expect(queued == accepted.load(ordering: .relaxed))
        #expect(queued <= 25 && queued >= 23)  // full up to a batch that did not fit
    }
}
