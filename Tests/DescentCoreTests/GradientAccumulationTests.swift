import Testing
@testable import DescentCore

@Suite struct GradientAccumulationTests {
    /// The cases of accumulate.json: linear regression on inline samples, the batches in the order Batcher documents
    /// (reproduced by the script), and torch's own accumulation: zero_grad(), then (loss/k).backward() for each of the
    /// k micro-batches (torch.autograd summing into .grad), then the other transforms, then the torch optimizer's step().
    static let cases = TorchFixtures.all.filter { $0.spec.transforms.first?.kind == .accumulate }

    @Test func theFixturesStraddleEpochEndsAndCombineWithClipping() {
        #expect(Self.cases.count >= 3)
        // An odd number of batches per epoch with k = 2: updates take batches from two epochs.
        #expect(Self.cases.contains { $0.spec.batchesPerEpoch % $0.spec.accumulationSteps != 0 })
        #expect(Self.cases.contains { $0.spec.transforms.count > 1 })
    }

    /// Every row's parameters to 1e-12 normwise relative against the fixture's, whose gradients are what torch's backward
    /// of loss/k accumulated (its rounding of the regression and of the sum over micro-batches not necessarily ours),
    /// the rates exactly.
    @Test(arguments: cases)
    func trajectoryMatchesTorchsPattern(_ c: TorchCase) throws {
        let run = try c.spec.validated().run()
        #expect(run.trajectory.count == c.params.count, "\(c.name): \(run.summary.stopReason)")
        var worst = 0.0
        for row in 0..<min(run.trajectory.count, c.params.count) {
            worst = max(worst, normwiseRelativeDeviation(run.trajectory.parameters(atRow: row), c.params[row]))
        }
        #expect(worst <= 1e-12, "\(c.name): relative deviation \(worst)")
        #expect(Array(run.trajectory.lr.prefix(c.lr.count)) == c.lr)
    }

