import DescentCore

/// A checked body of `POST /v1/analysis/batch-cost` (and its `.svg` twin):
/// `{"spec": <experiment spec with a dataset>, "batch_sizes": [1, 2, …], "epochs": 5, "repeats": 3, "split": "none"}`.
struct BatchCostRequest {
    /// The experiment whose model, optimizer, start and seed are timed (its `batch_size`, `steps` and
    /// recording members are replaced by the measurement's own).
    var experiment: Experiment
    /// The batch sizes, in increasing order.
    var batchSizes: [Int]
    /// Whole epochs per run (default 5).
    var epochs: Int
    /// Runs per batch size, the fastest kept (default 3).
    var repeats: Int
    /// A way of summing the batch to time beside the in-order sum (default `none`: the in-order sum alone).
    var split: BatchSplit
    /// The experiment's objective summed by `split`, when `split` is not `none`.
    var splitObjective: (any Objective)?

    /// Most batch sizes in one request (16).
    static let maxBatchSizes = 16
    /// Most epochs per run (1,000).
    static let maxEpochs = 1_000
    /// Most runs per batch size (20).
    static let maxRepeats = 20

    /// Checks every member; the work bound is `limits.maxLandscapeWork` (batch sizes × repeats × epochs ×
    /// samples × parameters, twice with a split: each sample gradient costs about one pass over the parameters).
    init(_ body: SpecValue, specLimits: SpecLimits, limits: AnalysisLimits) throws(ServiceError) {
        let m = try BodyFields(body, allowed: ["spec", "batch_sizes", "epochs", "repeats", "split"])
        guard let specValue = m["spec"] else {
            throw .invalid(field: "spec", message: "is required: an experiment spec with a dataset", code: "invalid_value")
        }
        let spec: ExperimentSpec
        do { spec = try ExperimentSpec.check(specValue, limits: specLimits) } catch { throw .spec(error, prefix: "spec") }
        do { experiment = try spec.validated(limits: specLimits) } catch { throw .spec(SpecErrors([error]), prefix: "spec") }
        let samples = experiment.objective.sampleCount
        guard samples >= 1 else {
            throw .invalid(field: "spec.objective", message: "needs training samples (a model with a dataset); \(spec.objective.type) has none",
                           code: "invalid_value")
        }
        // The measurement times mini-batch gradient steps: a rule that evaluates the objective itself or forms Hessians
        // would do other (and unbounded) work per update, and refuses mini-batches in a spec anyway.
        switch experiment.optimizer {
        case .lbfgs, .sam, .newton, .saddleFreeNewton, .negativeCurvature:
            throw .invalid(field: "spec.optimizer.type", message: "\(spec.optimizer.type) evaluates the objective itself or uses the "
                           + "Hessian, so it takes no mini-batches; time a gradient rule (sgd, adam, …)", code: "invalid_value")
        default: break
        }
        if !experiment.configuration.parameterGroups.isEmpty || !spec.transforms.isEmpty || spec.schedule != nil {
            throw .invalid(field: !spec.transforms.isEmpty ? "spec.transforms" : spec.schedule != nil ? "spec.schedule" : "spec.optimizer.param_groups",
                           message: "is not used by the measurement, which times the optimizer's own update at a constant rate; "
                           + "remove it", code: "invalid_value")
        }
        guard let sizes = try m.numbers("batch_sizes"), !sizes.isEmpty else {
            throw .invalid(field: "batch_sizes", message: "is required: 1 to \(Self.maxBatchSizes) batch sizes", code: "invalid_value")
        }
        guard sizes.count <= Self.maxBatchSizes else {
            throw .invalid(field: "batch_sizes", message: "has \(sizes.count) values; at most \(Self.maxBatchSizes)", code: "too_large")
        }
        for (i, b) in sizes.enumerated() where !(b == b.rounded() && b >= 1 && b <= Double(samples)) {
            throw .invalid(field: "batch_sizes[\(i)]", message: "must be an integer in [1, \(samples)] (the training samples)", code: "out_of_range")
        }
        // Batch normalisation needs two samples in every batch, as a spec's batch_size does (and drop_last is not used here).
        if spec.objective.parameters["batch_norm"]?.object != nil {
            for (i, b) in sizes.enumerated() where b == 1 || (Int(b) < samples && samples % Int(b) == 1) {
                throw .invalid(field: "batch_sizes[\(i)]", message: "leaves a batch of 1 sample with batch_norm (\(samples) training samples); "
                               + "batch normalisation needs at least 2 samples per batch", code: "invalid_value")
            }
        }
        batchSizes = Array(Set(sizes.map { Int($0) })).sorted()
        guard batchSizes.count == sizes.count else {
            throw .invalid(field: "batch_sizes", message: "must not repeat a batch size", code: "invalid_value")
        }
        epochs = try m.int("epochs", in: 1...Self.maxEpochs, default: 5) ?? 5
        repeats = try m.int("repeats", in: 1...Self.maxRepeats, default: 3) ?? 3
        split = try m.choice("split", BatchSplit.self) ?? BatchSplit.none
        if split != .none {
            guard let splitObjective = split.apply(to: experiment.objective) else {
                throw .invalid(field: "split", message: "\(split.rawValue) sums the samples of an MLP without batch_norm and with one output "
                               + "(regression or two classes); this spec's model is not one", code: "invalid_value")
            }
            self.splitObjective = splitObjective
        }
        let work = Double(batchSizes.count * repeats * epochs * (split == .none ? 1 : 2)) * Double(samples) * Double(experiment.dimension)
        guard work <= limits.maxLandscapeWork else {
            throw .invalid(field: "epochs", message: "needs \(work) parameter-sample operations (batch sizes × repeats × epochs × "
                           + "samples × parameters, twice with a split); at most \(limits.maxLandscapeWork): fewer epochs, repeats or batch sizes",
                           code: "too_large")
        }
    }
}
