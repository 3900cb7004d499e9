import DescentCore
import Foundation
import Logging
import Synchronization

/// Runs experiments: worker threads claim queued experiments from the store under a lease, run them,
/// and write trajectory and result fenced by that lease; a heartbeat renews the leases.
///
/// The queue lives in the store, so with PostgreSQL any number of instances share it: a job is claimed
/// by one worker (`FOR UPDATE SKIP LOCKED`), a job whose instance died is claimed again once its lease
/// expires, and only the current attempt can finish it. Workers are dedicated threads (not the Swift
/// concurrency pool) so long numeric runs never starve the HTTP handlers.
public final class ExperimentRunner: Sendable {
    /// The store experiments live in.
    public let store: any Store
    /// Live events for SSE subscribers of this instance.
    public let hub: EventHub
    /// Messages between instances (or within this one).
    public let coordination: any Coordination
    /// Counters and gauges.
    public let metrics: ServiceMetrics
    /// Spec limits applied at submission.
    public let limits: SpecLimits
    /// Most queued experiments; submissions past it get 429.
    public let queueCapacity: Int
    /// This instance's name as a lease owner ("host-pid-random").
    public let instanceID: String
    /// Seconds a lease lasts without renewal: how long a dead instance's jobs wait before others take them.
    public let leaseSeconds: Double
    private let recoverAtStart: Bool
    private let logger: Logger
    private let jobs = Mutex<[String: Job]>([:])
    private let stopping = Atomic<Bool>(false)
    private let signal = WorkSignal()
    private let heartbeatStop = DispatchSemaphore(value: 0)
    private let threadsDone = DispatchGroup()
    private let workerCount: Int

    /// Bookkeeping of one running job on this instance.
    private final class Job: Sendable {
        let lease: Lease
        let control = RunControl()
        /// Set when the lease was lost (taken over, deleted): the run must write nothing more.
        let lost = Atomic<Bool>(false)
        init(_ lease: Lease) { self.lease = lease }
    }

    /// A runner over `store` with `workers` threads. `recoverAtStart` re-queues every running experiment
    /// at start (only right when this process is the store's sole user, i.e. SQLite).
    public init(store: any Store, coordination: any Coordination = LocalCoordination(), workers: Int, queueCapacity: Int,
                leaseSeconds: Double = 15, recoverAtStart: Bool = true, limits: SpecLimits, metrics: ServiceMetrics, logger: Logger) {
        self.store = store
        self.coordination = coordination
        self.hub = EventHub()
        self.metrics = metrics
        self.limits = limits
        self.queueCapacity = queueCapacity
        self.leaseSeconds = leaseSeconds
        self.recoverAtStart = recoverAtStart
        self.logger = logger
        self.workerCount = max(1, workers)
        var host = [CChar](repeating: 0, count: 256)
        gethostname(&host, host.count - 1)
        let hostName = String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        instanceID = "\(hostName)-\(getpid())-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
    }

    /// Re-queues leftovers (SQLite), starts listening for work, then the workers and the heartbeat.
    public func start() throws {
        if recoverAtStart {
            let n = try store.requeueRunning()
            if n > 0 { logger.info("recovered unfinished experiments", metadata: ["count": "\(n)"]) }
        }
        try coordination.start(hub: hub, work: { [signal] in signal.notify() }, cancel: { [weak self] id in self?.stopLocal(id) })
        updateQueueDepth()
        for i in 0..<workerCount { spawn("descent-worker-\(i)", stackSize: 8 << 20) { [self] in workLoop() } }
        spawn("descent-heartbeat", stackSize: 1 << 20) { [self] in heartbeatLoop() }
        logger.info("workers started", metadata: ["instance": "\(instanceID)", "workers": "\(workerCount)"])
    }

    private func spawn(_ name: String, stackSize: Int, _ body: @escaping @Sendable () -> Void) {
        threadsDone.enter()
        let thread = Thread { [threadsDone] in
            body()
            threadsDone.leave()
        }
        thread.name = name
        thread.stackSize = stackSize
        thread.start()
    }

