import Foundation
import Testing
@testable import DescentService

@Suite struct MetricsTests {
    @Test func requestsAreCountedByRoutePatternAndStatus() async throws {
        let h = try ServiceHarness(start: false)
        _ = try await h.request(.get, "/v1/experiments/exp_0123456789abcdef")
        _ = try await h.request(.get, "/v1/experiments/exp_fedcba9876543210")
        let text = try await h.request(.get, "/metrics").body
        #expect(text.contains(#"http_requests_total{route="/v1/experiments/:id",status="404"} 2"#))
        #expect(text.contains("# TYPE http_request_duration_seconds histogram"))
    }

    @Test func histogramBucketsAreCumulativeAndEndWithInf() {
        let m = ServiceMetrics()
        m.latency.observe(0.0001, label: "/x")
        m.latency.observe(0.3, label: "/x")
        let text = m.render()
        #expect(text.contains(#"http_request_duration_seconds_bucket{route="/x",le="0.0005"} 1"#))
        #expect(text.contains(#"http_request_duration_seconds_bucket{route="/x",le="0.5"} 2"#))
        #expect(text.contains(#"http_request_duration_seconds_bucket{route="/x",le="+Inf"} 2"#))
        #expect(text.contains(#"http_request_duration_seconds_count{route="/x"} 2"#))
    }

    @Test func stepsAndFinishedExperimentsAreCounted() async throws {
        let h = try ServiceHarness()
        let id = try #require(h.object(try await h.request(.post, "/v1/experiments", json: saddleSpec).body)["id"] as? String)
        _ = try await h.waitFinal(id)
        let text = h.runner.metrics.render()
        #expect(text.contains("descent_steps_total 300"))
        #expect(text.contains(#"descent_experiments_finished_total{status="succeeded"} 1"#))
    }
}
