import Foundation
import Testing
@testable import DescentService
import DescentCore

@Suite struct OpenAPIDocumentTests {
    @Test func servedDocumentEqualsOpenapiYaml() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let file = try String(contentsOf: root.appendingPathComponent("openapi.yaml"), encoding: .utf8)
        let h = try ServiceHarness(start: false)
        let served = try await h.request(.get, "/openapi.yaml")
        #expect(served.status == 200)
        #expect(served.body == file, "run scripts/generate-openapi-swift.py after editing openapi.yaml")
    }

    @Test func everyOptimizerAndScheduleTypeIsNamed() {
        let yaml = OpenAPIDocument.yaml
        for type in OptimizerKind.allCases.map(\.rawValue) + ScheduleKind.allCases.map(\.rawValue) {
            #expect(yaml.contains(" \(type),") || yaml.contains(" \(type) (") || yaml.contains(" \(type)."), "\(type)")
        }
    }

    @Test func everyRoutedPathIsDocumented() async throws {
        let yaml = OpenAPIDocument.yaml
        for path in ["/v1/experiments:", "/v1/experiments/batch:", "/v1/experiments/{id}:", "/v1/experiments/{id}/cancel:", "/v1/experiments/{id}/trajectory:",
                     "/v1/experiments/{id}/events:", "/v1/studies:", "/v1/studies/{id}:", "/v1/presets:", "/v1/presets/{name}/run:",
                     "/v1/analysis/critical-point:", "/v1/analysis/surface:", "/v1/catalog:", "/healthz:", "/readyz:", "/metrics:"] {
            #expect(yaml.contains("\n  \(path)\n"), "\(path)")
        }
    }

    @Test func everyOperationDocumentsExactlyTheQueryParametersItsRouteAccepts() throws {
        var checked = 0
        for (route, _) in try QueryParameterTests.routes() {
            let path = route.pattern.replacingOccurrences(of: ":id", with: "{id}").replacingOccurrences(of: ":name", with: "{name}")
                .replacingOccurrences(of: ":number", with: "{number}")
            guard let documented = Self.operation(OpenAPIDocument.yaml, path: path, method: route.method.rawValue.lowercased()) else {
                #expect(route.pattern.hasPrefix("/assets/") || route.pattern == "/index.html", "\(route.method) \(path) is not documented")
                continue
            }
            #expect(documented.query.sorted() == route.query.sorted(), "\(route.method) \(path)")
            #expect(documented.has400, "\(route.method) \(path) documents no 400")
            checked += 1
        }
        #expect(checked >= 22)
    }

    /// The query parameters and whether a 400 is documented for `method` on `path`, read from the YAML's layout
    /// (paths at 2 spaces, methods at 4, their members deeper); nil when the operation is not there.
    static func operation(_ yaml: String, path: String, method: String) -> (query: [String], has400: Bool)? {
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let p = lines.firstIndex(of: "  \(path):") else { return nil }
        var i = p + 1
        while i < lines.count, lines[i].hasPrefix("    ") || lines[i].isEmpty, lines[i] != "    \(method):" { i += 1 }
        guard i < lines.count, lines[i] == "    \(method):" else { return nil }
        var query: [String] = [], has400 = false
        var j = i + 1
        while j < lines.count, lines[j].hasPrefix("      ") || lines[j].isEmpty {
            let line = lines[j]
            if line.contains("in: query") {
                let source = line.contains("name: ") ? line : lines[j - 1]
                if let r = source.range(of: "name: ") {
                    query.append(String(source[r.upperBound...].prefix { $0 != "," && $0 != "}" && $0 != " " }))
                }
            }
            if line.hasPrefix("        '400':") { has400 = true }
            j += 1
        }
        return (query, has400)
    }
}
