import DescentCore

/// A checked body of `POST /v1/experiments/{id}/analysis`.
struct ExperimentAnalysisRequest {
    /// Which samples the loss is over.
    enum BatchSelector: Equatable {
        /// Every training sample (the default).
        case full
        /// The batch the run used at the analysed step (`"batch": "step"`).
        case ofStep
        /// Batch `index` of epoch `epoch` in the run's own shuffle (`{"epoch": e, "index": i}`).
        case epoch(Int, index: Int)
        /// The listed training-sample indices (`{"indices": [...]}`).
        case indices([Int])
    }

    /// The recorded step to analyse; nil: the final point.
    var step: Int?
    /// Which samples.
    var batch: BatchSelector = .full
    /// What to compute.
    var options = SpectrumOptions()

    static let keys = ["step", "batch", "k", "trace", "density"]

    /// Checks every member against `limits`.
    init(_ body: SpecValue, limits: AnalysisLimits) throws(ServiceError) {
        let m = try BodyFields(body, allowed: Self.keys)
        step = try m.int("step", in: 0...Int(Int32.max))
        options.k = try m.int("k", in: 1...limits.maxK, default: 5) ?? 5
        if let b = m["batch"] { batch = try Self.batch(b) }
        if let t = m["trace"] {
            let trace = try BodyFields(t, path: "trace", allowed: ["method", "probes", "seed"])
            options.traceMethod = try trace.choice("method", SpectrumOptions.TraceMethod.self) ?? .auto
            options.traceProbes = try trace.int("probes", in: 2...limits.maxTraceProbes, default: 100) ?? 100
            options.traceSeed = try trace.seed("seed")
        }
        switch m["density"] {
        case nil, .bool(false)?: break
        case .bool(true)?: options.density = .init()
        case let d?:
            let density = try BodyFields(d, path: "density", allowed: ["probes", "count", "steps", "points", "sigma", "seed"])
            var o = SpectrumOptions.DensityOptions()
            o.probes = try density.choice("probes", SpectralDensity.Probes.self) ?? .rademacher
            o.count = try density.int("count", in: 1...limits.maxDensityProbes, default: 4) ?? 4
            o.steps = try density.int("steps", in: 1...limits.maxDensitySteps, default: 80) ?? 80
            o.points = try density.int("points", in: 2...limits.maxDensityPoints, default: 200) ?? 200
            o.sigma = try density.number("sigma", in: Double.leastNormalMagnitude...Double.greatestFiniteMagnitude)
            o.seed = try density.seed("seed")
            options.density = o
        }
    }

    private static func batch(_ value: SpecValue) throws(ServiceError) -> BatchSelector {
        if case .string("full") = value { return .full }
        if case .string("step") = value { return .ofStep }
        guard case .object(let members) = value else {
            throw .invalid(field: "batch", message: #"must be "full", "step", {"epoch", "index"} or {"indices"}"#, code: "invalid_value")
        }
        if members["indices"] != nil {
            let b = try BodyFields(value, path: "batch", allowed: ["indices"])
            let values = try b.numbers("indices") ?? []
            guard !values.isEmpty, values.allSatisfy({ $0 >= 0 && $0 == $0.rounded() && $0 < 1e9 }) else {
                throw .invalid(field: "batch.indices", message: "must be a non-empty array of sample indices", code: "invalid_value")
            }
            return .indices(values.map { Int($0) })
        }
        let b = try BodyFields(value, path: "batch", allowed: ["epoch", "index"])
        guard let epoch = try b.int("epoch", in: 0...Int(Int32.max)), let index = try b.int("index", in: 0...Int(Int32.max)) else {
            throw .invalid(field: "batch", message: #"needs "epoch" and "index", or "indices""#, code: "invalid_value")
        }
        return .epoch(epoch, index: index)
    }
}
