import Testing
@testable import DescentCore

// Optimizer internals (`record_internals`): the state vectors checked against their update rules by hand for the
// first steps, the update size, the averaged point, norms above eight parameters, windowed recording, and the
// run's bit-identity with and without them.

/// ½xᵀAx with A = diag(1, 4) from (1, −0.5): the gradient at row t is (p0, 4·p1), exact in float64.
private func quadraticSpec(_ optimizer: String, steps: Int = 5, internals: Bool = true, extra: String = "") -> String {
    """
    {"objective": {"type": "quadratic", "a": [[1, 0], [0, 4]]}, "optimizer": \(optimizer), "start": [1, -0.5],
     "steps": \(steps), "record_internals": \(internals)\(extra)}
    """
}

private func run(_ json: String) throws -> RunResult {
    let experiment = try spec(json).validated()
    return Trainer.run(objective: experiment.objective, optimizer: experiment.optimizer, configuration: experiment.configuration)
}

/// The gradient of the quadratic at row `row`.
private func gradient(_ t: Trajectory, row: Int) -> [Double] {
    let p = t.parameters(atRow: row)
    return [p[p.startIndex], 4 * p[p.startIndex + 1]]
}

/// Whether `a` and `b` agree to `tolerance` relative to the larger magnitude (both 0 counts as equal).
private func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-14) -> Bool {
    a == b || abs(a - b) <= tolerance * max(abs(a), abs(b))
}

