import DescentCore
import Testing
@testable import DescentService

/// The covariate-shift preset's claims (its description in scripts/generate-presets.py).
extension PresetClaimTests {
    /// Per hidden layer, the activation's input statistics at every evaluation after step 0: the affine outputs
    /// without batch norm, γx̂ + β with it.
    private static func inputs(_ r: RunResult) -> [[(mean: Double, std: Double)]] {
        let records = r.trajectory.layerStats.filter { $0.step > 0 }
        let layers = (records.map(\.layer).max() ?? -1) + 1
        return (0..<layers).map { l in
            records.filter { $0.layer == l }.map { ($0.normalizedMean ?? $0.mean, $0.normalizedStd ?? $0.std) }
        }
    }

    /// max/min of the std over the epochs.
    private static func stdRatio(_ s: [(mean: Double, std: Double)]) -> Double {
        let stds = s.map(\.std)
        return (stds.max() ?? .nan) / (stds.min() ?? .nan)
    }

    /// The range of the mean over the epochs, in units of the mean std.
    private static func meanRange(_ s: [(mean: Double, std: Double)]) -> Double {
        let means = s.map(\.mean)
        return ((means.max() ?? .nan) - (means.min() ?? .nan)) / (s.map(\.std).reduce(0, +) / Double(s.count))
    }

    @Test func covariateShiftRunsBothTrainAndRecordEveryLayerEachEpoch() async throws {
        let r = try await PresetRuns.of("covariate-shift")
        let off = try r.result("4 ReLU layers, lr 0.1, no batch norm"), on = try r.result("4 ReLU layers, lr 0.1, batch norm")
        // The description's 0.037 and 0.038.
        #expect(close(off.summary.finalLoss, 0.037, relative: 0.05) && close(on.summary.finalLoss, 0.038, relative: 0.05),
                "off \(off.summary.finalLoss), on \(on.summary.finalLoss)")
        // 300 training samples in batches of 32: 10 updates an epoch, 100 epochs, plus step 0: 101 records per layer.
        for run in [off, on] {
            #expect(run.trajectory.layerStats.count == 4 * 101)
            #expect(Self.inputs(run).map(\.count) == [100, 100, 100, 100])
        }
        #expect(off.trajectory.layerStats.allSatisfy { $0.normalizedStd == nil })
        #expect(on.trajectory.layerStats.allSatisfy { $0.normalizedStd != nil })
    }

    @Test func withoutBatchNormEachLayersInputDriftsMoreTheDeeperItIs() async throws {
        let off = try await PresetRuns.of("covariate-shift").result("4 ReLU layers, lr 0.1, no batch norm")
        let ratios = Self.inputs(off).map(Self.stdRatio)
        // The description's 1.4, 2.1, 2.5 and 2.8, rising with depth.
        for (ratio, expected) in zip(ratios, [1.42, 2.07, 2.46, 2.83]) { #expect(close(ratio, expected, relative: 0.02), "\(ratios)") }
        let deepest = try #require(Self.inputs(off).last)
        #expect(close(deepest.first?.std ?? 0, 1.8, relative: 0.02) && close(deepest.last?.std ?? 0, 4.8, relative: 0.02), "\(deepest)")
    }

    @Test func batchNormKeepsEveryLayersInputInPlace() async throws {
        let r = try await PresetRuns.of("covariate-shift")
        let off = Self.inputs(try r.result("4 ReLU layers, lr 0.1, no batch norm"))
        let on = Self.inputs(try r.result("4 ReLU layers, lr 0.1, batch norm"))
        for l in 0..<4 {
            // The std stays within a factor 1.5 with batch norm; the mean moves under half as far.
            #expect(Self.stdRatio(on[l]) < 1.5 && Self.stdRatio(on[l]) < Self.stdRatio(off[l]), "layer \(l)")
            #expect(Self.meanRange(on[l]) < 0.6 * Self.meanRange(off[l]), "layer \(l): \(Self.meanRange(on[l])) vs \(Self.meanRange(off[l]))")
        }
        // The deepest layer: std ratio 2.8 without, 1.46 with.
        #expect(Self.stdRatio(off[3]) > 1.8 * Self.stdRatio(on[3]))
    }
}
