import DescentCore
import DescentHTTP
import Foundation

/// `POST /v1/analysis/batch-cost` (JSON) and `POST /v1/analysis/batch-cost.svg` (the same body drawn): CPU time
/// per update and per epoch against the batch size, measured by training the spec's model (`BatchCost`).
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
    }

    /// The answer.
    struct Answer: Encodable {
        var objective: String
        var dimension: Int
        var samples: Int
        var optimizer: String
        var epochs: Int
        var repeats: Int
        /// Always 1: a batch's sample gradients are summed in sample order on one thread (see `BatchCost`).
        var threads: Int
        /// `thread_cpu`: the measuring thread's CPU time, the fastest of `repeats` runs.
        var clock: String
        var rows: [Row]
    }

    func json(_ request: HTTPRequest) throws -> HTTPResponse {
        .json(try JSONCoding.encode(try answer(RequestDecoding.json(request))))
    }

    func svg(_ request: HTTPRequest) throws -> HTTPResponse {
        .text(Self.chart(try answer(RequestDecoding.json(request))), contentType: "image/svg+xml; charset=utf-8")
    }

    /// Measures the checked body `body`.
    func answer(_ body: SpecValue) throws -> Answer {
        let r = try BatchCostRequest(body, specLimits: specLimits, limits: limits)
        let e = r.experiment
        let rows = BatchCost.measure(objective: e.objective, optimizer: e.optimizer, start: e.configuration.start, seed: e.spec.seed,
                                     batchSizes: r.batchSizes, epochs: r.epochs, repeats: r.repeats)
        return Answer(objective: e.spec.objective.type, dimension: e.dimension, samples: e.objective.sampleCount,
                      optimizer: e.spec.optimizer.type, epochs: r.epochs, repeats: r.repeats, threads: 1, clock: "thread_cpu",
                      rows: rows.map { Row(batchSize: $0.batchSize, updatesPerEpoch: $0.updatesPerEpoch, updates: $0.updates,
                                           secondsPerUpdate: $0.secondsPerUpdate, secondsPerEpoch: $0.secondsPerEpoch,
                                           secondsPerSampleGradient: $0.secondsPerSampleGradient) })
    }

    /// Time per update (µs) and per epoch (ms) against log₂ B, on a log axis.
    static func chart(_ a: Answer) -> String {
        let xs = a.rows.map { log2(Double($0.batchSize)) }
        let series = [SVGPlot.Series(name: "µs per update", xs: xs, ys: a.rows.map { $0.secondsPerUpdate * 1e6 }),
                      SVGPlot.Series(name: "ms per epoch (\(a.samples) samples)", xs: xs, ys: a.rows.map { $0.secondsPerEpoch * 1e3 })]
        return SVGPlot.LineChart(title: "cost per update and per epoch against batch size (\(a.objective), \(a.dimension) parameters, one thread)",
                                 xLabel: "log₂ B", yLabel: "CPU time", series: series, logY: true).render()
    }
}
