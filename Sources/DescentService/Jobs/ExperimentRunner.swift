import DescentCore
import Foundation
import Logging
import Synchronization

/// Runs experiments: worker threads claim queued experiments from the store under a lease, run them,
/// and hand trajectory chunks and results to a `QueueWriter`, which group-commits them fenced by that
/// lease; a heartbeat renews the leases (of runs still running and of those whose result is not yet written).
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
    /// Run by `stop()` once the workers and the writer are done: work that reads the store on threads of its own and
    /// must end before the store is closed (the study driver's passes).
    private let stopHooks = Mutex<[@Sendable () -> Void]>([])
    private let stopping = Atomic<Bool>(false)
    private let signal = WorkSignal()
    private let heartbeatStop = DispatchSemaphore(value: 0)
    private let threadsDone = DispatchGroup()
    private let workerCount: Int
    private let writer: QueueWriter
    private let admission: AdmissionGroupCommit
    /// Publishes the events of committed writes, in order, off the writer thread (with PostgreSQL each
    /// publication is a round trip, which must not hold up the next group commit).
    private let publisher = DispatchQueue(label: "descent-events")
    /// Runs claimed for this instance's workers when their study's driver inserted them (`StudyHandoff`), oldest first,
    /// each with its job (registered at once: the heartbeat renews its lease, and hands it back to the queue if no
    /// worker starts it within `maxClaimWait`).
    private let handed = Mutex<[(Claim, Job)]>([])
    /// Whether the workers' last runs were short (see `workLoop`): only then does the study driver hand runs over.
    private let runsAreShort = Atomic<Bool>(false)
    /// Most experiments one claim takes when runs are short (see `workLoop`).
    static let maxClaimBatch = 32
    /// A run shorter than this (seconds) counts as short: its worker claims more at a time.
    static let shortRun = 0.02

    /// Bookkeeping of one running job on this instance.
    private final class Job: Sendable {
        let lease: Lease
        let control = RunControl()
        /// Set when the lease was lost (taken over, deleted): the run must write nothing more.
        let lost = Atomic<Bool>(false)
        /// Set when a chunk could not be committed: the run stops and is recorded as failed.
        let storeFailed = Atomic<Bool>(false)
        /// `waiting` from the claim until its worker starts it (`started`) or the heartbeat hands it back to the
        /// queue (`handedBack`): whichever comes first, by compare-and-exchange, so a job is never both.
        let phase = Atomic<Int>(Job.waiting)
        /// When it was claimed.
        let claimed = ContinuousClock.now
        static let waiting = 0, started = 1, handedBack = 2
        init(_ lease: Lease) { self.lease = lease }

        /// Claims the job for its worker; false when the heartbeat has handed it back.
        func start() -> Bool {
            phase.compareExchange(expected: Job.waiting, desired: Job.started, ordering: .acquiringAndReleasing).exchanged
        }
    }

    /// How long a claimed job may wait behind the other runs of its worker's batch before the heartbeat hands it
    /// back to the queue (seconds). Why: a worker claims up to `maxClaimBatch` at a time after short runs, and a long
    /// run at the head of such a batch held the rest behind it — a 300-step run queued just after a run until
    /// cancelled waited for that run's end while the other worker was idle.
    static let maxClaimWait = 1.0

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
        self.writer = QueueWriter(store: store, leaseSeconds: leaseSeconds, logger: logger)
        self.admission = AdmissionGroupCommit(store: store, queueCapacity: queueCapacity)
        var host = [CChar](repeating: 0, count: 256)
        gethostname(&host, host.count - 1)
        let hostName = String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        instanceID = "\(hostName)-\(getpid())-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
    }

    /// How the study driver hands its new trials' runs to these workers (`StudyHandoff`); nil unless this process is
    /// the store's one user (`recoverAtStart`, i.e. SQLite). While the last runs were short, the workers take up to two
    /// claims' worth each waiting; while they were long, none (a long run is claimed one at a time, so that other
    /// workers share a study's runs).
    var studyHandoff: StudyHandoff? {
        guard recoverAtStart else { return nil }
        let capacity = workerCount * 2 * Self.maxClaimBatch
        return StudyHandoff(owner: instanceID, leaseSeconds: leaseSeconds, room: { [weak self] in
            guard let self, !self.stopping.load(ordering: .relaxed), self.runsAreShort.load(ordering: .relaxed) else { return 0 }
            return max(0, capacity - self.handed.withLock { $0.count })
        }, take: { [weak self] records in self?.take(records) })
    }

    /// Registers runs claimed for this instance (status running, attempt 1) and wakes the workers.
    private func take(_ records: [ExperimentRecord]) {
        let items = register(records.map { Claim(record: $0, lease: Lease(id: $0.id, attempt: $0.attempt), cancelRequested: false) })
        handed.withLock { $0 += items }
        signal.notify()
    }

    /// A job per claim, registered before any of them runs: the heartbeat renews them all and cancels reach them while
    /// they wait.
    private func register(_ claims: [Claim]) -> [(Claim, Job)] {
        claims.map { claim in
            let job = Job(claim.lease)
            if claim.cancelRequested { job.control.cancel() }
            jobs.withLock { $0[claim.lease.id] = job }
            return (claim, job)
        }
    }

    /// Up to `limit` of the handed runs, oldest first.
    private func takeHanded(limit: Int) -> [(Claim, Job)] {
        handed.withLock { items in
            let n = min(limit, items.count)
            defer { items.removeFirst(n) }
            return Array(items.prefix(n))
        }
    }

    /// Re-queues leftovers (SQLite), starts listening for work, then the workers and the heartbeat.
    public func start() throws {
        if recoverAtStart {
            let n = try store.requeueRunning()
            if n > 0 { logger.info("recovered unfinished experiments", metadata: ["count": "\(n)"]) }
        }
        try coordination.start(hub: hub, work: { [signal] in signal.notify() }, cancel: { [weak self] id in self?.stopLocal(id) })
        updateQueueDepth()
        writer.start()
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
        let deadline = DispatchTime.now() + .nanoseconds(Int(timeout.components.seconds) * 1_000_000_000)
        _ = threadsDone.wait(timeout: deadline)
        // Handed runs no worker started go back to the queue (as a run interrupted by the stop does).
        for (_, job) in takeHanded(limit: .max) where job.start() {
            forget(job)
            try? requeue(job.lease)
        }
        writer.close(timeout: deadline)  // after the workers: their last results are committed
        publisher.sync {}  // and their events sent
        for hook in stopHooks.withLock({ $0 }) { hook() }
        coordination.stop()
    }

    /// Adds work for `stop()` to do after the workers and the writer have stopped and before it returns (the host
    /// closes the store after that): a component that reads the store on a thread of its own ends there.
    public func onStop(_ body: @escaping @Sendable () -> Void) {
        stopHooks.withLock { $0.append(body) }
    }

    /// Stores new queued experiments, admitted atomically against `queueCapacity` (all or none), in a
    /// transaction shared with concurrent submissions (`AdmissionGroupCommit`), and wakes the workers.
    /// Throws `StoreError` (queue full, duplicate idempotency key) or the store's own error.
    public func enqueue(_ records: [ExperimentRecord]) throws {
        try admission.insert(records)
        announceWork()
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

    /// Claims and runs experiments until stopped. A worker claims one at a time while runs are long (so
    /// other workers and instances share them); after a short run it claims up to `maxClaimBatch` per
    /// claim transaction, which spreads the claim's cost over many short runs.
    private func workLoop() {
        var batch = 1
        while !stopping.load(ordering: .relaxed) {
            let seen = signal.current
            // Runs handed over by the study driver first: they are claimed already.
            var claimed = takeHanded(limit: Self.maxClaimBatch)
            if claimed.isEmpty {
                var claims: [Claim]
                do {
                    claims = try store.claim(owner: instanceID, leaseSeconds: leaseSeconds, limit: batch)
                    claims += try studyMembers(after: claims)
                } catch {
                    metrics.storeErrors.increment()
                    logger.error("could not claim work", metadata: ["error": "\(error)"])
                    signal.wait(after: seen, timeout: 1)
                    continue
                }
                guard !claims.isEmpty else {
                    // Poll as well as wait: expired leases of dead instances are noticed within a second.
                    signal.wait(after: seen, timeout: 1)
                    continue
                }
                claimed = register(claims)
            }
            let start = ContinuousClock.now
            runAll(claimed)
            let perRun = (ContinuousClock.now - start) / claimed.count
            let short = perRun < .seconds(Self.shortRun)
            runsAreShort.store(short, ordering: .relaxed)
            batch = short ? min(Self.maxClaimBatch, batch * 2) : 1
        }
    }

    /// Renews the leases of this instance's running jobs a few times per lease period; stops jobs whose
    /// lease was lost and those someone asked to cancel; hands back runs waiting behind a long one soon after
    /// `maxClaimWait`. Ends when `stop` signals `heartbeatStop`.
    private func heartbeatLoop() {
        let renewEvery = max(0.05, leaseSeconds / 3), tick = min(renewEvery, Self.maxClaimWait / 2)
        var lastRenewal = ContinuousClock.now
        while heartbeatStop.wait(timeout: .now() + tick) == .timedOut {
            var current = jobs.withLock { Array($0.values) }
            current = current.filter { !handBackIfWaiting($0) }
            // The queue depth and the renewal (a store write) only once per renewal period.
            guard ContinuousClock.now - lastRenewal >= .seconds(renewEvery - tick / 2) else { continue }
            lastRenewal = ContinuousClock.now
            updateQueueDepth()
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

    /// Hands `job` back to the queue if it has waited behind its batch for longer than `maxClaimWait`; true if it did
    /// (the job is then no longer this instance's: its worker skips it, and any worker may claim it again).
    private func handBackIfWaiting(_ job: Job) -> Bool {
        guard ContinuousClock.now - job.claimed > .seconds(Self.maxClaimWait),
              job.phase.compareExchange(expected: Job.waiting, desired: Job.handedBack, ordering: .acquiringAndReleasing).exchanged
        else { return false }
        forget(job)
        do {
            try requeue(job.lease)
        } catch {
            metrics.storeErrors.increment()
            logger.error("could not hand a waiting run back to the queue", metadata: ["id": "\(job.lease.id)", "error": "\(error)"])
        }
        return true
    }

    /// Puts a claimed run back in the queue for this or another instance (nothing if its lease is no longer held) and
    /// says so.
    private func requeue(_ lease: Lease) throws {
        guard try store.release(lease) else { return }
        coordination.publish(lease.id, .status(.queued))
        coordination.announceWork()
    }

    /// More queued members of the first claim's study when it can run in lockstep, up to `maxClaimBatch` in all:
    /// a study's same-shape members then advance together (`runAll`) instead of one by one.
    private func studyMembers(after claims: [Claim]) throws -> [Claim] {
        guard let first = claims.first, let study = first.record.studyID, claims.count < Self.maxClaimBatch,
              let experiment = try? first.record.spec.validated(limits: limits),
              LockstepShape(objective: experiment.objective, optimizer: experiment.optimizer,
                            configuration: experiment.configuration) != nil
        else { return [] }
        return try store.claim(owner: instanceID, leaseSeconds: leaseSeconds, limit: Self.maxClaimBatch - claims.count, study: study)
    }

    /// Runs claimed experiments in claim order: those of one lockstep shape together (`Trainer.runLockstep`,
    /// each member's trajectory and result exactly those of its run alone), the others one by one.
    private func runAll(_ claimed: [(Claim, Job)]) {
        let experiments: [Result<Experiment, SpecError>] = claimed.map { claim, _ in
            Result { () throws(SpecError) in try claim.record.spec.validated(limits: limits).pruned(by: claim.record.pruneRule) }
        }
        let shapes = experiments.map { e in
            (try? e.get()).flatMap { LockstepShape(objective: $0.objective, optimizer: $0.optimizer, configuration: $0.configuration) }
        }
        let groups = LockstepShape.groups(shapes, limit: Self.maxClaimBatch).filter { $0.count > 1 }
        let leaders = Dictionary(uniqueKeysWithValues: groups.map { ($0[0], $0) })
        let grouped = Set(groups.joined())
        for (i, (claim, job)) in claimed.enumerated() {
            if let group = leaders[i] {
                // The members the heartbeat has not handed back meanwhile.
                runLockstep(group.compactMap { k in
                    (try? experiments[k].get()).flatMap { e in claimed[k].1.start() ? (claimed[k].1, e) : nil }
                })
            } else if !grouped.contains(i), job.start() {
                run(claim, job, experiments[i])
            }
        }
    }

    private func run(_ claim: Claim, _ job: Job, _ validated: Result<Experiment, SpecError>) {
        let experiment: Experiment
        do {
            experiment = try validated.get()
        } catch {
            finish(job, RunOutcome(status: .failed, summary: nil, error: ("invalid_spec", error.description), stepsDone: 0))
            return
        }
        begin(job)
        let result = Trainer.run(objective: experiment.objective, optimizer: experiment.optimizer,
                                 configuration: Self.streamed(experiment.configuration), control: job.control,
                                 progressEvery: Self.progressEvery(experiment), onProgress: recorder(job))
        conclude(job, result.summary)
    }

    /// Runs experiments of one lockstep shape together; each member is concluded as soon as it stops.
    private func runLockstep(_ members: [(Job, Experiment)]) {
        guard let first = members.first?.1 else { return }
        for (job, _) in members { begin(job) }
        let group = members.map { job, e in
            LockstepMember(objective: e.objective, optimizer: e.optimizer, configuration: Self.streamed(e.configuration), control: job.control,
                           onProgress: recorder(job), onFinish: { [self] summary in conclude(job, summary) })
        }
        _ = Trainer.runLockstep(group, progressEvery: Self.progressEvery(first))
    }

    /// A run's configuration as the workers run it: rows go to the store in chunks only (`keepsTrajectory` false),
    /// since nothing here reads the result's trajectory; the run then reuses one chunk's worth of row memory
    /// instead of touching a whole trajectory's (the same rows, bit for bit: `WindowedRecordingTests`).
    private static func streamed(_ configuration: TrainingConfiguration) -> TrainingConfiguration {
        var c = configuration
        c.keepsTrajectory = false
        return c
    }

    /// Steps between a run's progress chunks: about 100 per run, at least 8,192 steps (or the whole run).
    private static func progressEvery(_ experiment: Experiment) -> Int {
        let steps = experiment.configuration.steps
        return min(steps, max(8192, steps / 100))
    }

    /// Marks a claimed run as started.
    private func begin(_ job: Job) {
        if stopping.load(ordering: .relaxed) { job.control.cancel() }
        coordination.publish(job.lease.id, .status(.running))
        metrics.runningJobs.add(1)
    }

    /// The progress receiver of `job`'s run: encodes each chunk on this worker and hands it to the writer.
    private func recorder(_ job: Job) -> (TrajectoryChunk) -> Void {
        let lease = job.lease, id = lease.id
        var encoder = TrajectoryEncoder()
        return { [self] chunk in
            guard !job.storeFailed.load(ordering: .relaxed), !job.lost.load(ordering: .relaxed) else { return }
            guard chunk.records.count > 0 || !chunk.records.epochs.isEmpty || !chunk.records.sharpness.isEmpty
                    || !chunk.records.layerStats.isEmpty else { return }
            let progress = chunk.records.loss.last.flatMap { loss in
                chunk.records.step.last.map { ExperimentEvent.progress(stepsDone: chunk.stepsDone, step: $0, loss: loss) }
            }
            let stored = encoder.encode(chunk.records)
            for (i, part) in stored.enumerated() {
                // Progress is published once the chunk is committed: a client that reads on it finds the rows.
                let event = i == stored.count - 1 ? progress : nil
                writer.enqueue(.chunk(lease, part, stepsDone: chunk.stepsDone)) { [self] outcome in
                    switch outcome {
                    case .written: if let event { publisher.async { [coordination] in coordination.publish(id, event) } }
                    case .lost:
                        job.lost.store(true, ordering: .relaxed)
                        job.control.cancel()
                    case .failed(let reason):
                        if !job.storeFailed.exchange(true, ordering: .relaxed) {
                            metrics.storeErrors.increment()
                            logger.error("could not store a trajectory chunk", metadata: ["id": "\(id)", "error": "\(reason)"])
                        }
                        job.control.cancel()
                    }
                }
            }
        }
    }

    /// Records how a run that began ended: its result, or back to the queue at shutdown, or nothing if its lease was lost.
    private func conclude(_ job: Job, _ summary: RunSummary) {
        let lease = job.lease, id = lease.id
        metrics.runningJobs.add(-1)
        metrics.steps.increment(by: Double(summary.stepsRun))
        if job.lost.load(ordering: .relaxed) {
            logger.notice("lease lost; the run stopped without finishing", metadata: ["id": "\(id)", "attempt": "\(lease.attempt)"])
            forget(job)
            return
        }
        let storeFailed = job.storeFailed.load(ordering: .relaxed)
        if stopping.load(ordering: .relaxed), summary.stopReason == .cancelled, !storeFailed {
            // Shutdown, not a user's cancel: back to the queue for this or another instance. Chunks still
            // waiting in the writer are fenced out once the lease is released.
            try? requeue(lease)
            forget(job)
            return
        }
        if storeFailed {
            finish(job, RunOutcome(status: .failed, summary: nil, error: ("store_error", "could not store the trajectory"),
                                   stepsDone: summary.stepsRun))
            return
        }
        let status: ExperimentStatus
        switch summary.stopReason {
        case .diverged: status = .diverged
        case .cancelled: status = .cancelled
        case .pruned: status = .pruned
        default: status = .succeeded
        }
        finish(job, RunOutcome(status: status, summary: summary, stepsDone: summary.stepsRun))
    }

    /// Hands the result to the writer; once it is committed the run is reported finished. The job stays
    /// registered (its lease renewed) until then.
    private func finish(_ job: Job, _ outcome: RunOutcome) {
        let lease = job.lease
        writer.enqueue(.result(lease, outcome)) { [self] written in
            forget(job)
            switch written {
            case .written:
                metrics.finished.increment(label: outcome.status.rawValue)
                publisher.async { [coordination, hub] in
                    hub.stored(lease.id, ExperimentEnd(status: outcome.status, summary: outcome.summary))
                    coordination.publish(lease.id, [.status(outcome.status), .end])
                }
            case .lost:
                logger.notice("lease lost before the result was stored", metadata: ["id": "\(lease.id)", "attempt": "\(lease.attempt)"])
            case .failed(let reason):
                // The lease is no longer renewed: it expires and another attempt runs the experiment again.
                metrics.storeErrors.increment()
                logger.error("could not store result", metadata: ["id": "\(lease.id)", "error": "\(reason)"])
            }
        }
    }

    /// Stops renewing `job`'s lease (unless a newer job of the same experiment took its place).
    private func forget(_ job: Job) {
        jobs.withLock { jobs in
            if jobs[job.lease.id] === job { jobs[job.lease.id] = nil }
        }
    }
}