@Suite struct OptimizerInternalsTests {
    @Test func adamRecordsMAndVPerCoordinateWithUpdateSize() throws {
        let t = try run(quadraticSpec(#"{"type": "adam", "lr": 0.1}"#)).trajectory
        #expect(t.internalNames == ["m[0]", "m[1]", "v[0]", "v[1]", "update_norm", "effective_lr"])
        let m0 = t.internalColumn("m[0]"), m1 = t.internalColumn("m[1]"), v0 = t.internalColumn("v[0]"), v1 = t.internalColumn("v[1]")
        // Row 0: before any update the moments are zero and nothing has moved.
        #expect(t.internals(atRow: 0).allSatisfy { $0 == 0 })
        // Row 1: m₁ = (1 − β₁)g₀, v₁ = (1 − β₂)g₀².
        let g0 = gradient(t, row: 0), g1 = gradient(t, row: 1)
        #expect(close(m0[1], 0.1 * g0[0]) && close(m1[1], 0.1 * g0[1]))
        #expect(close(v0[1], 0.001 * g0[0] * g0[0]) && close(v1[1], 0.001 * g0[1] * g0[1]))
        // Row 2: m₂ = β₁m₁ + (1 − β₁)g₁, v₂ = β₂v₁ + (1 − β₂)g₁².
        #expect(close(m0[2], 0.9 * m0[1] + 0.1 * g1[0]) && close(m1[2], 0.9 * m1[1] + 0.1 * g1[1]))
        #expect(close(v0[2], 0.999 * v0[1] + 0.001 * g1[0] * g1[0]) && close(v1[2], 0.999 * v1[1] + 0.001 * g1[1] * g1[1]))
        // Adam's first step moves each coordinate by lr (m̂/√v̂ = sign g up to ε): ‖Δθ‖ = 0.1·√2.
        let update = t.internalColumn("update_norm"), rate = t.internalColumn("effective_lr")
        #expect(abs(update[1] - 0.1 * 2.0.squareRoot()) < 1e-8)
        let step = zip(t.parameters(atRow: 1), t.parameters(atRow: 0)).map { $0 - $1 }
        #expect(update[1] == (step[0] * step[0] + step[1] * step[1]).squareRoot())
        #expect(rate[1] == update[1] / t.gradNorm[0])
        #expect(update[0] == 0 && rate[0] == 0)
    }

    @Test func amsgradAddsTheRunningMaximumOfV() throws {
        let t = try run(quadraticSpec(#"{"type": "adam", "lr": 0.1, "amsgrad": true}"#, steps: 30)).trajectory
        #expect(t.internalNames.contains("v_max[1]"))
        let v = t.internalColumn("v[1]"), vMax = t.internalColumn("v_max[1]")
        var running = 0.0
        for i in 0..<t.count { running = max(running, v[i]); #expect(vMax[i] == running) }
    }

    @Test func rmspropRecordsTheAverageOfSquaredGradients() throws {
        let t = try run(quadraticSpec(#"{"type": "rmsprop", "lr": 0.01, "alpha": 0.9}"#)).trajectory
        #expect(t.internalNames == ["v[0]", "v[1]", "update_norm", "effective_lr"])
        let v0 = t.internalColumn("v[0]"), v1 = t.internalColumn("v[1]")
        let g0 = gradient(t, row: 0), g1 = gradient(t, row: 1)
        #expect(v0[0] == 0 && v1[0] == 0)
        #expect(close(v0[1], 0.1 * g0[0] * g0[0]) && close(v1[1], 0.1 * g0[1] * g0[1]))
        #expect(close(v0[2], 0.9 * v0[1] + 0.1 * g1[0] * g1[0]) && close(v1[2], 0.9 * v1[1] + 0.1 * g1[1] * g1[1]))
    }

    @Test func lectureRMSpropRecordsSigmaStartingAtTheFirstGradientsMagnitude() throws {
        let t = try run(quadraticSpec(#"{"type": "rmsprop_lecture", "lr": 0.01, "alpha": 0.9}"#)).trajectory
        let s0 = t.internalColumn("sigma[0]"), s1 = t.internalColumn("sigma[1]")
        let g0 = gradient(t, row: 0), g1 = gradient(t, row: 1)
        #expect(s0[1] == abs(g0[0]) && s1[1] == abs(g0[1]))  // σ₀ = |g₀| exactly
        #expect(close(s0[2], (0.9 * s0[1] * s0[1] + 0.1 * g1[0] * g1[0]).squareRoot()))
        #expect(close(s1[2], (0.9 * s1[1] * s1[1] + 0.1 * g1[1] * g1[1]).squareRoot()))
    }

    @Test func sgdRecordsTheMomentumBuffer() throws {
        let t = try run(quadraticSpec(#"{"type": "sgd", "lr": 0.05, "momentum": 0.9}"#)).trajectory
        #expect(t.internalNames == ["b[0]", "b[1]", "update_norm", "effective_lr"])
        let b0 = t.internalColumn("b[0]"), b1 = t.internalColumn("b[1]")
        let g0 = gradient(t, row: 0), g1 = gradient(t, row: 1), g2 = gradient(t, row: 2)
        #expect(b0[1] == g0[0] && b1[1] == g0[1])  // torch's first step: b ← g
        #expect(b0[2] == 0.9 * b0[1] + g1[0] && b1[2] == 0.9 * b1[1] + g1[1])  // dampening 0: b ← μb + g
        #expect(b0[3] == 0.9 * b0[2] + g2[0] && b1[3] == 0.9 * b1[2] + g2[1])
        // Plain SGD's effective rate is its lr: θ moves by lr·b, and with momentum b₁ = g₀.
        #expect(close(t.internalColumn("effective_lr")[1], 0.05))
    }

    @Test func sgdWithoutMomentumRecordsOnlyTheUpdateSize() throws {
        let t = try run(quadraticSpec(#"{"type": "sgd", "lr": 0.05}"#)).trajectory
        #expect(t.internalNames == ["update_norm", "effective_lr"])
        for r in t.internalColumn("effective_lr").dropFirst() { #expect(close(r, 0.05)) }
    }

    @Test func aboveEightParametersTheStateIsRecordedAsNorms() throws {
        let json = """
        {"objective": {"type": "ill_conditioned", "dimension": 10, "kappa": 10}, "optimizer": {"type": "sgd", "lr": 0.01, "momentum": 0.5},
         "steps": 4, "record_internals": true}
        """
        let t = try run(json).trajectory
        #expect(t.internalNames == ["b_norm", "update_norm", "effective_lr"])
        // b₁ = g₀ exactly, and the norm sums the squares in the same order as the gradient norm.
        #expect(t.internalColumn("b_norm")[1] == t.gradNorm[0])
    }

    @Test func asgdRecordsItsAveragedPoint() throws {
        let t = try run(quadraticSpec(#"{"type": "asgd", "lr": 0.05, "t0": 0}"#)).trajectory
        #expect(t.internalNames == ["avg[0]", "avg[1]", "update_norm", "effective_lr"])
        // With t0 = 0, μ = 1 for the first two steps: θ̄ ← θ after each of them.
        #expect(Array(t.internals(atRow: 1).prefix(2)) == Array(t.parameters(atRow: 1)))
        #expect(Array(t.internals(atRow: 2).prefix(2)) == Array(t.parameters(atRow: 2)))
    }

    @Test func cycledMomentumStillRecordsTheRulesState() throws {
        let cycled = #", "schedule": {"type": "one_cycle", "max_lr": 0.1, "total_steps": 5, "cycle_momentum": true}"#
        let sgd = try run(quadraticSpec(#"{"type": "sgd", "lr": 0.05, "momentum": 0.9}"#, extra: cycled)).trajectory
        #expect(sgd.internalNames == ["b[0]", "b[1]", "update_norm", "effective_lr"])
        let g0 = gradient(sgd, row: 0)
        #expect(sgd.internalColumn("b[0]")[1] == g0[0] && sgd.internalColumn("b[1]")[1] == g0[1])  // b₁ = g₀
        let adam = try run(quadraticSpec(#"{"type": "adam", "lr": 0.05}"#, extra: cycled)).trajectory
        #expect(adam.internalNames == ["m[0]", "m[1]", "v[0]", "v[1]", "update_norm", "effective_lr"])
        #expect(close(adam.internalColumn("v[0]")[1], 0.001 * g0[0] * g0[0]))  // v₁ = (1 − β₂)g₀², β₂ is not cycled
    }

    /// Linear regression on two features: θ = (weight[0], weight[1], bias). A bias group without momentum keeps no
    /// buffer, so its coordinate of b stays 0, while the weights' buffer starts as g₀ as without groups.
    @Test func parameterGroupsRecordEveryGroupsStateAtItsCoordinates() throws {
        func linear(_ optimizer: String) -> String {
            #"{"objective":{"type":"linear_regression"},"dataset":{"type":"synthetic","generator":"linear","samples":30,"features":2},"#
                + #""optimizer":"# + optimizer + #","steps":6,"record_internals":true}"#
        }
        let grouped = try run(linear(#"{"type":"sgd","lr":0.01,"momentum":0.9,"param_groups":[{"params":["bias"],"momentum":0}]}"#))
            .trajectory
        let plain = try run(linear(#"{"type":"sgd","lr":0.01,"momentum":0.9}"#)).trajectory
        #expect(grouped.internalNames == ["b[0]", "b[1]", "b[2]", "update_norm", "effective_lr"])
        #expect(grouped.internalColumn("b[0]")[1] == plain.internalColumn("b[0]")[1])
        #expect(grouped.internalColumn("b[1]")[1] == plain.internalColumn("b[1]")[1])
        #expect(grouped.internalColumn("b[0]")[1] != 0 && plain.internalColumn("b[2]")[1] != 0)
        #expect(grouped.internalColumn("b[2]").allSatisfy { $0 == 0 })

        let asgd = try run(linear(#"{"type":"asgd","lr":0.01,"t0":0,"param_groups":[{"params":["bias"],"lr":0.02}]}"#)).trajectory
        #expect(asgd.internalNames == ["avg[0]", "avg[1]", "avg[2]", "update_norm", "effective_lr"])
        // With t0 = 0, μ = 1 for the first two steps: every group's θ̄ ← θ after each of them.
        #expect(Array(asgd.internals(atRow: 1).prefix(3)) == Array(asgd.parameters(atRow: 1)))
        #expect(Array(asgd.internals(atRow: 2).prefix(3)) == Array(asgd.parameters(atRow: 2)))
    }

    @Test func polyakAverageIsTheMeanOfTheIteratesAfterUpdates() throws {
        let t = try run(quadraticSpec(#"{"type": "sgd", "lr": 0.05}"#, extra: #", "transforms": [{"type": "polyak"}]"#)).trajectory
        let avg = t.internalColumn("avg[0]")
        let p = (0..<t.count).map { t.parameters(atRow: $0).first ?? .nan }
        #expect(avg[0] == p[0])  // no update yet: the current point
        #expect(avg[1] == p[1])
        #expect(close(avg[2], (p[1] + p[2]) / 2))
        #expect(close(avg[3], (p[1] + p[2] + p[3]) / 3))
    }

    @Test(arguments: [
        #"{"type": "adam", "lr": 0.01}"#, #"{"type": "adamw", "lr": 0.01, "amsgrad": true}"#,
        #"{"type": "rmsprop", "lr": 0.001, "momentum": 0.5, "centered": true}"#, #"{"type": "sgd", "lr": 0.001, "momentum": 0.9, "nesterov": true}"#,
        #"{"type": "adagrad", "lr": 0.1}"#, #"{"type": "asgd", "lr": 0.001, "t0": 10}"#, #"{"type": "lion", "lr": 0.001}"#,
    ])
    func theRunIsBitIdenticalWithAndWithoutInternals(optimizer: String) throws {
        let base = #"{"objective": {"type": "rosenbrock"}, "optimizer": \#(optimizer), "start": [-1.2, 1], "steps": 400"#
        let plain = try run(base + "}"), recorded = try run(base + #", "record_internals": true}"#)
        let a = plain.trajectory, b = recorded.trajectory
        #expect(a.params.map(\.bitPattern) == b.params.map(\.bitPattern))
        #expect(a.loss.map(\.bitPattern) == b.loss.map(\.bitPattern))
        #expect(a.gradNorm.map(\.bitPattern) == b.gradNorm.map(\.bitPattern))
        #expect(a.step == b.step && a.lr == b.lr)
        #expect(plain.summary == recorded.summary)
        #expect(a.internalNames.isEmpty && a.internals.isEmpty)
        #expect(b.internals.count == b.count * b.internalNames.count)
    }

    @Test func windowedRecordingReportsTheSameInternals() throws {
        let experiment = try spec(quadraticSpec(#"{"type": "adam", "lr": 0.05}"#, steps: 50, extra: #", "record_every": 3"#)).validated()
        let kept = Trainer.run(objective: experiment.objective, optimizer: experiment.optimizer,
                               configuration: experiment.configuration).trajectory
        var windowed = experiment.configuration
        windowed.keepsTrajectory = false
        var reported = Trajectory(dimension: 2)
        _ = Trainer.run(objective: experiment.objective, optimizer: experiment.optimizer, configuration: windowed,
                        progressEvery: 7) { chunk in
            reported.step += chunk.records.step
            reported.internalNames = chunk.records.internalNames
            reported.internals += chunk.records.internals
        }
        #expect(reported.step == kept.step)
        #expect(reported.internalNames == kept.internalNames)
        #expect(reported.internals.map(\.bitPattern) == kept.internals.map(\.bitPattern))
    }

    @Test func theSpecKeepsRecordInternalsOnlyWhenSet() throws {
        let on = try spec(quadraticSpec(#"{"type": "sgd"}"#))
        #expect(on.recordInternals)
        if case let .object(members) = on.asValue { #expect(members["record_internals"] == .bool(true)) }
        let off = try spec(quadraticSpec(#"{"type": "sgd"}"#, internals: false))
        if case let .object(members) = off.asValue { #expect(members["record_internals"] == nil) }
        let wrong = #"{"objective": {"type": "saddle"}, "optimizer": {"type": "sgd"}, "record_internals": 3}"#
        #expect(try errorFields(wrong) == ["record_internals"])
    }
}
