import DescentHTTP
import Foundation

/// `GET /v1/studies/{id}/trials.csv`: a search study's trials with their values and metrics (`TrialsCSV`).
struct StudyTrialExport: Sendable {
    let store: any Store

    func csv(_ request: HTTPRequest) async throws -> HTTPResponse {
        let id = request.pathParameters["id"] ?? ""
        guard let study = try store.study(id) else { throw ServiceError.notFound("study '\(id)'") }
        guard study.definition != nil else { throw ServiceError.conflict("study '\(id)' is a grid or list, not a search: it has no trials") }
        let trials = try store.trials(id)
        let experiments = try store.experiments(ids: trials.flatMap(\.experimentIDs))
        var response = HTTPResponse.text(TrialsCSV.encode(trials, experiments: experiments), contentType: "text/csv; charset=utf-8")
        response.headers["Content-Disposition"] = "attachment; filename=\"\(id)-trials.csv\""
        return response
    }
}
