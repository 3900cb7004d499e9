import DescentTestSupport
import DescentCore
import Foundation
import Testing
@testable import DescentService

@Suite struct RecoveryTests {
    @Test func unfinishedExperimentsAreRequeuedAndFinishIdentically() async throws {
        let first = try ServiceHarness(start: false)
        let id = try #require(first.object(try await first.request(.post, "/v1/experiments", json: saddleSpec).body)["id"] as? String)
        // Simulate a crash mid-run: a worker of the dead process claimed it and stored a stray partial chunk.
        let claim = try #require(try first.runner.store.claim(owner: "crashed", leaseSeconds: 3600))
        #expect(claim.record.id == id)
        var partial = Trajectory(dimension: 2)
        partial.step = [0]; partial.epoch = [0]; partial.lr = [9]; partial.loss = [9]; partial.gradNorm = [9]; partial.params = [9, 9]
        #expect(try first.runner.store.appendChunk(claim.lease, index: 0, chunk: partial, stepsDone: 1, leaseSeconds: 3600))
        let second = try ServiceHarness(folder: first.folder)
        let final = try await second.waitFinal(id)
        #expect(final["status"] as? String == "succeeded")
        let stored = try second.runner.store.trajectory(id, dimension: 2)
        let direct = try ExperimentSpec(checking: try JSONDecoder().decode(SpecValue.self, from: Data(saddleSpec.utf8))).validated().run()
        #expect(stored == direct.trajectory)
    }

    @Test func stopPutsRunningExperimentBackToQueuedWithoutTrajectory() async throws {
        let h = try ServiceHarness(workers: 1)
        // Minutes of work, so it is surely still running when the test stops the runner.
        let long = #"{"objective":{"type":"mlp","hidden":[16]},"dataset":{"type":"synthetic","generator":"two_moons","samples":200},"optimizer":{"type":"adam","lr":0.001},"batch_size":32,"steps":10000000,"record_every":10000,"record_params":false}"#
        let id = try #require(h.object(try await h.request(.post, "/v1/experiments", json: long).body)["id"] as? String)
        try await h.waitUntilRunning(id)
        h.stop()
        let record = try #require(try h.runner.store.experiment(id))
        #expect(record.status == .queued)
        #expect(record.stepsDone == 0)
        #expect(record.startedAt == nil)
        #expect(try h.runner.store.trajectory(id, dimension: 2).count == 0)
    }

    @Test func submissionsWhileStoppingAre503() async throws {
        let h = try ServiceHarness()
        h.stop()
        let r = try await h.request(.post, "/v1/experiments", json: saddleSpec)
        #expect(r.status == 503)
        #expect(r.headers["Retry-After"] != nil)
        #expect(r.body.contains(#""code":"shutting_down""#))
    }
}
