extension ScheduleSpec {
    /// The schedule this spec describes.
    /// - Parameters:
    ///   - baseLR: the optimizer's lr, one_cycle's max_lr when that is null.
    ///   - steps: the spec's step budget, one_cycle's total_steps when that is null.
    ///   - path: JSON path of the schedule object, e.g. "schedule".
    /// - Throws: `SpecError` for a parameter out of its table's range or in conflict with another.
    func build(baseLR: Double, steps: Int, path: String) throws(SpecError) -> LearningRateSchedule {
        try check(path: path)
        switch kind {
        case .constant: return .constant
        case .step: return .step(stepSize: integer("step_size"), gamma: number("gamma"))
        case .multistep:
            let milestones = value("milestones").integers ?? []
            for i in milestones.indices.dropFirst() where milestones[i] <= milestones[i - 1] {
                throw SpecError(field: fieldPath(path, "milestones[\(i)]"), message: "must be greater than the previous milestone",
                                code: "invalid_value")
            }
            return .multiStep(milestones: milestones, gamma: number("gamma"))
        case .exponential: return .exponential(gamma: number("gamma"))
        case .cosine: return .cosine(tMax: integer("t_max"), etaMin: number("eta_min"))
        case .linearWarmup:
            let thenPath = fieldPath(path, "then")
            let then = try ScheduleSpec(checking: value("then"), path: thenPath)
            if then.kind == .reduceOnPlateau {
                throw SpecError(field: fieldPath(thenPath, "type"), message: "reduce_on_plateau cannot follow a warm-up",
                                code: "invalid_value")
            }
            let following = try then.build(baseLR: baseLR, steps: steps, path: thenPath)
            // torch has no single scheduler for a warm-up followed by a momentum cycle to follow.
            if following.momentumCycle != nil {
                throw SpecError(field: fieldPath(thenPath, "cycle_momentum"), message: "momentum cycling cannot follow a warm-up",
                                code: "invalid_value")
            }
            return .linearWarmup(warmupSteps: integer("warmup_steps"), startFactor: number("start_factor"), then: following)
        case .inverseSqrt: return .inverseSqrt(warmupSteps: integer("warmup_steps"))
        case .oneCycle:
            let total = value("total_steps").integer ?? steps
            let pct = number("pct_start")
            if pct * Double(total) - 1 <= 0 || pct * Double(total) - 1 >= Double(total - 1) {
                throw SpecError(field: fieldPath(path, "pct_start"),
                                message: "pct_start × total_steps must lie in (1, total_steps)", code: "invalid_value")
            }
            if flag("three_phase") && 2 * pct * Double(total) - 2 >= Double(total - 1) {
                throw SpecError(field: fieldPath(path, "pct_start"),
                                message: "with three_phase, 2 × pct_start × total_steps − 1 must be below total_steps",
                                code: "invalid_value")
            }
            return .oneCycle(maxLR: value("max_lr").number ?? baseLR, totalSteps: total, pctStart: pct,
                             divFactor: number("div_factor"), finalDivFactor: number("final_div_factor"),
                             threePhase: flag("three_phase"), linearAnneal: value("anneal_strategy").string == "linear",
                             momentum: try momentumCycle(path: path))
        case .linear:
            return .linear(startFactor: number("start_factor"), endFactor: number("end_factor"), totalIters: integer("total_iters"))
        case .constantFactor: return .constantFactor(factor: number("factor"), totalIters: integer("total_iters"))
        case .polynomial: return .polynomial(totalIters: integer("total_iters"), power: number("power"))
        case .cosineWarmRestarts: return .cosineWarmRestarts(t0: integer("t_0"), tMult: integer("t_mult"), etaMin: number("eta_min"))
        case .cyclic:
            let up = integer("step_size_up")
            return .cyclic(baseLR: value("base_lr").number ?? baseLR, maxLR: number("max_lr"), stepSizeUp: up,
                           stepSizeDown: value("step_size_down").integer ?? up,
                           mode: value("mode").string.flatMap(LearningRateSchedule.CyclicMode.init(rawValue:)) ?? .triangular,
                           gamma: number("gamma"), momentum: try momentumCycle(path: path))
        case .sequential:
            let items = value("schedules").array ?? []
            let milestones = value("milestones").integers ?? []
            if items.isEmpty {
                throw SpecError(field: fieldPath(path, "schedules"), message: "must list at least one schedule", code: "invalid_value")
            }
            if milestones.count != items.count - 1 {
                throw SpecError(field: fieldPath(path, "milestones"),
                                message: "must have one entry fewer than schedules (\(items.count - 1))", code: "invalid_value")
            }
            for i in milestones.indices.dropFirst() where milestones[i] <= milestones[i - 1] {
                throw SpecError(field: fieldPath(path, "milestones[\(i)]"), message: "must be greater than the previous milestone",
                                code: "invalid_value")
            }
            var schedules: [LearningRateSchedule] = []
            for (i, item) in items.enumerated() {
                let itemPath = fieldPath(path, "schedules[\(i)]")
                let spec = try ScheduleSpec(checking: item, path: itemPath)
                // torch's OneCycleLR overwrites the group's initial_lr and CyclicLR its lr when constructed, which
                // changes the start of the other schedules in a SequentialLR; nested sequences are not supported.
                if [.sequential, .linearWarmup, .reduceOnPlateau, .oneCycle, .cyclic].contains(spec.kind) {
                    throw SpecError(field: fieldPath(itemPath, "type"),
                                    message: "\(spec.kind.rawValue) cannot be one of sequential's schedules", code: "invalid_value")
                }
                schedules.append(try spec.build(baseLR: baseLR, steps: steps, path: itemPath))
            }
            return .sequential(schedules: schedules, milestones: milestones)
        case .reduceOnPlateau:
            return .reduceOnPlateau(ReduceOnPlateau(
                maximize: value("mode").string == "max", factor: number("factor"), patience: integer("patience"),
                threshold: number("threshold"), relative: value("threshold_mode").string != "abs",
                cooldown: integer("cooldown"), minLR: number("min_lr"), eps: number("eps"),
                metric: value("metric").string.flatMap(ReduceOnPlateau.Metric.init(rawValue:)) ?? .batchLoss))
        case .lambda:
            do {
                return .lambda(try ScheduleFormula(value("factor").string ?? ""))
            } catch {
                throw SpecError(field: fieldPath(path, "factor"), message: "at position \(error.position): \(error.reason)",
                                code: "invalid_expression")
            }
        }
    }

    /// one_cycle's or cyclic's momentum range when `cycle_momentum` is true, else nil.
    /// - Throws: `SpecError` when max_momentum is below base_momentum (the cycle starts at max_momentum).
    private func momentumCycle(path: String) throws(SpecError) -> MomentumCycle? {
        guard flag("cycle_momentum") else { return nil }
        let cycle = MomentumCycle(base: number("base_momentum"), max: number("max_momentum"))
        if cycle.max < cycle.base {
            throw SpecError(field: fieldPath(path, "max_momentum"), message: "must be at least base_momentum (\(cycle.base))",
                            code: "invalid_value")
        }
        return cycle
    }
}
