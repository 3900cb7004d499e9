import DescentCore
import Foundation
import Testing
@testable import DescentService

/// The catalog states the bounds the server's validation applies: a form built from it offers exactly
/// what a submission may use.
@Suite struct CatalogLimitsTests {
    func stepsEntry(_ h: ServiceHarness) async throws -> [String: Any] {
        let catalog = h.object(try await h.request(.get, "/v1/catalog").body)
        let fields = try #require(catalog["experiment"] as? [[String: Any]])
        return try #require(fields.first { $0["name"] as? String == "steps" })
    }

    func submit(_ h: ServiceHarness, steps: Int) async throws -> (status: Int, body: String) {
        // Recording every 10th step keeps 10⁷ steps within the 2·10⁶ recorded rows.
        let spec = #"{"objective":{"type":"saddle"},"optimizer":{"type":"sgd","lr":0.01},"steps":\#(steps),"record_every":10}"#
        let r = try await h.request(.post, "/v1/experiments", json: spec)
        return (r.status, r.body)
    }

    @Test func stepsRangeInTheCatalogIsTheDefaultCapTheServerEnforces() async throws {
        let h = try ServiceHarness(start: false)
        let steps = try await stepsEntry(h)
        #expect(steps["range"] as? String == "[1, 10000000]" && steps["maximum"] as? Double == 1e7 && steps["minimum"] as? Double == 1)
        #expect(try await submit(h, steps: 10_000_000).status == 202)
        let over = try await submit(h, steps: 10_000_001)
        #expect(over.status == 422 && over.body.contains("\"field\":\"steps\"") && over.body.contains("[1, 10000000]"))
        #expect(try await submit(h, steps: 0).status == 422)
        #expect((steps["description"] as? String)?.contains("at most 2000000") == true)
    }

    @Test func aConfiguredStepCapIsWhatTheCatalogShows() async throws {
        let h = try ServiceHarness(start: false, limits: SpecLimits(maxSteps: 5000))
        #expect(try await stepsEntry(h)["range"] as? String == "[1, 5000]")
        #expect(try await submit(h, steps: 5000).status == 202)
        #expect(try await submit(h, steps: 5001).status == 422)
    }
}