    /// Whether the workers are running.
    public var isRunning: Bool { !stopping.load(ordering: .relaxed) }

    /// Stops: no new jobs start; running ones are interrupted and put back in the queue, where this or
    /// another instance reruns them from the start (results are deterministic). Waits up to `timeout`.
    public func stop(timeout: Duration = .seconds(10)) {
        guard !stopping.exchange(true, ordering: .relaxed) else { return }
        signal.close()
        heartbeatStop.signal()
        for job in jobs.withLock({ Array($0.values) }) { job.control.cancel() }
        _ = threadsDone.wait(timeout: .now() + .nanoseconds(Int(timeout.components.seconds) * 1_000_000_000))
        coordination.stop()
    }

    /// Whether `count` more experiments fit in the queue (the count read also refreshes the depth gauge).
    public func hasRoom(for count: Int) throws -> Bool {
        let depth = try store.queuedCount()
        metrics.queueDepth.set(Double(depth))
        return depth + count <= queueCapacity
    }

    /// Wakes workers here and on other instances after experiments were stored as queued.
    public func announceWork() { coordination.announceWork() }

    /// Cancels a queued or running experiment on whichever instance runs it; a final one is returned
    /// unchanged. A running one stops at its next step (its status turns `cancelled` shortly after).
    public func cancel(_ id: String) throws -> ExperimentRecord? {
        guard let record = try store.experiment(id) else { return nil }
        if record.status == .queued, let cancelled = try store.cancelQueued(id) {
            coordination.publish(id, [.status(.cancelled), .end])
            return cancelled
        }
        if try store.requestCancel(id) { coordination.announceCancel(id) }
        return try store.experiment(id) ?? record
    }

    /// Removes an experiment and its data; a run of it anywhere stops without writing more.
    public func delete(_ id: String) throws -> Bool {
        guard try store.experiment(id) != nil else { return false }
        try store.delete(id)
        coordination.announceCancel(id)
        coordination.publish(id, .end)
        return true
    }

    /// Stops the local run of `id`, if any (cancel or delete from any instance).
    private func stopLocal(_ id: String) {
        jobs.withLock { $0[id] }?.control.cancel()
    }

    /// Reads the queue depth into its gauge: at start and on every heartbeat (not per job or request).
    private func updateQueueDepth() {
        if let depth = try? store.queuedCount() { metrics.queueDepth.set(Double(depth)) }
    }

    private func workLoop() {
        while !stopping.load(ordering: .relaxed) {
            let seen = signal.current
            let claim: Claim?
            do {
                claim = try store.claim(owner: instanceID, leaseSeconds: leaseSeconds)
            } catch {
                metrics.storeErrors.increment()
                logger.error("could not claim work", metadata: ["error": "\(error)"])
                signal.wait(after: seen, timeout: 1)
                continue
            }
            guard let claim else {
                // Poll as well as wait: expired leases of dead instances are noticed within a second.
                signal.wait(after: seen, timeout: 1)
                continue
            }
            run(claim)
        }
    }

    /// Renews the leases of this instance's running jobs a few times per lease period; stops jobs whose
    /// lease was lost and those someone asked to cancel. Ends when `stop` signals `heartbeatStop`.
    private func heartbeatLoop() {
        let period = max(0.05, leaseSeconds / 3)
        while heartbeatStop.wait(timeout: .now() + period) == .timedOut {
            updateQueueDepth()
            let current = jobs.withLock { Array($0.values) }
            guard !current.isEmpty else { continue }
            do {
                let states = try store.renew(current.map(\.lease), owner: instanceID, leaseSeconds: leaseSeconds)
                for job in current {
                    switch states[job.lease] ?? .lost {
                    case .held: break
                    case .cancelRequested: job.control.cancel()
                    case .lost:
                        job.lost.store(true, ordering: .relaxed)
                        job.control.cancel()
                    }
                }
            } catch {
                metrics.storeErrors.increment()
                logger.error("could not renew leases", metadata: ["error": "\(error)"])
            }
        }
    }

