import DescentCore
import DescentHTTP
import Foundation

/// `GET /v1/studies/{id}/leaderboard.svg?problem=…`: a comparison's leaderboard for one problem drawn as the mean
/// loss curve of each optimizer's confirmation runs (`ReplicateCurves`), in rank order, each named with its tuned
/// values and its final loss mean ± std.
struct ComparisonPlot: Sendable {
    let store: any Store
    /// Grid points per curve.
    static let points = 400

    func svg(_ request: HTTPRequest) throws -> HTTPResponse {
        let id = request.pathParameters["id"] ?? ""
        guard let study = try store.study(id) else { throw ServiceError.notFound("study '\(id)'") }
        guard let text = study.definition, case let definition = try JSONCoding.decode(SearchDefinition.self, text),
              let cells = definition.comparison else {
            throw ServiceError.conflict("study '\(id)' is not a comparison: it has no leaderboard")
        }
        let logY: Bool
        switch request.query["log"] {
        case nil, "true": logY = true
        case "false": logY = false
        default: throw ServiceError.invalid(field: "log", message: "must be true or false", code: "invalid_query")
        }
        let problems = cells.map(\.problem).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        let problem = request.query["problem"] ?? problems.first ?? ""
        guard problems.contains(problem) else {
            throw ServiceError.invalid(field: "problem", message: "must be one of the comparison's problems: \(problems.joined(separator: ", "))",
                                       code: "invalid_query")
        }
        let trials = try store.trials(id)
        var records: [String: ExperimentRecord] = [:]
        for experimentID in trials.flatMap(\.experimentIDs) { records[experimentID] = try store.experiment(experimentID) }
        let board = try Leaderboard(definition: definition, trials: trials, records: records) { try store.stepsToTarget($0, $1) }
        var series: [SVGPlot.Series] = []
        for entry in board.problems.first(where: { $0.problem == problem })?.entries ?? [] {
            guard let number = entry.confirmationTrial, let trial = trials.first(where: { $0.number == number }) else { continue }
            var curves: [(step: [Int], loss: [Double])] = []
            for r in trial.experimentIDs.compactMap({ records[$0] }) where r.status == .succeeded || r.status == .diverged {
                let t = try store.trajectory(r.id, dimension: r.summary?.finalParams.count ?? 0)
                curves.append((t.step, t.loss))
            }
            let spread = ReplicateCurves(curves: curves, maxPoints: Self.points)
            guard spread.runs > 0 else { continue }
            series.append(SVGPlot.Series(name: Self.name(entry), xs: spread.step.map(Double.init), ys: spread.lossMean))
        }
        let title = "\(study.name): \(problem), tuned, mean of \(board.confirm) runs"
        var response = HTTPResponse.text(SVGPlot.LineChart(title: title, xLabel: "step", yLabel: "loss", series: series, logY: logY).render(),
                                         contentType: "image/svg+xml; charset=utf-8")
        response.headers["Cache-Control"] = "no-store"
        return response
    }

    /// "1. adam lr=0.0316: 1.2e-05 ± 3.4e-06".
    static func name(_ e: Leaderboard.Entry) -> String {
        let params = (e.params ?? [:]).keys.sorted().map { key in
            StudyLabel.part(key: String(key.split(separator: ".").last ?? Substring(key)), value: e.params?[key] ?? .null)
        }
        var text = "\(e.rank.map { "\($0). " } ?? "")\(e.optimizer)"
        if !params.isEmpty { text += " " + params.joined(separator: " ") }
        if let m = e.finalLoss?.finalLossMean {
            text += ": " + Self.short(m)
            if let s = e.finalLoss?.finalLossStd { text += " ± " + Self.short(s) }
        }
        return text
    }

    /// Three significant digits.
    static func short(_ v: Double) -> String { String(format: "%.3g", v) }
}
