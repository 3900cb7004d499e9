import DescentTestSupport
import DescentCore
import Foundation
import Testing
@testable import DescentService

/// A run claimed behind a long one in its worker's batch goes back to the queue, so an idle worker runs it.
@Suite struct ClaimHandBackTests {
    private func saddle(_ name: String) -> String {
        #"{"name":"\#(name)","objective":{"type":"saddle"},"optimizer":{"type":"sgd","lr":0.1},"start":[0.01,0.02],"steps":300}"#
    }

    private func batch(_ specs: [String]) -> String { #"{"items":[\#(specs.joined(separator: ","))]}"# }

    private func ids(_ h: ServiceHarness, _ body: String) -> [String] {
        (h.object(body)["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
    }

    @Test func aShortRunClaimedBehindALongOneIsRunByTheIdleWorker() async throws {
        let h = try ServiceHarness(workers: 2, limits: SpecLimits(maxSteps: 1_000_000_000))
        // Short runs first, so the workers claim several at a time (their claim batch doubles after each short run).
        for round in 0..<4 {
            let warm = try await h.request(.post, "/v1/experiments/batch", json: batch((0..<16).map { saddle("warm\(round)-\($0)") }))
            for id in ids(h, warm.body) { _ = try await h.waitFinal(id) }
        }
        // A run until cancelled and a short one queued in one insert: the first worker to claim takes both, the long
        // one first.
        let long = #"{"name":"long","objective":{"type":"rosenbrock"},"optimizer":{"type":"sgd","lr":1e-4},"start":[-1.2,1],"#
            + #""steps":1000000000,"record_every":1000000}"#
        let r = try await h.request(.post, "/v1/experiments/batch", json: batch([long, saddle("quick")]))
        #expect(r.status == 202)
        let pair = ids(h, r.body)
        try #require(pair.count == 2)
        defer { _ = try? h.runner.cancel(pair[0]) }
        let quick = try await h.waitFinal(pair[1], timeout: 20)
        #expect(quick["status"] as? String == "succeeded")
        #expect(try h.runner.store.experiment(pair[0])?.status == .running)
    }
}
