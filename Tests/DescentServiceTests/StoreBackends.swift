import DescentCore
import Foundation
@testable import DescentService

/// The store backends the contract suite runs against: SQLite always, PostgreSQL when
/// DESCENT_TEST_POSTGRES_URL names a database (`make test` starts a throwaway cluster and sets it).
enum StoreBackend: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite, postgres

    var description: String { rawValue }

    static var postgresURL: String? {
        ProcessInfo.processInfo.environment["DESCENT_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    static var available: [StoreBackend] { postgresURL == nil ? [.sqlite] : [.sqlite, .postgres] }

    /// A fresh, empty store: a new SQLite file, or a new schema in the test database.
    func makeStore() throws -> any Store {
        switch self {
        case .sqlite:
            let folder = NSTemporaryDirectory() + "descent-store-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            return try SQLiteStore(path: folder + "/descent.sqlite")
        case .postgres:
            return try PostgresStore(url: try Self.freshSchemaURL(), poolSize: 4)
        }
    }

    /// A URL of the test database whose search_path is a new, empty schema (tests do not see each other).
    static func freshSchemaURL() throws -> String {
        guard let base = postgresURL else { throw PostgresError(sqlState: nil, message: "DESCENT_TEST_POSTGRES_URL is not set") }
        let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        try PGConnection(url: base).execute("CREATE SCHEMA \(schema)")
        return base + (base.contains("?") ? "&" : "?") + "options=-csearch_path%3D\(schema)"
    }
}

/// A record ready to insert.
func makeRecord(name: String = "r", tags: [String] = [], optimizer: String = "sgd", steps: Int = 10, key: String? = nil,
                status: ExperimentStatus = .queued) throws -> ExperimentRecord {
    let json = #"{"name":"\#(name)","tags":\#(try JSONCoding.string(tags)),"objective":{"type":"saddle"},"optimizer":{"type":"\#(optimizer)","lr":0.1},"start":[0.01,0.02],"steps":\#(steps)}"#
    let spec = try ExperimentSpec(checking: try JSONDecoder().decode(SpecValue.self, from: Data(json.utf8)))
    return ExperimentRecord(id: "exp_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased(), sequence: 0,
                            status: status, spec: spec, summary: nil, errorCode: nil, errorMessage: nil,
                            createdAt: Date(timeIntervalSince1970: 1_800_000_000.125), startedAt: nil, finishedAt: nil,
                            stepsDone: 0, idempotencyKey: key, bodyHash: key.map { "h-" + $0 }, studyID: nil)
}
