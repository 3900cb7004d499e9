import DescentCore
import Foundation
import Logging
import Synchronization

/// Owns the job queue and the worker threads: submits, runs, cancels and recovers experiments.
///
/// Workers are dedicated threads (not the Swift concurrency pool) so long numeric runs never
/// starve the HTTP handlers. Shared state lives in `Mutex`es; the store serialises its own writes.
public final class ExperimentRunner: Sendable {
    /// The store experiments live in.
    public let store: any Store
    /// Waiting jobs.
    public let queue: JobQueue
    /// Live events for SSE.
    public let hub: EventHub
    /// Counters and gauges.
    public let metrics: ServiceMetrics
    /// Spec limits applied at submission.
    public let limits: SpecLimits
    private let logger: Logger
    private let running = Mutex<[String: RunControl]>([:])
    private let requeueOnStop = Mutex<Set<String>>([])
    private let stopping = Atomic<Bool>(false)
    private let workersDone = DispatchGroup()
    private let workerCount: Int

    /// A runner over `store` with `workers` threads and a queue of `queueCapacity`.
    public init(store: any Store, workers: Int, queueCapacity: Int, limits: SpecLimits, metrics: ServiceMetrics, logger: Logger) {
        self.store = store
        self.queue = JobQueue(capacity: queueCapacity)
        self.hub = EventHub()
        self.metrics = metrics
        self.limits = limits
        self.logger = logger
        self.workerCount = max(1, workers)
    }

    /// Re-queues experiments left queued or running by a previous process, then starts the workers.
    public func start() throws {
        let leftovers = try store.unfinished()
        for var record in leftovers {
            try store.deleteTrajectory(record.id)
            record.status = .queued
            record.stepsDone = 0
            record.startedAt = nil
            try store.update(record)
            _ = queue.offer(record.id, force: true)
        }
        if !leftovers.isEmpty { logger.info("recovered unfinished experiments", metadata: ["count": "\(leftovers.count)"]) }
        metrics.queueDepth.set(Double(queue.depth))
        for i in 0..<workerCount {
            workersDone.enter()
            let thread = Thread { [self] in
                while let id = queue.take() {
                    metrics.queueDepth.set(Double(queue.depth))
                    run(id)
                }
                workersDone.leave()
            }
            thread.name = "descent-worker-\(i)"
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    /// Whether the workers are running.
    public var isRunning: Bool { !stopping.load(ordering: .relaxed) }

    /// Stops: no new jobs start; running ones are interrupted and put back to `queued`, so a restart
    /// reruns them from the start (results are deterministic). Waits up to `timeout` for workers.
    public func stop(timeout: Duration = .seconds(10)) {
        stopping.store(true, ordering: .relaxed)
        queue.close()
        let controls = running.withLock { $0 }
        requeueOnStop.withLock { $0.formUnion(controls.keys) }
        for c in controls.values { c.cancel() }
        _ = workersDone.wait(timeout: .now() + .nanoseconds(Int(timeout.components.seconds) * 1_000_000_000))
    }

    /// Cancels a queued or running experiment; a final one is returned unchanged.
    public func cancel(_ id: String) throws -> ExperimentRecord? {
        guard var record = try store.experiment(id) else { return nil }
        if record.status == .queued, queue.remove(id) {
            record.status = .cancelled
            record.finishedAt = Date()
            try store.update(record)
            metrics.queueDepth.set(Double(queue.depth))
            hub.publish(id, .status(.cancelled))
            hub.publish(id, .end)
            return record
        }
        if let control = running.withLock({ $0[id] }) { control.cancel() }
        return record
    }

    /// Removes an experiment and its data, cancelling it first.
    public func delete(_ id: String) throws -> Bool {
        guard try store.experiment(id) != nil else { return false }
        _ = queue.remove(id)
        if let control = running.withLock({ $0[id] }) { control.cancel() }
        try store.delete(id)
        hub.publish(id, .end)
        return true
    }

    /// Queues a stored experiment; false when the queue is full.
    public func enqueue(_ id: String) -> Bool {
        let ok = queue.offer(id)
        metrics.queueDepth.set(Double(queue.depth))
        return ok
    }

    private func run(_ id: String) {
        guard var record = try? store.experiment(id), record.status == .queued else { return }
        let experiment: Experiment
        do {
            experiment = try record.spec.validated(limits: limits)
        } catch {
            finish(&record, status: .failed, summary: nil, error: ("invalid_spec", error.description))
            return
        }
        let control = RunControl()
        running.withLock { $0[id] = control }
        defer { running.withLock { $0[id] = nil } }
        record.status = .running
        record.startedAt = Date()
        record.stepsDone = 0
        do {
            try store.deleteTrajectory(id)
            try store.update(record)
        } catch {
            metrics.storeErrors.increment()
            finish(&record, status: .failed, summary: nil, error: ("store_error", "\(error)"))
            return
        }
        hub.publish(id, .status(.running))
        metrics.runningJobs.add(1)
        defer { metrics.runningJobs.add(-1) }
        var chunkIndex = 0
        var storeFailed = false
        let steps = record.spec.steps
        let every = min(steps, max(8192, steps / 100))
        let result = experiment.run(control: control, progressEvery: every) { [self] chunk in
            guard !storeFailed else { return }
            do {
                if chunk.records.count > 0 || !chunk.records.epochs.isEmpty {
                    try store.appendChunk(id, index: chunkIndex, chunk: chunk.records, stepsDone: chunk.stepsDone)
                    chunkIndex += 1
                }
            } catch {
                storeFailed = true
                metrics.storeErrors.increment()
                control.cancel()
            }
            if let loss = chunk.records.loss.last, let step = chunk.records.step.last {
                hub.publish(id, .progress(stepsDone: chunk.stepsDone, step: step, loss: loss))
            }
        }
        metrics.steps.increment(by: Double(result.summary.stepsRun))
        guard (try? store.experiment(id)) != nil else { return }  // deleted while running
        if requeueOnStop.withLock({ $0.remove(id) != nil }) {
            record.status = .queued
            record.startedAt = nil
            record.stepsDone = 0
            try? store.deleteTrajectory(id)
            try? store.update(record)
            return
        }
        record.stepsDone = result.summary.stepsRun
        if storeFailed {
            finish(&record, status: .failed, summary: nil, error: ("store_error", "could not store the trajectory"))
            return
        }
        let status: ExperimentStatus
        switch result.summary.stopReason {
        case .diverged: status = .diverged
        case .cancelled: status = .cancelled
        default: status = .succeeded
        }
        finish(&record, status: status, summary: result.summary, error: nil)
    }

    private func finish(_ record: inout ExperimentRecord, status: ExperimentStatus, summary: RunSummary?, error: (String, String)?) {
        record.status = status
        record.summary = summary
        record.errorCode = error?.0
        record.errorMessage = error?.1
        record.finishedAt = Date()
        do { try store.update(record) } catch {
            metrics.storeErrors.increment()
            logger.error("could not store result", metadata: ["id": "\(record.id)", "error": "\(error)"])
        }
        metrics.finished.increment(label: status.rawValue)
        hub.publish(record.id, .status(status))
        hub.publish(record.id, .end)
    }
}
