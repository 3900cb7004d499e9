import Foundation

/// Inserts concurrent submissions in shared transactions (group commit for admission): a submitter that
/// finds no commit under way commits everything pending — its own submission and those that arrived
/// meanwhile — in one `Store.insert(groups:queueCapacity:)`; the others wait for their result. When more
/// arrived during that commit, the first of them leads the next one. Each submission stays all or none and
/// is admitted in arrival order against the capacity. Uncontended, a submission commits at once, alone.
///
/// Why: every write transaction has a fixed cost (SQLite rewrites the touched pages into its WAL; PostgreSQL
/// takes the admission lock and a round trip per statement); with many clients, one transaction for all
/// pending submissions pays it once.
final class AdmissionGroupCommit: @unchecked Sendable {  // `pending` and `committing` are guarded by `lock`
    /// One submission waiting for its commit.
    private final class Submission: @unchecked Sendable {  // `result` is written before `wake` is signalled
        let records: [ExperimentRecord]
        var result: Result<Void, any Error>?
        let wake = DispatchSemaphore(value: 0)
        init(_ records: [ExperimentRecord]) { self.records = records }
    }

    private let store: any Store
    private let queueCapacity: Int
    private let lock = NSLock()
    private var pending: [Submission] = []
    private var committing = false

    /// Group commit into `store`, admitting against `queueCapacity` queued experiments.
    init(store: any Store, queueCapacity: Int) {
        self.store = store
        self.queueCapacity = queueCapacity
    }

    /// Inserts `records` all or none; throws `StoreError` (queue full, taken idempotency key) or the
    /// store's error. Blocks until committed.
    func insert(_ records: [ExperimentRecord]) throws {
        let me = Submission(records)
        let leads: Bool = lock.withLock {
            pending.append(me)
            defer { committing = true }
            return !committing
        }
        if !leads { me.wake.wait() }  // woken with a result, or (result still nil) to lead the next commit
        if me.result == nil { lead() }
        try me.result?.get()
    }

    private func lead() {
        let batch = lock.withLock {
            defer { pending = [] }
            return pending
        }
        let results: [Result<Void, any Error>]
        do {
            results = try store.insert(groups: batch.map(\.records), queueCapacity: queueCapacity).map { $0.mapError { $0 } }
        } catch {
            results = batch.map { _ in .failure(error) }
        }
        let next: Submission? = lock.withLock {
            if pending.isEmpty { committing = false }
            return pending.first
        }
        for (submission, result) in zip(batch, results) {
            submission.result = result
            submission.wake.signal()
        }
        next?.wake.signal()  // its result is nil: it leads the next commit
    }
}
