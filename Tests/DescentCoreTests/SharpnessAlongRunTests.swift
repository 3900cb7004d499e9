import Foundation
import Testing
@testable import DescentCore

private let mlpRun = """
    {"seed": 3, "objective": {"type": "mlp", "hidden": [6]},
     "dataset": {"type": "synthetic", "generator": "two_moons", "samples": 40},
     "optimizer": {"type": "sgd", "lr": 0.3, "momentum": 0.5}, "batch_size": 8, "steps": 57, "record_every": 3
     %@}
    """

@Suite struct SharpnessAlongRunTests {
    @Test func recordsReadThetaOnlySoTheRunIsBitIdenticalWithoutThem() throws {
        let plain = try spec(mlpRun.replacingOccurrences(of: "%@", with: "")).validated().run()
        var chunks: [TrajectoryChunk] = []
        let analysed = try spec(mlpRun.replacingOccurrences(of: "%@", with: #", "analysis": {"sharpness_every": 5}"#)).validated()
            .run(progressEvery: 10) { chunks.append($0) }
        #expect(plain.summary == analysed.summary)
        var stripped = analysed.trajectory
        stripped.sharpness = []
        #expect(stripped == plain.trajectory)
        #expect(plain.trajectory.sharpness.isEmpty)
        // Every 5th step from 0, then the final point (step 57); progress reports carry each record once.
        #expect(analysed.trajectory.sharpness.map(\.step) == Array(stride(from: 0, through: 55, by: 5)) + [57])
        #expect(chunks.flatMap(\.records.sharpness) == analysed.trajectory.sharpness)
    }

    @Test func closedFormRunTakesTheGeneralLoopAndStaysBitIdentical() throws {
        let base = #"{"objective": {"type": "rosenbrock"}, "optimizer": {"type": "adam", "lr": 0.01}, "start": [-1, 1], "steps": 40 %@}"#
        let plain = try spec(base.replacingOccurrences(of: "%@", with: "")).validated().run()
        let analysed = try spec(base.replacingOccurrences(of: "%@", with: #", "analysis": {"sharpness_every": 10}"#)).validated().run()
        var stripped = analysed.trajectory
        stripped.sharpness = []
        #expect(stripped == plain.trajectory)
        #expect(analysed.summary == plain.summary)
        #expect(analysed.trajectory.sharpness.map(\.step) == [0, 10, 20, 30, 40])
    }

    @Test func quadraticSharpnessIsItsLargestCurvatureAndAlignmentTheGradientsCosine() throws {
        // L = ½(x² + 100y²) at (1, 1): λmax = 100 with eigenvector e₂, g = (1, 100), |cos| = 100/√10001.
        let run = try spec("""
            {"objective": {"type": "quadratic", "a": [[1, 0], [0, 100]]}, "optimizer": {"type": "sgd", "lr": 0.001},
             "start": [1, 1], "steps": 1, "analysis": {"sharpness_every": 1}}
            """).validated().run()
        let first = try #require(run.trajectory.sharpness.first)
        #expect(first.step == 0 && first.lr == 0.001)
        #expect(abs(first.lambdaMax - 100) <= 1e-12 * 100)
        #expect(abs(first.alignment - 100 / 10001.0.squareRoot()) <= 1e-14)
    }

    @Test func lanczosSharpnessAboveTheDenseLimitMatchesTheDenseEigenvalue() throws {
        // 2-16-1 tanh MLP: 65 parameters, one past the dense limit, so the record uses Lanczos.
        let experiment = try spec("""
            {"seed": 1, "objective": {"type": "mlp", "hidden": [16]},
             "dataset": {"type": "synthetic", "generator": "two_moons", "samples": 30},
             "optimizer": {"type": "sgd", "lr": 0.1}, "steps": 1}
            """).validated()
        #expect(experiment.dimension == 65)
        let theta = experiment.configuration.start
        let record = SharpnessRecord.measure(experiment.objective, at: theta, step: 0, lr: 0.1)
        let dense = SymmetricEigen(experiment.objective.hessian(at: theta))
        let exact = try #require(dense.eigenvalues.last)
        #expect(abs(record.lambdaMax - exact) <= 1e-9 * max(1, abs(exact)))
        var gradient = [Double](repeating: 0, count: 65)
        _ = experiment.objective.valueAndGradient(at: theta, batch: .full, gradient: &gradient)
        let v = try #require(dense.eigenvectors.last)
        let cosine = abs(zip(gradient, v).reduce(0) { $0 + $1.0 * $1.1 }) / gradient.reduce(0) { $0 + $1 * $1 }.squareRoot()
        #expect(abs(record.alignment - cosine) <= 1e-8)
    }

    @Test func sharpnessEveryBelowOneNamesTheField() {
        let error = checkError(#"{"objective": {"type": "saddle"}, "optimizer": {"type": "sgd"}, "analysis": {"sharpness_every": 0}}"#)
        #expect(error?.field == "analysis.sharpness_every")
        #expect(error?.code == "out_of_range")
    }

    @Test func unknownAnalysisFieldIsRejected() {
        let error = checkError(#"{"objective": {"type": "saddle"}, "optimizer": {"type": "sgd"}, "analysis": {"sharpness": 5}}"#)
        #expect(error?.field == "analysis.sharpness")
        #expect(error?.code == "unknown_field")
    }

    @Test func batchNormModelsAreRefused() {
        let error = checkError("""
            {"objective": {"type": "mlp", "hidden": [4], "batch_norm": {}},
             "dataset": {"type": "synthetic", "generator": "two_moons", "samples": 20},
             "optimizer": {"type": "sgd"}, "batch_size": 4, "analysis": {"sharpness_every": 10}}
            """)
        #expect(error?.field == "analysis.sharpness_every")
        #expect(error?.code == "invalid_value")
    }

    @Test func workPastTheBoundIsTooLarge() {
        // 10⁶ records × 300 products × 4,481 parameters × 1,000 samples is far past 5·10¹⁰.
        let error = checkError("""
            {"objective": {"type": "mlp", "hidden": [64, 64]},
             "dataset": {"type": "synthetic", "generator": "two_moons", "samples": 1000},
             "optimizer": {"type": "sgd"}, "steps": 1000000, "record_every": 1000, "record_params": false,
             "analysis": {"sharpness_every": 1}}
            """)
        #expect(error?.field == "analysis.sharpness_every")
        #expect(error?.code == "too_large")
    }

    @Test func specWithoutAnalysisKeepsItsCanonicalFormAndOneWithItRoundTrips() throws {
        let plain = try spec(#"{"objective": {"type": "saddle"}, "optimizer": {"type": "sgd"}}"#)
        #expect(plain.asValue.object?["analysis"] == nil)
        let analysed = try spec(#"{"objective": {"type": "saddle"}, "optimizer": {"type": "sgd"}, "analysis": {"sharpness_every": 7}}"#)
        #expect(analysed.sharpnessEvery == 7)
        #expect(try ExperimentSpec(checking: analysed.asValue) == analysed)
    }

    @Test func trajectoryJSONOmitsAnEmptySharpnessAndDecodesWithout() throws {
        let run = try spec(#"{"objective": {"type": "saddle"}, "optimizer": {"type": "sgd"}, "start": [0.1, 0.2], "steps": 3}"#)
            .validated().run()
        let bytes = try JSONEncoder().encode(run.trajectory)
        #expect(!String(decoding: bytes, as: UTF8.self).contains("sharpness"))
        #expect(try JSONDecoder().decode(Trajectory.self, from: bytes) == run.trajectory)
    }
}
