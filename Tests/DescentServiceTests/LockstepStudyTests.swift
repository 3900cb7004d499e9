import DescentCore
import Foundation
import Testing
@testable import DescentService

@Suite struct LockstepStudyTests {
    /// A study's same-shape members are claimed together and run in lockstep; each stored trajectory and
    /// summary must still be exactly what the member's spec gives run alone.
    @Test func studyMembersRunTogetherStoreExactlyTheirRunsAlone() async throws {
        let h = try ServiceHarness(workers: 1, start: false)
        let base = #"{"objective":{"type":"rosenbrock"},"optimizer":{"type":"adam","lr":0.01},"start":[-1.2,1],"steps":3000,"stop":{"loss_target":1e-3}}"#
        let rates = (0..<10).map { 0.002 * Double($0 + 1) }
        let body = #"{"name":"sweep","base":\#(base),"grid":{"optimizer.lr":[\#(rates.map { "\($0)" }.joined(separator: ","))]}}"#
        let r = try await h.request(.post, "/v1/studies", json: body)
        #expect(r.status == 202)
        let ids = try #require(h.object(r.body)["experiments"] as? [[String: Any]]).compactMap { $0["id"] as? String }
        #expect(ids.count == 10)
        try h.runner.start()
        var reasons: Set<StopReason> = []
        for id in ids {
            _ = try await h.waitFinal(id)
            let record = try #require(try h.runner.store.experiment(id))
            let alone = try record.spec.validated().run()
            let stored = try h.runner.store.trajectory(id, dimension: 2)
            #expect(record.status == .succeeded, "\(id)")
            #expect(stored.step == alone.trajectory.step, "\(id)")
            #expect(stored.loss.map(\.bitPattern) == alone.trajectory.loss.map(\.bitPattern), "\(id)")
            #expect(stored.params.map(\.bitPattern) == alone.trajectory.params.map(\.bitPattern), "\(id)")
            #expect(stored.lr.map(\.bitPattern) == alone.trajectory.lr.map(\.bitPattern), "\(id)")
            #expect(stored.gradNorm.map(\.bitPattern) == alone.trajectory.gradNorm.map(\.bitPattern), "\(id)")
            let summary = try #require(record.summary)
            #expect(summary.stopReason == alone.summary.stopReason && summary.stepsRun == alone.summary.stepsRun, "\(id)")
            #expect(summary.finalParams.map(\.bitPattern) == alone.summary.finalParams.map(\.bitPattern), "\(id)")
            reasons.insert(summary.stopReason)
        }
        #expect(reasons == [.budget, .lossTarget], "some members left the group early, the others ran on")
    }
}
