import DescentCore
import DescentHTTP
import Foundation

/// `POST /v1/analysis/batch-cost` (JSON) and `POST /v1/analysis/batch-cost.svg` (the same body drawn): CPU time
/// per update and per epoch against the batch size, measured by training the spec's model (`BatchCost`), in
/// sample order and, with `split`, summed by that split beside it.
struct BatchCostHandlers: Sendable {
    let specLimits: SpecLimits
    let limits: AnalysisLimits

    /// One batch size's figures.
    struct Row: Encodable {
        var batchSize: Int
        var updatesPerEpoch: Int
        var updates: Int
        var secondsPerUpdate: Double
        var secondsPerEpoch: Double
        var secondsPerSampleGradient: Double

        init(_ row: BatchCost.Row) {
            batchSize = row.batchSize; updatesPerEpoch = row.updatesPerEpoch; updates = row.updates
            secondsPerUpdate = row.secondsPerUpdate; secondsPerEpoch = row.secondsPerEpoch
            secondsPerSampleGradient = row.secondsPerSampleGradient
        }
    }

    /// The answer.
    struct Answer: Encodable {
        var objective: String
        var dimension: Int
        var samples: Int
        var optimizer: String
        var epochs: Int
        var repeats: Int
        /// Always 1: every run sums its batch on the measuring thread (see `BatchCost`).
        var threads: Int
        /// `thread_cpu`: the measuring thread's CPU time, the fastest of `repeats` runs.
        var clock: String
        /// The split timed beside the in-order sum (`none`: none).
        var split: String
        /// Samples the split computes at once (1 for `none`, 4 for `lanes`).
        var splitWidth: Int
        /// The in-order figures.
        var rows: [Row]
        /// The split's figures, at the same batch sizes; absent for `none`.
        var splitRows: [Row]?
    }

    /// What a response carries.
    enum Format { case json, svg }

    /// The route of `format`: decode the body, measure, encode.
    func handler(_ format: Format) -> @Sendable (HTTPRequest) throws -> HTTPResponse {
        { request in try respond(to: try RequestDecoding.json(request), as: format) }
    }

    /// Measures the body `body` and answers in `format` (also the `batch_cost` presets' run).
    func respond(to body: SpecValue, as format: Format) throws -> HTTPResponse {
        let a = try answer(body)
        switch format {
        case .json: return .json(try JSONCoding.encode(a))
        case .svg: return .text(Self.chart(a), contentType: "image/svg+xml; charset=utf-8")
        }
    }

    /// Measures the checked body `body`.
    func answer(_ body: SpecValue) throws -> Answer {
        let r = try BatchCostRequest(body, specLimits: specLimits, limits: limits)
        let e = r.experiment
        let rows = BatchCost.measure(objectives: [e.objective] + (r.splitObjective.map { [$0] } ?? []), optimizer: e.optimizer,
                                     start: e.configuration.start, seed: e.spec.seed,
                                     batchSizes: r.batchSizes, epochs: r.epochs, repeats: r.repeats)
        return Answer(objective: e.spec.objective.type, dimension: e.dimension, samples: e.objective.sampleCount,
                      optimizer: e.spec.optimizer.type, epochs: r.epochs, repeats: r.repeats, threads: 1, clock: "thread_cpu",
                      split: r.split.rawValue, splitWidth: r.split.width, rows: rows[0].map(Row.init),
                      splitRows: rows.count > 1 ? rows[1].map(Row.init) : nil)
    }

    /// Time per update (µs) and per epoch (ms) against log₂ B, on a log axis; with a split, its two curves beside.
    static func chart(_ a: Answer) -> String {
        let xs = a.rows.map { log2(Double($0.batchSize)) }
        var series: [SVGPlot.Series] = []
        for (rows, name) in [(a.rows, "in order"), (a.splitRows ?? [], "\(a.split) (\(a.splitWidth) samples at once)")] where !rows.isEmpty {
            series.append(SVGPlot.Series(name: "µs per update, \(name)", xs: xs, ys: rows.map { $0.secondsPerUpdate * 1e6 }))
            series.append(SVGPlot.Series(name: "ms per epoch (\(a.samples) samples), \(name)", xs: xs, ys: rows.map { $0.secondsPerEpoch * 1e3 }))
        }
        return SVGPlot.LineChart(title: "cost per update and per epoch against batch size (\(a.objective), \(a.dimension) parameters, one thread)",
                                 xLabel: "log₂ B", yLabel: "CPU time", series: series, logY: true).render()
    }
}