    private func run(_ claim: Claim) {
        let lease = claim.lease
        let id = lease.id
        let experiment: Experiment
        do {
            experiment = try claim.record.spec.validated(limits: limits)
        } catch {
            finish(lease, status: .failed, summary: nil, error: ("invalid_spec", error.description), stepsDone: 0)
            return
        }
        let job = Job(lease)
        jobs.withLock { $0[id] = job }
        defer { jobs.withLock { $0[id] = nil } }
        if claim.cancelRequested || stopping.load(ordering: .relaxed) { job.control.cancel() }
        coordination.publish(id, .status(.running))
        metrics.runningJobs.add(1)
        defer { metrics.runningJobs.add(-1) }
        var encoder = TrajectoryEncoder()
        var storeFailed = false
        let steps = claim.record.spec.steps
        let every = min(steps, max(8192, steps / 100))
        let result = experiment.run(control: job.control, progressEvery: every) { [self] chunk in
            guard !storeFailed, !job.lost.load(ordering: .relaxed) else { return }
            do {
                if chunk.records.count > 0 || !chunk.records.epochs.isEmpty {
                    for stored in encoder.encode(chunk.records) {
                        let held = try store.appendChunk(lease, chunk: stored, stepsDone: chunk.stepsDone, leaseSeconds: leaseSeconds)
                        guard held else {
                            job.lost.store(true, ordering: .relaxed)
                            job.control.cancel()
                            return
                        }
                    }
                }
            } catch {
                storeFailed = true
                metrics.storeErrors.increment()
                logger.error("could not store a trajectory chunk", metadata: ["id": "\(id)", "error": "\(error)"])
                job.control.cancel()
            }
            if let loss = chunk.records.loss.last, let step = chunk.records.step.last {
                coordination.publish(id, .progress(stepsDone: chunk.stepsDone, step: step, loss: loss))
            }
        }
        metrics.steps.increment(by: Double(result.summary.stepsRun))
        if job.lost.load(ordering: .relaxed) {
            logger.notice("lease lost; the run stopped without finishing", metadata: ["id": "\(id)", "attempt": "\(lease.attempt)"])
            return
        }
        if stopping.load(ordering: .relaxed), result.summary.stopReason == .cancelled, !storeFailed {
            // Shutdown, not a user's cancel: back to the queue for this or another instance.
            if (try? store.release(lease)) == true {
                coordination.publish(id, .status(.queued))
                coordination.announceWork()
            }
            return
        }
        if storeFailed {
            finish(lease, status: .failed, summary: nil, error: ("store_error", "could not store the trajectory"), stepsDone: result.summary.stepsRun)
            return
        }
        let status: ExperimentStatus
        switch result.summary.stopReason {
        case .diverged: status = .diverged
        case .cancelled: status = .cancelled
        default: status = .succeeded
        }
        finish(lease, status: status, summary: result.summary, error: nil, stepsDone: result.summary.stepsRun)
    }

    private func finish(_ lease: Lease, status: ExperimentStatus, summary: RunSummary?, error: (String, String)?, stepsDone: Int) {
        let record: ExperimentRecord?
        do {
            record = try store.complete(lease, status: status, summary: summary, error: error.map { (code: $0.0, message: $0.1) },
                                        stepsDone: stepsDone)
        } catch {
            metrics.storeErrors.increment()
            logger.error("could not store result", metadata: ["id": "\(lease.id)", "error": "\(error)"])
            return  // the lease expires and another attempt runs it again
        }
        guard record != nil else {
            logger.notice("lease lost before the result was stored", metadata: ["id": "\(lease.id)", "attempt": "\(lease.attempt)"])
            return
        }
        metrics.finished.increment(label: status.rawValue)
        coordination.publish(lease.id, [.status(status), .end])
    }
}
