import Testing
@testable import DescentCore

// Gradient transforms and parameter averages: hand-checked values, the noise's statistics and determinism,
// the paths that refuse transforms, and the spec's errors. Their agreement with torch over whole
// trajectories is in TorchFixtureTests (transforms.json).

/// The first error of checking `json` fully, as "field code".
private func firstError(_ json: String) throws -> String? {
    let value = try SpecValue(parsingJSON: Array(json.utf8))
    do throws(SpecErrors) {
        _ = try ExperimentSpec.check(value)
        return nil
    } catch {
        return error.errors.first.map { "\($0.field) \($0.code)" }
    }
}

@Suite struct GradientTransformTests {
    @Test func clipNormScalesByMaxNormOverNormPlusTorchEpsilon() {
        var chain = GradientTransformChain([.clipNorm(maxNorm: 1, infinity: false)], seed: 0)
        var g = [3.0, 4.0]
        chain.apply(to: &g, step: 0)
        let c: Double = 1 / (5 + 1e-6)  // torch's reciprocal, times max_norm 1
        #expect(g == [3 * c, 4 * c])
    }

    @Test func clipNormLeavesASmallGradientMultipliedByOne() {
        var chain = GradientTransformChain([.clipNorm(maxNorm: 10, infinity: false)], seed: 0)
        var g = [3.0, -4.0]
        chain.apply(to: &g, step: 0)
        #expect(g == [3, -4])
    }

    @Test func clipNormWithTheInfinityNormUsesTheLargestMagnitude() {
        var chain = GradientTransformChain([.clipNorm(maxNorm: 2, infinity: true)], seed: 0)
        var g = [3.0, -4.0, 1.0]
        chain.apply(to: &g, step: 0)
        let c: Double = (1 / (4 + 1e-6)) * 2
        #expect(g == [3 * c, -4 * c, c])
    }

    @Test func clipValueClampsEachCoordinate() {
        var chain = GradientTransformChain([.clipValue(1)], seed: 0)
        var g = [3.0, -4.0, 0.5, -1.0]
        chain.apply(to: &g, step: 0)
        #expect(g == [1, -1, 0.5, -1])
    }

    @Test func transformsApplyInListOrder() {
        // Value first: (3, −4) → (1, −1), norm √2 > 1 → scaled to norm ≈ 1. Norm first: ≈ (0.6, −0.8), then inside [−1, 1].
        var valueThenNorm = GradientTransformChain([.clipValue(1), .clipNorm(maxNorm: 1, infinity: false)], seed: 0)
        var normThenValue = GradientTransformChain([.clipNorm(maxNorm: 1, infinity: false), .clipValue(1)], seed: 0)
        var a = [3.0, -4.0], b = [3.0, -4.0]
        valueThenNorm.apply(to: &a, step: 0)
        normThenValue.apply(to: &b, step: 0)
        let c = 1 / (2.0.squareRoot() + 1e-6)
        #expect(a == [c, -c])
        let d: Double = 1 / (5 + 1e-6)
        #expect(b == [3 * d, -4 * d])
    }

    @Test(arguments: [(0.01, 0.55, 0), (0.3, 0.55, 9), (1.0, 0.0, 100), (1.0, 1.0, 3)])
    func noiseHasMeanZeroAndTheAnnealedVariance(_ eta: Double, _ gamma: Double, _ t: Int) {
        let n = 40_000
        var chain = GradientTransformChain([.noise(eta: eta, gamma: gamma)], seed: 7)
        var g = [Double](repeating: 0, count: n)
        chain.apply(to: &g, step: t)
        let variance = eta / LibM.pow(1 + Double(t), gamma)
        let mean = g.reduce(0, +) / Double(n)
        let sampleVariance = g.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
        // Standard errors: √(σ²/n) for the mean, σ²√(2/(n − 1)) for the variance; 5 of each.
        #expect(abs(mean) <= 5 * (variance / Double(n)).squareRoot())
        #expect(abs(sampleVariance - variance) <= 5 * variance * (2 / Double(n - 1)).squareRoot())
    }

