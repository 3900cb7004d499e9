import DescentCore
import DescentHTTP
import Foundation

/// Handlers for `GET /v1/experiments/{id}/plot.svg` and `GET /v1/studies/{id}/plot.svg`.
struct PlotHandlers: Sendable {
    let store: any Store
    let limits: SpecLimits
    /// Most points drawn per series; longer trajectories are downsampled (shape-preserving).
    static let maxPoints = 2000
    /// Surface grid side of the path plot.
    static let surfaceResolution = 81

    func experiment(_ request: HTTPRequest) throws -> HTTPResponse {
        let record = try load(request.pathParameters["id"] ?? "")
        let kind = request.query["kind"] ?? "loss"
        let logY = try flag(request, "log", default: kind == "loss")
        let fromRecords = kind == "sharpness" || kind == "layer_stats"
        let trajectory = fromRecords ? Trajectory(dimension: 0) : try trajectory(of: record, params: kind == "path")
        let title = record.spec.name
        switch kind {
        case "loss", "lr", "grad_norm":
            let ys = kind == "loss" ? trajectory.loss : kind == "lr" ? trajectory.lr : trajectory.gradNorm
            let rows = Self.rows(trajectory.loss)
            let axis = ["loss": "loss", "lr": "learning rate", "grad_norm": "gradient norm"][kind] ?? kind
            let series = SVGPlot.Series(name: "\(record.spec.optimizer.type) (\(record.status.rawValue))",
                                        xs: rows.map { Double(trajectory.step[$0]) }, ys: rows.map { ys[$0] })
            return svg(SVGPlot.LineChart(title: "\(title): \(axis)", xLabel: "step", yLabel: axis, series: [series], logY: logY).render())
        case "path":
            return svg(try pathPlot(record, trajectory).render())
        case "sharpness":
            return svg(try sharpnessPlot(record, logY: logY).render())
        case "layer_stats":
            return svg(try layerStatsPlot(record).render())
        default:
            throw ServiceError.invalid(field: "kind", message: "must be one of loss, lr, grad_norm, path, sharpness, layer_stats",
                                       code: "invalid_query")
        }
    }

    /// A grid's or list's experiments, one line each; a search study's best trials (`StudyPlotLines`).
    func study(_ request: HTTPRequest) throws -> HTTPResponse {
        let id = request.pathParameters["id"] ?? ""
        let found: StudyRecord?
        found = try store.study(id)
        guard let study = found else { throw ServiceError.notFound("study '\(id)'") }
        let logY = try flag(request, "log", default: true)
        var series: [SVGPlot.Series] = []
        for line in try StudyPlotLines.lines(of: study, store: store) {
            guard let record = try? store.experiment(line.experimentID), let t = try? trajectory(of: record, params: false) else { continue }
            let rows = Self.rows(t.loss)
            series.append(.init(name: line.label, xs: rows.map { Double(t.step[$0]) }, ys: rows.map { t.loss[$0] }))
        }
        let title = study.definition == nil ? "\(study.name): loss" : "\(study.name): loss of the best trials"
        return svg(SVGPlot.LineChart(title: title, xLabel: "step", yLabel: "loss", series: series, logY: logY).render())
    }

    /// The path over the contour of a 2-parameter objective, with the end point classified.
    private func pathPlot(_ record: ExperimentRecord, _ t: Trajectory) throws -> SVGPlot.ContourPlot {
        let objective: any Objective
        do { objective = try record.spec.validated(limits: limits).objective } catch { throw ServiceError.spec(error) }
        guard objective.dimension == 2, !t.params.isEmpty, t.count > 0 else {
            throw ServiceError.invalid(field: "kind", message: "a path plot needs a 2-parameter objective with recorded parameters", code: "invalid_query")
        }
        let rows = Self.rows(t.loss)
        let xs = rows.map { t.parameters(atRow: $0).first ?? 0 }
        let ys = rows.map { t.parameters(atRow: $0).last ?? 0 }
        let (xr, yr) = (Self.range(xs), Self.range(ys))
        let grid = LossSurface.rectangle(objective, xRange: xr, yRange: yr, resolution: Self.surfaceResolution, base: nil, axes: (0, 1))
        var markers: [SVGPlot.Marker] = []
        if let ex = xs.last(where: \.isFinite), let ey = ys.last(where: \.isFinite) {
            let report = analyzeCriticalPoint(objective, at: [ex, ey])
            let kind = report.isCritical ? report.kind.rawValue.replacingOccurrences(of: "_", with: " ") : "not critical"
            markers.append(.init(x: ex, y: ey, label: "end: \(kind)"))
        }
        let name = "\(record.spec.optimizer.type), \(t.step.last ?? 0) steps"
        return SVGPlot.ContourPlot(title: "\(record.spec.name): parameter path", grid: grid,
                                   paths: [.init(name: name, xs: xs, ys: ys)], markers: markers)
    }