    /// With B | N and k = N/B, the k micro-batches of an update cover the epoch once, so the accumulated gradient
    /// (1/k)Σⱼ(2/B)Σ_{i∈bⱼ} rᵢx̃ᵢ is the full-batch gradient (2/N)Σᵢ rᵢx̃ᵢ: plain SGD follows the full-batch run up
    /// to rounding (12 samples, batches of 3, k = 4).
    @Test func coveringAnEpochPerUpdateIsFullBatchDescent() throws {
        let data = #""dataset":{"type":"inline","x":[[0.3,-1.2],[1.5,0.4],[-0.7,0.9],[2.1,-0.3],[-1.4,-0.8],[0.2,1.7],"#
            + #"[0.9,0.1],[-0.5,-1.9],[1.1,1.3],[-2.0,0.6],[0.6,-0.6],[1.8,1.0]],"y":[-1.1,2.3,0.4,2.6,-2.2,1.9,1.2,-2.4,2.9,-1.3,0.1,3.4]}"#
        let head = #"{"objective":{"type":"linear_regression"},"optimizer":{"type":"sgd","lr":0.05},"steps":150,"start":[0.5,-0.5,0.1],"#
        let accumulated = try spec(head + data + #","batch_size":3,"transforms":[{"type":"accumulate","steps":4}]}"#).validated().run()
        let full = try spec(head + data + "}").validated().run()
        #expect(accumulated.trajectory.count == full.trajectory.count)
        var worst = 0.0
        for row in 0..<full.trajectory.count {
            worst = max(worst, normwiseRelativeDeviation(accumulated.trajectory.parameters(atRow: row), full.trajectory.parameters(atRow: row)))
        }
        #expect(worst <= 1e-12, "relative deviation \(worst)")
        #expect(maximumRelativeDeviation(accumulated.trajectory.loss, full.trajectory.loss) <= 1e-12)
        // One update per epoch: the epoch column counts updates, and every epoch end is evaluated.
        #expect(accumulated.trajectory.epoch.prefix(4) == [0, 1, 2, 3])
    }

    /// k = 1 is no accumulation: the run is the one without the entry, bit for bit.
    @Test func oneStepIsNoAccumulation() throws {
        let base = #"{"objective":{"type":"linear_regression"},"dataset":{"type":"synthetic","generator":"linear","samples":30,"features":2},"#
            + #""optimizer":{"type":"adam","lr":0.01},"batch_size":4,"steps":60,"seed":5"#
        let plain = try spec(base + "}").validated().run()
        let one = try spec(base + #","transforms":[{"type":"accumulate","steps":1}]}"#).validated().run()
        #expect(plain.trajectory.params.map(\.bitPattern) == one.trajectory.params.map(\.bitPattern))
    }

    /// An `epochs` budget counts updates: ⌊epochs × batches per epoch / k⌋ (8 batches per epoch, k = 3, 3 epochs: 8).
    @Test func anEpochBudgetCountsUpdatesOfKBatches() throws {
        let s = try spec(#"{"objective":{"type":"linear_regression"},"dataset":{"type":"synthetic","generator":"linear","samples":30},"#
                         + #""optimizer":{"type":"sgd","lr":0.01},"batch_size":4,"epochs":3,"transforms":[{"type":"accumulate","steps":3}]}"#)
        #expect(s.batchesPerEpoch == 8)
        #expect(s.stepBudget == 8)
        let run = try s.validated().run()
        #expect(run.summary.stepsRun == 8)
        // 24 batches: 3 whole epochs, each end evaluated (the initial point and three ends).
        #expect(run.trajectory.epochs.map(\.epoch) == [0, 1, 2])
    }

    /// Misplaced or malformed entries, and budgets beyond the limits: the mini-batch evaluations a spec asks for (steps × k,
    /// or epochs × batches per epoch) are bounded by the step limit, and an epoch budget must hold one whole update
    /// (30 samples in batches of 4 make 8 batches an epoch).
    @Test(arguments: [
        (#""steps":10,"transforms":[{"type":"clip_grad_norm","max_norm":1},{"type":"accumulate","steps":2}],"batch_size":4"#, "transforms[1].type"),
        (#""steps":10,"transforms":[{"type":"accumulate","steps":2}]"#, "transforms[0]"),
        (#""steps":10,"transforms":[{"type":"accumulate","steps":0}],"batch_size":4"#, "transforms[0].steps"),
        (#""steps":10,"transforms":[{"type":"accumulate","steps":2.5}],"batch_size":4"#, "transforms[0].steps"),
        (#""steps":10,"transforms":[{"type":"accumulate"}],"batch_size":4"#, "transforms[0].steps"),
        (#""steps":10,"transforms":[{"type":"accumulate","steps":2000000}],"batch_size":4"#, "transforms[0].steps"),
        (#""steps":10,"transforms":[{"type":"accumulate","steps":4000000000000000}],"batch_size":4"#, "transforms[0].steps"),
        (#""epochs":1,"transforms":[{"type":"accumulate","steps":9}],"batch_size":4"#, "transforms[0].steps"),
        (#""epochs":2000000,"transforms":[{"type":"accumulate","steps":2}],"batch_size":4"#, "epochs"),
        (#""epochs":2000000000000000000,"batch_size":4"#, "epochs"),
    ])
    func badEntriesAndBudgetsNameTheirField(_ members: String, _ field: String) throws {
        let fields = try errorFields(#"{"objective":{"type":"linear_regression"},"dataset":{"type":"synthetic","generator":"linear","samples":30},"#
                                     + #""optimizer":{"type":"sgd"},"# + members + "}")
        #expect(fields == [field])
    }

    @Test func runsWithItTakeTheGeneralLoop() throws {
        let experiment = try spec(#"{"objective":{"type":"linear_regression"},"dataset":{"type":"synthetic","generator":"linear","samples":30},"#
                                  + #""optimizer":{"type":"sgd","lr":0.01},"batch_size":4,"steps":20,"transforms":[{"type":"accumulate","steps":2}]}"#)
            .validated()
        #expect(experiment.configuration.needsGeneralLoop)
    }

    @Test func anEpochBudgetHoldingWholeUpdatesIsAccepted() throws {
        let experiment = try spec(#"{"objective":{"type":"linear_regression"},"dataset":{"type":"synthetic","generator":"linear","samples":30},"#
                                  + #""optimizer":{"type":"sgd","lr":0.01},"batch_size":4,"epochs":1,"transforms":[{"type":"accumulate","steps":8}]}"#)
            .validated()
        #expect(experiment.configuration.steps == 1)
    }
}
