/// How a parameter group names its tensors: the `params` member and the words it may hold.
enum ParameterGroupSelection {
    /// The `params` member of a group.
    static let parameter = ParameterInfo("params", .stringList,
                                         "tensor names (\"layer1.weight\", \"bias\", …) or kinds: weight, bias, gamma, beta, "
                                         + "bn (γ and β)")

    /// The kinds a selector word stands for (nil: it is no kind, so it must be a tensor name).
    static func kinds(of word: String) -> [TensorKind]? {
        if word == "bn" { return [.gamma, .beta] }
        return TensorKind(rawValue: word).map { [$0] }
    }
}

extension OptimizerSpec {
    /// The parameter groups of `param_groups` resolved against `objective`: the given groups in order, then a group of
    /// the tensors in none with the optimizer's own options (left out when every tensor is in a group); empty when
    /// the spec has no groups.
    /// - Parameters:
    ///   - objective: the model whose named tensors the groups select.
    ///   - schedule: the run's schedule; one that sets every rate itself (one_cycle, cyclic) makes a group's `lr` an error.
    ///   - path: JSON path of the optimizer object.
    /// - Throws: `SpecError` at `param_groups…` for an objective without named tensors, an unknown tensor name, a
    ///   selector matching nothing, a tensor in two groups, or a group's options the rule rejects.
    func buildGroups(objective: any Objective, schedule: LearningRateSchedule, path: String) throws(SpecError) -> [ParameterGroup] {
        let groups = value("param_groups").array ?? []
        guard !groups.isEmpty else { return [] }
        let groupsPath = fieldPath(path, "param_groups")
        guard let model = objective as? NamedParameterTensors else {
            throw SpecError(field: groupsPath, message: "needs a model with named tensors (linear_regression, logistic_regression, "
                            + "softmax_regression, mlp); this objective has none", code: "invalid_value")
        }
        let tensors = model.namedTensors
        var owner = [Int?](repeating: nil, count: tensors.count)
        var own = parameters
        own["param_groups"] = nil
        var result: [ParameterGroup] = []
        for (g, group) in groups.enumerated() {
            let groupPath = "\(groupsPath)[\(g)]"
            let members = group.object ?? [:]
            for (s, word) in (members["params"]?.strings ?? []).enumerated() {
                let selected = try select(word, in: tensors, field: "\(groupPath).params[\(s)]")
                for t in selected {
                    if let other = owner[t] {
                        throw SpecError(field: "\(groupPath).params[\(s)]",
                                        message: "selects \(tensors[t].name), which is already in "
                                        + (other == g ? "this group" : "\(groupsPath)[\(other)]"), code: "invalid_value")
                    }
                    owner[t] = g
                }
            }
            if schedule.setsEveryRate, let lr = members["lr"], !lr.isNull {
                throw SpecError(field: "\(groupPath).lr", message: "has no effect: the schedule sets every group's rate itself "
                                + "(as torch's OneCycleLR and CyclicLR do); leave it out", code: "invalid_value")
            }
            var merged = own
            for (name, v) in members where name != "params" && !v.isNull { merged[name] = v }
            let rule = try OptimizerSpec(kind, parameters: merged).build(path: groupPath)
            result.append(ParameterGroup(ranges: ranges(tensors, owner, of: g), optimizer: rule))
        }
        if owner.contains(where: { $0 == nil }) {
            let rule = try OptimizerSpec(kind, parameters: own).build(path: path)
            result.append(ParameterGroup(ranges: ranges(tensors, owner, of: nil), optimizer: rule))
        }
        return result
    }

    /// The indices of the tensors `word` selects: the tensor of that name, or every tensor of that kind.
    private func select(_ word: String, in tensors: [NamedTensor], field: String) throws(SpecError) -> [Int] {
        if let t = tensors.firstIndex(where: { $0.name == word }) { return [t] }
        if let kinds = ParameterGroupSelection.kinds(of: word) {
            let selected = tensors.indices.filter { kinds.contains(tensors[$0].kind) }
            if selected.isEmpty {
                throw SpecError(field: field, message: "'\(word)' selects no tensor: the model has no \(word) tensors", code: "invalid_value")
            }
            return selected
        }
        let names = tensors.map(\.name).joined(separator: ", ")
        throw SpecError(field: field, message: "unknown tensor '\(word)'; the model's tensors: \(names); kinds: weight, bias, gamma, beta, bn",
                        code: "invalid_value")
    }

    /// The θ ranges of the tensors whose owner is `group`, in θ order.
    private func ranges(_ tensors: [NamedTensor], _ owner: [Int?], of group: Int?) -> [Range<Int>] {
        tensors.indices.filter { owner[$0] == group }.map { tensors[$0].range }.filter { !$0.isEmpty }
    }
}

extension LearningRateSchedule {
    /// Whether the schedule sets the rate without the optimizer's (torch's OneCycleLR and CyclicLR overwrite every
    /// group's rate with the same values), in any of its parts.
    var setsEveryRate: Bool {
        switch self {
        case .oneCycle, .cyclic: true
        case let .linearWarmup(_, _, then): then.setsEveryRate
        case let .sequential(schedules, _): schedules.contains { $0.setsEveryRate }
        case .constant, .step, .multiStep, .exponential, .cosine, .inverseSqrt, .linear, .constantFactor, .polynomial,
             .cosineWarmRestarts, .lambda, .reduceOnPlateau: false
        }
    }
}
