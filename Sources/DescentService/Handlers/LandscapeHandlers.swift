import DescentCore
import DescentHTTP

/// `POST /v1/analysis/landscape` (JSON) and `POST /v1/analysis/landscape.svg` (the same body drawn):
/// a line between two points, a plane of two directions around a point, or a run's PCA plane.
struct LandscapeHandlers: Sendable {
    let experiments: ExperimentHandlers
    let analysis: AnalysisHandlers
    let limits: AnalysisLimits

    /// Where a point came from: an experiment's step, or typed in (both nil).
    struct PointUsed: Encodable {
        var experimentId: String?
        var step: Int?
    }

    /// The path drawn on a PCA plane: its steps and coordinates along the two directions.
    struct ProjectedPath: Encodable {
        var steps: [Int]
        var xs: [Double]
        var ys: [Double]
    }

    /// The answer; members not of the request's kind are absent.
    struct Answer: Encodable {
        var kind: String
        var dimension: Int
        var from: PointUsed?, to: PointUsed?, at: PointUsed?
        var line: LossProfile?
        var directions: String?
        var eigenvalues: [Double]?
        var indices: [Int]?
        var grid: SurfaceGrid?
        var experimentId: String?
        var explainedVariance: [Double]?
        var path: ProjectedPath?
    }

    func json(_ request: HTTPRequest) throws -> HTTPResponse {
        .json(try JSONCoding.encode(try answer(request)))
    }

    func svg(_ request: HTTPRequest) throws -> HTTPResponse {
        let a = try answer(request)
        let text: String
        if let line = a.line {
            let series = SVGPlot.Series(name: "L((1 − α)·from + α·to)", xs: line.alphas, ys: line.values)
            text = SVGPlot.LineChart(title: "loss along the line", xLabel: "α", yLabel: "loss", series: [series]).render()
        } else if let grid = a.grid, let path = a.path {
            let shares = (a.explainedVariance ?? []).map { "\(Int(($0 * 100).rounded()))%" }.joined(separator: " + ")
            text = SVGPlot.ContourPlot(title: "loss on the path's PCA plane", grid: grid,
                                       paths: [.init(name: "path (\(shares) of its variance)", xs: path.xs, ys: path.ys)],
                                       markers: [.init(x: 0, y: 0, label: "step \(path.steps.last ?? 0)")]).render()
        } else if let grid = a.grid {
            text = SVGPlot.ContourPlot(title: "loss over \(a.directions ?? "") directions", grid: grid,
                                       markers: [.init(x: 0, y: 0, label: "centre")]).render()
        } else {
            throw ServiceError.internalFailure("landscape answer without a line or grid")
        }
        return .text(text, contentType: "image/svg+xml; charset=utf-8")
    }

    private func answer(_ request: HTTPRequest) throws -> Answer {
        let body = try LandscapeRequest(RequestDecoding.json(request), limits: limits)
        var named: AnalysedExperiment?
        func point(_ source: LandscapeRequest.PointSource?, _ field: String) throws -> ([Double], PointUsed) {
            switch source {
            case .values(let v)?: return (v, PointUsed())
            case .experiment(let id, let step)?:
                let subject = try self.subject(id)
                if named == nil { named = subject }
                let (s, p) = try subject.point(at: step, store: experiments.store, field: field + ".step")
                return (p, PointUsed(experimentId: id, step: s))
            case nil: throw ServiceError.invalid(field: field, message: "is required", code: "invalid_value")
            }
        }
        switch body.kind {
        case .line:
            let (a, fromUsed) = try point(body.from, "from"), (b, toUsed) = try point(body.to, "to")
            let f = try objective(body, named, points: [("from", a), ("to", b)])
            try checkWork(f, evaluations: body.resolution, field: "resolution")
            let line = Landscape.line(f, from: a, to: b, alphas: body.range ?? -0.5...1.5, points: body.resolution)
            return Answer(kind: "line", dimension: f.dimension, from: fromUsed, to: toUsed, line: line)
        case .plane:
            let (c, used) = try point(body.at, "at")
            let f = try objective(body, named, points: [("at", c)])
            try needsTwoParameters(f)
            let extra = body.directions != .eigenvectors ? 0 : f.dimension <= 64 ? f.dimension : 300
            try checkWork(f, evaluations: body.resolution * body.resolution + extra, field: "resolution")
            var answer = Answer(kind: "plane", dimension: f.dimension, at: used, directions: body.directions.rawValue)
            let d: [[Double]]
            switch body.directions {
            case .random: d = Landscape.randomDirections(f, center: c, seed: body.directionSeed)
            case .eigenvectors: (answer.eigenvalues, d) = Landscape.topEigenvectors(f, at: c)
            case .coordinates:
                let (i, j) = body.indices
                guard max(i, j) < f.dimension else {
                    throw ServiceError.invalid(field: "indices", message: "must be below the \(f.dimension) parameters", code: "out_of_range")
                }
                d = Landscape.coordinateDirections(dimension: f.dimension, i, j)
                answer.indices = [i, j]
            }
            let r = body.range ?? -1...1
            answer.grid = Landscape.plane(f, center: c, directions: d, xRange: r, yRange: r, resolution: body.resolution)
            return answer
        case .pca:
            let id = body.experiment ?? ""
            let subject = try self.subject(id)
            let f = try objective(body, subject, points: [])
            try needsTwoParameters(f)
            try checkWork(f, evaluations: body.resolution * body.resolution, field: "resolution")
            let (steps, path) = try recordedPath(subject, maxPoints: body.pathPoints)
            let plane = Landscape.pcaPlane(path: path)
            let xr = body.range ?? Self.padded(plane.xs, plane.ys, 0), yr = body.range ?? Self.padded(plane.xs, plane.ys, 1)
            let grid = Landscape.plane(f, center: plane.center, directions: plane.directions, xRange: xr, yRange: yr,
                                       resolution: body.resolution)
            return Answer(kind: "pca", dimension: f.dimension, grid: grid, experimentId: id, explainedVariance: plane.explainedVariance,
                          path: ProjectedPath(steps: steps, xs: plane.xs, ys: plane.ys))
        }
    }

