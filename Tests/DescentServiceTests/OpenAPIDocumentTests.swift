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
}
