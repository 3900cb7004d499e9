extension Trainer {
    /// Runs experiments of one `LockstepShape` together, four per instruction stream (`LockstepLoop`); results
    /// in member order, each bit-identical to `run` of that member alone. Members without a shape, or of
    /// another shape than the first, are run alone after the group (so any list is accepted).
    /// - Parameter progressEvery: steps between each member's progress reports (default 1024).
    public static func runLockstep(_ members: [LockstepMember], progressEvery: Int = 1024) -> [RunResult] {
        runLockstep(members, progressEvery: progressEvery, maxStagedBytes: lockstepMaxStagedBytes)
    }

    /// Most bytes a windowed lockstep group stages to build its reports straight from the staged rows (`LockstepLoop`).
    static let lockstepMaxStagedBytes = 32 << 20

    /// `runLockstep` with the staging limit chosen (tests take both of a windowed group's report paths).
    static func runLockstep(_ members: [LockstepMember], progressEvery: Int, maxStagedBytes: Int) -> [RunResult] {
        let shapes = members.map(\.shape)
        guard let shape = shapes.first ?? nil else { return members.map { runAlone($0, progressEvery) } }
        let group = shapes.indices.filter { shapes[$0] == shape }
        var results = [RunResult?](repeating: nil, count: members.count)
        for (i, result) in zip(group, lockstep(shape, group.map { members[$0] }, progressEvery, maxStagedBytes)) { results[i] = result }
        for i in members.indices where results[i] == nil { results[i] = runAlone(members[i], progressEvery) }
        return results.compactMap { $0 }
    }

    /// One member through `run`, reporting its summary as a lockstep member would.
    private static func runAlone(_ member: LockstepMember, _ progressEvery: Int) -> RunResult {
        let result = run(objective: member.objective, optimizer: member.optimizer, configuration: member.configuration,
                         control: member.control, progressEvery: progressEvery, onProgress: member.onProgress)
        member.onFinish?(result.summary)
        return result
    }

    /// Picks the loop for the shape's objective and rule.
    private static func lockstep(_ shape: LockstepShape, _ members: [LockstepMember], _ progressEvery: Int,
                                 _ maxStagedBytes: Int) -> [RunResult] {
        func rule<K: LaneKernel>(_ objective: K) -> [RunResult] {
            switch shape.rule {
            case .adam: return LockstepLoop<K, LockstepAdam>(objective: objective, members: members, maxStagedBytes: maxStagedBytes)
                    .run(progressEvery: progressEvery)
            case .sgd: return LockstepLoop<K, LockstepSGD>(objective: objective, members: members, maxStagedBytes: maxStagedBytes)
                    .run(progressEvery: progressEvery)
            case .rmsprop:
                return LockstepLoop<K, LockstepRMSprop>(objective: objective, members: members, maxStagedBytes: maxStagedBytes)
                    .run(progressEvery: progressEvery)
            case .adagrad:
                return LockstepLoop<K, LockstepAdagrad>(objective: objective, members: members, maxStagedBytes: maxStagedBytes)
                    .run(progressEvery: progressEvery)
            }
        }
        switch shape.objective {
        case let .rosenbrock(o): return rule(o)
        case .saddle: return rule(SaddleObjective())
        case let .quadratic(o): return rule(o)
        }
    }
}
