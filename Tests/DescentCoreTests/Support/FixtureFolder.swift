import Foundation

/// A folder of reference fixtures under Tests/Fixtures: JSON files, each an object whose `cases` member lists the
/// folder's cases (the layout the generators' `fixture_json.write_cases` writes).
protocol FixtureFolder {
    /// One case of the folder's files.
    associatedtype Case: Decodable
    /// The folder.
    static var directory: URL { get }
}

extension FixtureFolder {
    /// Tests/Fixtures/`name`.
    static func fixtureDirectory(_ name: String) -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/\(name)")
    }

    /// The JSON files in the directory, sorted.
    static func files() throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// The cases of one file.
    static func cases(in file: URL) throws -> [Case] {
        try JSONDecoder().decode(FixtureDocument<Case>.self, from: Data(contentsOf: file)).cases
    }

    /// Every case of every file (empty if a file is unreadable: the suite's test that every file decodes fails then).
    static func everyCase() -> [Case] {
        ((try? files()) ?? []).flatMap { (try? cases(in: $0)) ?? [] }
    }
}

/// A fixture file: its header members are not read, only its cases.
private struct FixtureDocument<Case: Decodable>: Decodable {
    let cases: [Case]
}
