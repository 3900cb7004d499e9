import DescentCore
import Testing
@testable import DescentService

/// The saddle-noise preset's claims (its description in scripts/generate-presets.py).
extension PresetClaimTests {
    @Test func fullBatchGradientDescentKeepsTheSymmetryExactlyAndEndsOnTheSaddle() async throws {
        let r = try await PresetRuns.of("saddle-noise").result("full-batch gradient descent")
        let t = r.trajectory
        for row in 0..<t.count {
            let w = Array(t.parameters(atRow: row))
            // w = (w1[0], w1[1], w2): w1[1] stays 0 and w1[0] = −w2, bit for bit, at every step.
            #expect(w[1] == 0 && w[0] == -w[2], "step \(t.step[row]): \(w)")
        }
        // The saddle at the origin: loss mean(y²) = 2.75, weights below 1e-37.
        #expect(r.summary.finalLoss == 2.75, "\(r.summary.finalLoss)")
        #expect(r.summary.finalParams.allSatisfy { abs($0) < 1e-37 }, "\(r.summary.finalParams)")
    }

    @Test func miniBatchNoiseLeavesTheSaddleAndReachesTheValley() async throws {
        let r = try await PresetRuns.of("saddle-noise").result("mini-batch gradient descent, B = 4")
        let w = r.summary.finalParams
        // The valley of minima w1[0]·w2 = 1 (least-squares loss 0.25), off the manifold w1[0] = −w2.
        #expect(abs(w[0] * w[2] - 1) < 0.1, "\(w)")
        #expect(r.summary.finalLoss < 0.27, "\(r.summary.finalLoss)")
        // It has left the saddle's neighbourhood within 50 updates (12 epochs of 4 batches).
        let early = try #require(r.trajectory.epochs.first { $0.step >= 48 })
        #expect(early.trainLoss < 0.3, "step \(early.step): \(early.trainLoss)")
    }
}
