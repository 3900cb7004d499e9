import DescentCore

/// An experiment seen as a loss and the points its run passed through, for the analysis routes.
struct AnalysedExperiment {
    /// The stored experiment.
    let record: ExperimentRecord
    /// Its objective, optimizer and configuration, rebuilt from the spec (bit-identical to the run's).
    let experiment: Experiment

    /// Rebuilds `record`'s experiment; 422 when its objective cannot be analysed.
    init(_ record: ExperimentRecord, limits: SpecLimits, analysisLimits: AnalysisLimits) throws(ServiceError) {
        self.record = record
        do { experiment = try record.spec.validated(limits: limits) } catch {
            throw .invalid(field: "", message: "the experiment's spec no longer builds: \(error.message)", code: "invalid_spec")
        }
        if let mlp = experiment.objective as? MLPObjective, mlp.batchNorm != nil {
            throw .invalid(field: "", message: "batch-normalised models cannot be analysed: the running statistics their "
                           + "inference-mode loss uses are not recorded", code: "unsupported_objective")
        }
        let n = experiment.dimension
        if n > analysisLimits.maxDimension {
            throw .invalid(field: "", message: "the experiment has \(n) parameters; analysis takes at most \(analysisLimits.maxDimension)",
                           code: "too_large")
        }
    }

    /// The parameters at recorded step `step`, or at the end when nil.
    ///
    /// - Throws: 409 when the run has no final point yet; 422 when the run did not record parameters or
    ///   has no row at `step`.
    func point(at step: Int?, store: any Store, field: String = "step") throws -> (step: Int, params: [Double]) {
        guard let step else {
            guard record.status.isFinal, let summary = record.summary, summary.finalParams.count == experiment.dimension else {
                throw ServiceError.conflict("experiment '\(record.id)' has no final point (status \(record.status.rawValue)); "
                                            + "name a recorded step")
            }
            return (summary.stepsRun, summary.finalParams)
        }
        guard record.spec.recordParams else {
            throw ServiceError.invalid(field: field, message: "the run did not record parameters (record_params false); "
                                       + "only the final point can be analysed", code: "params_not_recorded")
        }
        var view = TrajectoryView()
        view.from = step
        view.to = step
        view.fields = [.params]
        let page = try store.view(record.id, dimension: experiment.dimension, view)
        guard page.rows.count > 0, page.rows.step[0] == step, page.rows.params.count >= experiment.dimension else {
            throw ServiceError.invalid(field: field, message: "step \(step) is not recorded (the run records every "
                                       + "\(record.spec.recordEvery) steps from 0 and has \(page.total) rows)", code: "step_not_recorded")
        }
        return (step, Array(page.rows.parameters(atRow: 0)))
    }
}
