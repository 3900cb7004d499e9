import DescentCore
import DescentHTTP
import Foundation

/// `GET /v1/studies/{id}/trials/{number}/curves`: the per-step spread of a trial's replicate loss curves
/// (`ReplicateCurves`) over its finished runs (succeeded or diverged).
struct StudyTrialCurves: Sendable {
    let store: any Store
    /// Most grid points a request may ask for.
    static let maxPoints = 2000

    func curves(_ request: HTTPRequest) async throws -> HTTPResponse {
        let id = request.pathParameters["id"] ?? ""
        let points = try RequestDecoding.int(request, "max_points", default: 200, range: 1...Self.maxPoints) ?? 200
        guard let study = try store.study(id) else { throw ServiceError.notFound("study '\(id)'") }
        guard study.definition != nil else { throw ServiceError.conflict("study '\(id)' is a grid or list, not a search: it has no trials") }
        let text = request.pathParameters["number"] ?? ""
        guard let number = Int(text), let trial = try store.trials(id).first(where: { $0.number == number }) else {
            throw ServiceError.notFound("trial '\(text)' of study '\(id)'")
        }
        var curves: [(step: [Int], loss: [Double])] = []
        for experimentID in trial.experimentIDs {
            guard let r = try store.experiment(experimentID), r.status == .succeeded || r.status == .diverged else { continue }
            let t = try store.trajectory(r.id, dimension: r.summary?.finalParams.count ?? 0)
            curves.append((t.step, t.loss))
        }
        struct Body: Encodable { var trial: Int; var curves: ReplicateCurves }
        return .json(try JSONCoding.encode(Body(trial: number, curves: ReplicateCurves(curves: curves, maxPoints: points))))
    }
}
