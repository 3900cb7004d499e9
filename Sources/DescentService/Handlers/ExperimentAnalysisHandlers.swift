import DescentCore
import DescentHTTP

/// `POST /v1/experiments/{id}/analysis`: the Hessian spectrum at a recorded step or the final point.
struct ExperimentAnalysisHandlers: Sendable {
    let experiments: ExperimentHandlers
    let limits: AnalysisLimits

    /// The answer: where the analysis was made and the `SpectrumReport` there.
    struct Answer: Encodable {
        /// Which samples the loss was over.
        struct BatchUsed: Encodable {
            /// `full`, `epoch` or `indices`.
            var kind: String
            var epoch: Int?
            var index: Int?
            /// Samples in the batch.
            var size: Int
        }
        var experimentId: String
        var step: Int
        /// Whether `step` is the run's final point.
        var final: Bool
        var batch: BatchUsed
        var spectrum: SpectrumReport
    }

    func analyze(_ request: HTTPRequest) throws -> HTTPResponse {
        let record = try experiments.load(request)
        let body = try ExperimentAnalysisRequest(RequestDecoding.json(request), limits: limits)
        let subject = try AnalysedExperiment(record, limits: experiments.runner.limits, analysisLimits: limits)
        let (step, point) = try subject.point(at: body.step, store: experiments.store)
        let (objective, batch) = try restrict(subject, body.batch, step: step)
        try checkWork(body.options, objective)
        let report = analyzeSpectrum(objective, at: point, options: body.options)
        let answer = Answer(experimentId: record.id, step: step, final: body.step == nil, batch: batch, spectrum: report)
        return .json(try JSONCoding.encode(answer))
    }

    /// The objective over the selected samples, and what was selected.
    private func restrict(_ subject: AnalysedExperiment, _ selector: ExperimentAnalysisRequest.BatchSelector, step: Int)
        throws(ServiceError) -> (any Objective, Answer.BatchUsed) {
        let objective = subject.experiment.objective
        let spec = subject.record.spec
        let samples = objective.sampleCount
        if selector == .full { return (objective, .init(kind: "full", size: samples)) }
        guard samples > 0 else {
            throw .invalid(field: "batch", message: "the objective has no data; only the full loss exists", code: "invalid_value")
        }
        var batcher = Batcher(sampleCount: samples, batchSize: spec.batchSize, dropLast: spec.dropLast, seed: spec.seed)
        let perEpoch = batcher.batchesPerEpoch
        let indices: [Int], used: Answer.BatchUsed
        switch selector {
        case .full:
            return (objective, .init(kind: "full", size: samples))
        case .ofStep, .epoch:
            var (epoch, index) = (step / perEpoch, step % perEpoch)
            if case .epoch(let e, let i) = selector { (epoch, index) = (e, i) }
            guard index < perEpoch else {
                throw .invalid(field: "batch.index", message: "must be below the \(perEpoch) batches per epoch", code: "out_of_range")
            }
            batcher.startEpoch(epoch)
            guard case .indices(let rows) = batcher.batch(index) else { return (objective, .init(kind: "full", size: samples)) }
            indices = Array(rows)
            used = .init(kind: "epoch", epoch: epoch, index: index, size: indices.count)
        case .indices(let rows):
            if let bad = rows.firstIndex(where: { $0 >= samples }) {
                throw .invalid(field: "batch.indices[\(bad)]", message: "must be below the \(samples) training samples", code: "out_of_range")
            }
            indices = rows
            used = .init(kind: "indices", size: rows.count)
        }
        guard let restricted = BatchRestriction.restrict(objective, to: indices) else {
            throw .invalid(field: "batch", message: "the objective cannot be restricted to a batch", code: "invalid_value")
        }
        return (restricted, used)
    }

    /// 422 `too_large` when the options need more products or work than the limits allow.
    private func checkWork(_ options: SpectrumOptions, _ objective: any Objective) throws(ServiceError) {
        let n = objective.dimension
        let products = options.productBound(dimension: n)
        let work = Double(products) * Double(n) * Double(max(1, objective.sampleCount))
        guard products <= limits.maxProducts, work <= limits.maxWork else {
            throw .invalid(field: options.density == nil ? "trace" : "density",
                           message: "needs up to \(products) Hessian-vector products (\(work) parameter-sample operations); at most "
                           + "\(limits.maxProducts) products and \(limits.maxWork) operations: fewer probes or steps", code: "too_large")
        }
    }
}