    private func subject(_ id: String) throws -> AnalysedExperiment {
        guard let record = try experiments.store.experiment(id) else { throw ServiceError.notFound("experiment '\(id)'") }
        return try AnalysedExperiment(record, limits: experiments.runner.limits, analysisLimits: limits)
    }

    /// The body's objective if it names one, else the first named experiment's; every point must fit it.
    private func objective(_ body: LandscapeRequest, _ named: AnalysedExperiment?, points: [(String, [Double])]) throws -> any Objective {
        let f: any Objective
        if let members = body.objective {
            f = try analysis.objective(members)
        } else if let named {
            f = named.experiment.objective
        } else {
            throw ServiceError.invalid(field: "objective", message: "is required when no experiment is named", code: "invalid_value")
        }
        if f.dimension > limits.maxDimension {
            throw ServiceError.invalid(field: "objective", message: "has \(f.dimension) parameters; landscapes take at most \(limits.maxDimension)",
                                       code: "too_large")
        }
        for (field, p) in points where p.count != f.dimension {
            throw ServiceError.invalid(field: field, message: "has \(p.count) values; the objective has \(f.dimension) parameters", code: "invalid_value")
        }
        return f
    }

    private func needsTwoParameters(_ f: any Objective) throws {
        guard f.dimension >= 2 else { throw ServiceError.invalid(field: "objective", message: "a plane needs at least 2 parameters", code: "invalid_value") }
    }

    /// 422 `too_large` when evaluations × parameters × max(1, samples) exceeds `maxLandscapeWork`.
    private func checkWork(_ f: any Objective, evaluations: Int, field: String) throws {
        let work = Double(evaluations) * Double(f.dimension) * Double(max(1, f.sampleCount))
        guard work <= limits.maxLandscapeWork else {
            throw ServiceError.invalid(field: field, message: "needs \(evaluations) loss evaluations over \(f.dimension) parameters and "
                                       + "\(max(1, f.sampleCount)) samples (\(work) operations); at most \(limits.maxLandscapeWork): "
                                       + "a lower resolution", code: "too_large")
        }
    }

    /// The run's recorded parameters, at most `maxPoints` rows chosen along the path's geometry.
    private func recordedPath(_ subject: AnalysedExperiment, maxPoints: Int) throws -> ([Int], [[Double]]) {
        guard subject.record.spec.recordParams else {
            throw ServiceError.invalid(field: "experiment", message: "the run did not record parameters (record_params false)",
                                       code: "params_not_recorded")
        }
        var view = TrajectoryView()
        view.maxPoints = maxPoints
        view.fields = [.epoch, .lr, .loss, .gradNorm, .params]
        view.shape = .path
        let rows = try experiments.store.view(subject.record.id, dimension: subject.experiment.dimension, view).rows
        guard rows.count >= 2 else {
            throw ServiceError.invalid(field: "experiment", message: "the run has \(rows.count) recorded points; a PCA plane needs 2",
                                       code: "step_not_recorded")
        }
        return ((0..<rows.count).map { rows.step[$0] }, (0..<rows.count).map { Array(rows.parameters(atRow: $0)) })
    }

    /// Bounds of axis `k` of the projected path, padded by a fifth of the larger span (1 when the path is a point).
    static func padded(_ xs: [Double], _ ys: [Double], _ k: Int) -> ClosedRange<Double> {
        let span = { (v: [Double]) in (v.max() ?? 0) - (v.min() ?? 0) }
        let pad = max(span(xs), span(ys)) > 0 ? 0.2 * max(span(xs), span(ys)) : 1
        let v = k == 0 ? xs : ys
        return ((v.min() ?? 0) - pad)...((v.max() ?? 0) + pad)
    }
}