    @Test func noiseAddsToTheGradientAndShrinksWithT() {
        var early = GradientTransformChain([.noise(eta: 1, gamma: 0.55)], seed: 3)
        var late = GradientTransformChain([.noise(eta: 1, gamma: 0.55)], seed: 3)
        var a = [Double](repeating: 5, count: 8), b = a
        early.apply(to: &a, step: 0)
        late.apply(to: &b, step: 999)
        // The same normals, scaled by σ₀ = 1 and σ₉₉₉ = 1000^(−0.275).
        let ratio = LibM.pow(1000, -0.275)
        for i in 0..<8 { #expect(abs((b[i] - 5) - ratio * (a[i] - 5)) <= 1e-12) }
    }

    @Test func noiseIsFixedByTheSeed() {
        func draw(_ seed: UInt64) -> [UInt64] {
            var chain = GradientTransformChain([.noise(eta: 0.1, gamma: 0.55)], seed: seed)
            var g = [1.0, 2.0, 3.0]
            chain.apply(to: &g, step: 0)
            chain.apply(to: &g, step: 1)
            return g.map(\.bitPattern)
        }
        #expect(draw(11) == draw(11))
        #expect(draw(11) != draw(12))
    }

    @Test func noisyRunsRepeatBitForBitAndDifferBySeed() throws {
        let json = #"{"objective":{"type":"rosenbrock"},"optimizer":{"type":"adam","lr":0.01},"start":[-1.2,1],"steps":300,"#
            + #""transforms":[{"type":"gradient_noise","eta":0.3}],"seed":"#
        let a = try spec(json + "5}").validated().run(), b = try spec(json + "5}").validated().run()
        let c = try spec(json + "6}").validated().run()
        #expect(a.trajectory.params.map(\.bitPattern) == b.trajectory.params.map(\.bitPattern))
        #expect(a.trajectory.params != c.trajectory.params)
    }

    @Test func noiseLetsGradientDescentLeaveTheSaddlePoint() throws {
        // (1 − w₁w₂)² has a saddle at the origin, where the gradient is exactly 0: plain SGD stays (loss 1 at
        // every step); with annealed noise it falls to the valley w₁w₂ = 1.
        let base = #"{"objective":{"type":"saddle"},"optimizer":{"type":"sgd","lr":0.05},"start":[0,0],"steps":2000,"seed":1"#
        let still = try spec(base + "}").validated().run()
        let noisy = try spec(base + #","transforms":[{"type":"gradient_noise","eta":0.01}]}"#).validated().run()
        #expect(still.summary.finalLoss == 1)
        #expect(still.trajectory.loss.allSatisfy { $0 == 1 })
        #expect(noisy.summary.finalLoss < 1e-4)
    }

    @Test func polyakAverageIsTheMeanOfTheUpdatesParameters() {
        var average = ParameterAverage(.polyak)
        for x in [1.0, 2.0, 3.0, 4.0] { average.update([x, -2 * x]) }
        #expect(average.point == [2.5, -5])
        #expect(average.count == 4)
    }

    @Test func emaStartsAtTheFirstUpdateAndThenLerps() {
        var average = ParameterAverage(.ema(decay: 0.75))
        average.update([8])
        #expect(average.point == [8])
        average.update([0])
        #expect(average.point == [6])  // 8 + 0.25·(0 − 8)
    }

    @Test func averagedPointAndItsLossAreInTheSummary() throws {
        let run = try spec(#"{"objective":{"type":"quadratic","a":[[2,0],[0,1]],"b":[0,0]},"optimizer":{"type":"sgd","lr":0.1},"#
                           + #""start":[1,1],"steps":50,"transforms":[{"type":"polyak"}]}"#).validated().run()
        let point = try #require(run.summary.averagedParams)
        // The mean of θ₁ … θ₅₀ with θₜ = ((1 − 0.2)ᵗ, (1 − 0.1)ᵗ), each coordinate a geometric series.
        let expected = [0.8, 0.9].map { r in (1...50).reduce(0.0) { $0 + LibM.pow(r, Double($1)) } / 50 }
        #expect(normwiseRelativeDeviation(point, expected) <= 1e-13)
        let loss = try #require(run.summary.averagedLoss)
        #expect(abs(loss - (point[0] * point[0] + 0.5 * point[1] * point[1])) <= 1e-15)
    }

    @Test func aRunWithoutAverageHasNoAveragedPoint() throws {
        let run = try spec(#"{"objective":{"type":"saddle"},"optimizer":{"type":"sgd","lr":0.1},"steps":5}"#).validated().run()
        #expect(run.summary.averagedParams == nil)
        #expect(run.summary.averagedLoss == nil)
    }

    @Test func runsWithTransformsHaveNoLockstepShapeAndMatchThePlainLoop() throws {
        let experiment = try spec(#"{"objective":{"type":"rosenbrock"},"optimizer":{"type":"adam","lr":0.01},"steps":200,"#
                                  + #""transforms":[{"type":"clip_grad_norm","max_norm":1},{"type":"ema","decay":0.9}]}"#).validated()
        #expect(LockstepShape(objective: experiment.objective, optimizer: experiment.optimizer,
                              configuration: experiment.configuration) == nil)
        let (fast, plain) = fastAndPlainRuns(experiment)
        #expect(fast.trajectory.params.map(\.bitPattern) == plain.trajectory.params.map(\.bitPattern))
        #expect(fast.summary == plain.summary)
    }

    @Test func recordedGradientNormIsTheNormBeforeClipping() throws {
        let run = try spec(#"{"objective":{"type":"quadratic","a":[[1,0],[0,1]],"b":[0,0]},"optimizer":{"type":"sgd","lr":0.5},"#
                           + #""start":[3,4],"steps":1,"transforms":[{"type":"clip_grad_norm","max_norm":1}]}"#).validated().run()
        #expect(run.trajectory.gradNorm[0] == 5)
        // θ₁ = θ₀ − 0.5·g/(5 + 1e-6)·1 ≈ 0.9·θ₀.
        #expect(abs(run.trajectory.params[2] - 3 * (1 - 0.5 / (5 + 1e-6))) <= 1e-15)
    }

    @Test func specWithTransformsRoundTripsAndOneWithoutHasNoTransformsKey() throws {
        let with = try spec(#"{"objective":{"type":"saddle"},"optimizer":{"type":"sgd"},"transforms":[{"type":"clip_grad_value","clip_value":1}]}"#)
        #expect(try ExperimentSpec(checking: with.asValue) == with)
        let without = try spec(#"{"objective":{"type":"saddle"},"optimizer":{"type":"sgd"}}"#)
        #expect(without.asValue.object?["transforms"] == nil)
    }

    @Test(arguments: [
        (#"[{"type":"clip"}]"#, "transforms[0].type unknown_type"),
        (#"[{"max_norm":1}]"#, "transforms[0].type missing_field"),
        (#"[{"type":"clip_grad_norm"}]"#, "transforms[0].max_norm missing_field"),
        (#"[{"type":"clip_grad_norm","max_norm":-1}]"#, "transforms[0].max_norm out_of_range"),
        (#"[{"type":"clip_grad_norm","max_norm":1,"norm_type":"1"}]"#, "transforms[0].norm_type invalid_value"),
        (#"[{"type":"clip_grad_value","clip_value":1,"extra":2}]"#, "transforms[0].extra unknown_field"),
        (#"[{"type":"gradient_noise","eta":0}]"#, "transforms[0].eta out_of_range"),
        (#"[{"type":"ema","decay":1.5}]"#, "transforms[0].decay out_of_range"),
        (#"[{"type":"ema"},{"type":"polyak"}]"#, "transforms[1] invalid_value"),
        (#"{"type":"ema"}"#, "transforms wrong_type"),
        (#"[1]"#, "transforms[0] wrong_type"),
    ])
    func badTransformsNameTheirField(_ transforms: String, _ expected: String) throws {
        let json = #"{"objective":{"type":"saddle"},"optimizer":{"type":"sgd"},"transforms":"# + transforms + "}"
        #expect(try firstError(json) == expected)
    }

    @Test(arguments: ["lbfgs", "sam", "asam"])
    func gradientTransformsAreRefusedWithRulesThatEvaluateTheirOwnGradientsButAveragesAreNot(_ rule: String) throws {
        let base = #"{"objective":{"type":"rosenbrock"},"optimizer":{"type":""# + rule + #""},"steps":5,"transforms":"#
        #expect(try firstError(base + #"[{"type":"clip_grad_norm","max_norm":1}]}"#) == "transforms[0] invalid_value")
        #expect(try firstError(base + #"[{"type":"polyak"}]}"#) == nil)
    }

    @Test func anAverageIsRefusedWithASGDWhichReportsItsOwn() throws {
        let json = #"{"objective":{"type":"rosenbrock"},"optimizer":{"type":"asgd"},"steps":5,"transforms":[{"type":"ema"}]}"#
        #expect(try firstError(json) == "transforms[0] invalid_value")
    }

    @Test func asgdReportsItsAverageAndOtherRulesNone() throws {
        let asgd = try spec(#"{"objective":{"type":"saddle"},"optimizer":{"type":"asgd","t0":0},"start":[0.3,-0.2],"steps":50}"#)
            .validated().run().summary
        let sgd = try spec(#"{"objective":{"type":"saddle"},"optimizer":{"type":"sgd"},"start":[0.3,-0.2],"steps":50}"#)
            .validated().run().summary
        let point = try #require(asgd.averagedParams)
        #expect(point != asgd.finalParams && asgd.averagedLoss != nil)
        #expect(sgd.averagedParams == nil && sgd.functionEvaluations == nil && asgd.functionEvaluations == nil)
    }

    @Test func catalogListsEveryTransformWithItsParameters() {
        let types = Catalog.document.transforms.map(\.type)
        #expect(types == ["clip_grad_norm", "clip_grad_value", "gradient_noise", "ema", "polyak", "accumulate"])
        let experiment = Catalog.document.experiment.first { $0.name == "transforms" }
        #expect(experiment?.kind == "transform_list")
        #expect(experiment?.defaultValue == .array([]))
    }
}