    /// λmax along the run against 2/η, the largest sharpness at which gradient descent on a quadratic with
    /// that curvature is stable (the edge of stability, Cohen et al. 2021).
    private func sharpnessPlot(_ record: ExperimentRecord, logY: Bool) throws -> SVGPlot.LineChart {
        let records = try store.sharpnessRecords(record.id)
        guard !records.isEmpty else {
            throw ServiceError.invalid(field: "kind", message: "the run has no sharpness records; set analysis.sharpness_every in its spec",
                                       code: "invalid_query")
        }
        let steps = records.map { Double($0.step) }
        return SVGPlot.LineChart(title: "\(record.spec.name): sharpness", xLabel: "step", yLabel: "λmax", series: [
            .init(name: "λmax (\(record.spec.optimizer.type))", xs: steps, ys: records.map(\.lambdaMax)),
            .init(name: "2/η", xs: steps, ys: records.map { $0.lr > 0 ? 2 / $0.lr : .nan }),
        ], logY: logY)
    }

    /// Each hidden layer's pre-activation mean and mean ± std against the step (before batch normalisation when
    /// it is on: the drift it removes).
    private func layerStatsPlot(_ record: ExperimentRecord) throws -> SVGPlot.LineChart {
        let records = try store.layerStatsRecords(record.id)
        guard !records.isEmpty else {
            throw ServiceError.invalid(field: "kind", message: "the run has no layer statistics; set analysis.layer_stats in its spec",
                                       code: "invalid_query")
        }
        let layers = Set(records.map(\.layer)).sorted()
        let series = layers.flatMap { l -> [SVGPlot.Series] in
            let rows = records.filter { $0.layer == l }
            let steps = rows.map { Double($0.step) }
            return [.init(name: "layer \(l + 1) mean", xs: steps, ys: rows.map(\.mean)),
                    .init(name: "layer \(l + 1) mean + std", xs: steps, ys: rows.map { $0.mean + $0.std }),
                    .init(name: "layer \(l + 1) mean − std", xs: steps, ys: rows.map { $0.mean - $0.std })]
        }
        return SVGPlot.LineChart(title: "\(record.spec.name): pre-activations", xLabel: "step", yLabel: "pre-activation",
                                 series: series)
    }

    /// Path bounds padded by 15 % (and to at least ±0.5) so the surroundings show.
    static func range(_ v: [Double]) -> ClosedRange<Double> {
        let finite = v.filter(\.isFinite)
        guard let lo = finite.min(), let hi = finite.max() else { return -2...2 }
        let pad = max((hi - lo) * 0.15, 0.5)
        return (lo - pad)...(hi + pad)
    }

    /// Row indices to draw: every row of the view (already at most `maxPoints`).
    static func rows(_ loss: [Double]) -> [Int] { Array(loss.indices) }

    private func load(_ id: String) throws -> ExperimentRecord {
        let found: ExperimentRecord?
        found = try store.experiment(id)
        guard let record = found else { throw ServiceError.notFound("experiment '\(id)'") }
        return record
    }

    /// At most `maxPoints` rows of the run: for a path plot chosen by the path's geometry, otherwise by the
    /// loss curve's shape (read from the stored summaries).
    private func trajectory(of record: ExperimentRecord, params: Bool) throws -> Trajectory {
        var dimension = record.summary?.finalParams.count
        if dimension == nil { dimension = try? store.chunkIndex(record.id).first?.dimension }
        if dimension == nil { dimension = try? record.spec.validated(limits: limits).dimension }
        var view = TrajectoryView()
        view.maxPoints = Self.maxPoints
        view.fields = params ? [.epoch, .lr, .loss, .gradNorm, .params] : [.epoch, .lr, .loss, .gradNorm]
        view.shape = params ? .path : .loss
        return try store.view(record.id, dimension: dimension ?? 0, view).rows
    }

    private func flag(_ request: HTTPRequest, _ name: String, default value: Bool) throws -> Bool {
        switch request.query[name] {
        case nil: return value
        case "1", "true": return true
        case "0", "false": return false
        default: throw ServiceError.invalid(field: name, message: "must be true or false", code: "invalid_query")
        }
    }

    private func svg(_ text: String) -> HTTPResponse {
        var r = HTTPResponse.text(text, contentType: "image/svg+xml; charset=utf-8")
        r.headers["Cache-Control"] = "no-cache"
        return r
    }
}
