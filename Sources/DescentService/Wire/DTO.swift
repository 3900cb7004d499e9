import DescentCore
import Foundation

/// The experiment resource as the API returns it.
struct ExperimentDTO: Encodable {
    struct Progress: Encodable { var stepsDone: Int; var stepsTotal: Int }
    struct ErrorInfo: Encodable { var code: String; var message: String }
    var id: String
    var status: String
    var name: String
    var tags: [String]
    var createdAt: String
    var startedAt: String?
    var finishedAt: String?
    var progress: Progress
    var spec: ExperimentSpec
    var summary: RunSummary?
    var error: ErrorInfo?
    var studyId: String?
    var attempts: Int

    init(_ r: ExperimentRecord) {
        id = r.id
        status = r.status.rawValue
        name = r.spec.name
        tags = r.spec.tags
        createdAt = Timestamp.format(r.createdAt)
        startedAt = r.startedAt.map(Timestamp.format)
        finishedAt = r.finishedAt.map(Timestamp.format)
        progress = Progress(stepsDone: r.stepsDone, stepsTotal: r.spec.stepBudget)
        spec = r.spec
        summary = r.summary
        error = r.errorCode.map { ErrorInfo(code: $0, message: r.errorMessage ?? "") }
        studyId = r.studyID
        attempts = r.attempt
    }

    // Optional fields are written as null rather than left out, so clients see every key.
    enum CodingKeys: String, CodingKey {
        case id, status, name, tags, createdAt, startedAt, finishedAt, progress, spec, summary, error, studyId, attempts
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(status, forKey: .status)
        try c.encode(name, forKey: .name)
        try c.encode(tags, forKey: .tags)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(startedAt, forKey: .startedAt)
        try c.encode(finishedAt, forKey: .finishedAt)
        try c.encode(progress, forKey: .progress)
        try c.encode(spec, forKey: .spec)
        try c.encode(summary, forKey: .summary)
        try c.encode(error, forKey: .error)
        try c.encode(studyId, forKey: .studyId)
        try c.encode(attempts, forKey: .attempts)
    }
}

/// RFC 3339 timestamps in UTC with milliseconds.
enum Timestamp {
    static func format(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }
}
