import DescentCore
import Testing
@testable import DescentService

/// The edge-of-stability preset's claims (its description in scripts/generate-presets.py).
extension PresetClaimTests {
    @Test func atLr03SharpnessRisesToTwoOverLrAndHoversThere() async throws {
        let t = try await PresetRuns.of("edge-of-stability").result("full-batch gradient descent, lr 0.3").trajectory
        let edge = 2 / 0.3
        let records = t.sharpness
        #expect(records.count == 51 && records.map(\.step) == Array(stride(from: 0, through: 1000, by: 20)))
        let first = try #require(records.first)
        // λmax starts at 0.66 of 2/η, below the edge.
        #expect(first.lambdaMax > 0.6 * edge && first.lambdaMax < 0.7 * edge, "\(first.lambdaMax)")
        // From step 20 on it stays within 3 % of 2/η (the description's claim; 4 % allowed here).
        for r in records.dropFirst() {
            #expect(abs(r.lambdaMax / edge - 1) < 0.04, "step \(r.step): λmax \(r.lambdaMax), 2/η \(edge)")
            // At the edge the gradient oscillates along the top eigenvector.
            #expect(r.alignment > 0.9, "step \(r.step): alignment \(r.alignment)")
        }
    }

    @Test func atTheEdgeTheLossIsNotMonotoneButStillFalls() async throws {
        let r = try await PresetRuns.of("edge-of-stability").result("full-batch gradient descent, lr 0.3")
        let loss = r.trajectory.loss
        let rises = zip(loss, loss.dropFirst()).filter { $1 > $0 }.count
        #expect(rises > 50, "\(rises) rises in \(loss.count) rows")
        #expect(r.summary.finalLoss < 0.01 && r.summary.finalLoss < (loss.first ?? 0) / 100, "\(r.summary.finalLoss)")
    }

    @Test func atLr02SharpnessRisesSteadilyBelowTheEdgeAndTheLossFallsEveryStep() async throws {
        let r = try await PresetRuns.of("edge-of-stability").result("full-batch gradient descent, lr 0.2")
        let edge = 2 / 0.2
        let records = r.trajectory.sharpness.dropFirst()
        // Progressive sharpening: λmax grows at every record and stays below 2/η.
        for (a, b) in zip(records, records.dropFirst()) {
            #expect(b.lambdaMax > a.lambdaMax, "step \(b.step): \(b.lambdaMax) after \(a.lambdaMax)")
        }
        let last = try #require(records.last)
        #expect(last.lambdaMax > 0.8 * edge && last.lambdaMax < edge, "\(last.lambdaMax)")
        #expect(records.allSatisfy { $0.alignment < 0.01 })
        let loss = r.trajectory.loss
        #expect(zip(loss, loss.dropFirst()).allSatisfy { $1 <= $0 })
        #expect(r.summary.finalLoss < 0.01, "\(r.summary.finalLoss)")
    }
}
