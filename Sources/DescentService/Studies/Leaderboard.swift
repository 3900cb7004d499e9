import DescentCore
import Foundation

/// A comparison's result: per problem, each optimizer's tuned configuration and how it did when run again on
/// fresh seeds, ranked.
///
/// Each cell's entry holds the best tuning trial (its values and value) and the confirmation trial's runs: their
/// objective value (the trial's value, the mean over its runs), final-loss statistics (`ReplicateAggregate`), the
/// mean and sample standard deviation of the steps to the target over the runs that reached it, and the mean wall
/// time per run (claim to end; runs of one lockstep group overlap). Entries are ranked by the confirmation value
/// (the objective's direction; ties by the request's optimizer order); a cell without one yet is unranked and
/// listed last. `ratio_to_winner` is the entry's value over the winner's, when that is finite and not 0. Every
/// number apart from wall times follows from the study spec and seed.
struct Leaderboard: Encodable {
    /// One optimizer on one problem.
    struct Entry: Encodable {
        var rank: Int?
        /// The cell's index (problem-major), as the trials' `cell`.
        var cell: Int
        var optimizer: String
        /// `tuning`, `confirming`, `finished`, or `failed` (no tuning trial had a finite value).
        var state: String
        var trialsEnded: Int
        var budget: Int
        var bestTrial: Int?
        var params: SearchAssignment?
        var tuningValue: Double?
        var confirmationTrial: Int?
        var value: Double?
        var ratioToWinner: Double?
        var finalLoss: ReplicateAggregate?
        var stepsToTargetMean: Double?
        var stepsToTargetStd: Double?
        var wallMsMean: Double?
        var tuningWallMs: Double

        enum CodingKeys: CodingKey {
            case rank, cell, optimizer, state, trialsEnded, budget, bestTrial, params, tuningValue, confirmationTrial, value, ratioToWinner
            case finalLoss, stepsToTargetMean, stepsToTargetStd, wallMsMean, tuningWallMs
        }

        // Every key is written, null when unknown, so each entry has the same keys.
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(rank, forKey: .rank); try c.encode(cell, forKey: .cell); try c.encode(optimizer, forKey: .optimizer); try c.encode(state, forKey: .state)
            try c.encode(trialsEnded, forKey: .trialsEnded); try c.encode(budget, forKey: .budget)
            try c.encode(bestTrial, forKey: .bestTrial); try c.encode(params, forKey: .params)
            try c.encode(tuningValue, forKey: .tuningValue); try c.encode(confirmationTrial, forKey: .confirmationTrial)
            try c.encode(value, forKey: .value); try c.encode(ratioToWinner, forKey: .ratioToWinner)
            try c.encode(finalLoss, forKey: .finalLoss); try c.encode(stepsToTargetMean, forKey: .stepsToTargetMean)
            try c.encode(stepsToTargetStd, forKey: .stepsToTargetStd); try c.encode(wallMsMean, forKey: .wallMsMean)
            try c.encode(tuningWallMs, forKey: .tuningWallMs)
        }
    }

    /// One problem's ranked entries.
    struct Problem: Encodable {
        var problem: String
        /// The rank-1 optimizer once every cell of the problem has finished, else null.
        var winner: String?
        var entries: [Entry]

        enum CodingKeys: CodingKey { case problem, winner, entries }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(problem, forKey: .problem); try c.encode(winner, forKey: .winner); try c.encode(entries, forKey: .entries)
        }
    }

    /// Runs of each confirmation trial.
    var confirm: Int
    /// The target of `steps_to_target_mean` and the success rate (the objective's, else the study's `loss_target`).
    var target: Double?
    var problems: [Problem]

    enum CodingKeys: CodingKey { case confirm, target, problems }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(confirm, forKey: .confirm); try c.encode(target, forKey: .target); try c.encode(problems, forKey: .problems)
    }

    /// The leaderboard of a comparison from its trials and their experiments (by id); `stepsToTarget` gives a
    /// finished run's first step at or below the target (nil: never).
    init(definition: SearchDefinition, trials: [TrialRecord], records: [String: ExperimentRecord],
         stepsToTarget: (ExperimentRecord, Double) throws -> Int?) throws {
        let cells = definition.comparison ?? []
        let objective = try definition.parsedObjective()
        let stride = try definition.comparisonStride()
        confirm = definition.confirm ?? 1
        target = objective.target ?? definition.lossTarget
        var byProblem: [(String, [Entry])] = []
        for (c, cell) in cells.enumerated() {
            guard let cellDefinition = definition.cell(c) else { continue }
            let budget = try cellDefinition.parsedSearch().trials
            let own = trials.filter { $0.number / stride == c }
            let tuning = own.filter { $0.number - c * stride < budget }
            let confirmation = own.first { $0.number - c * stride == budget }
            var entry = Entry(cell: c, optimizer: cell.optimizer, state: "tuning", trialsEnded: tuning.count { $0.state != .running }, budget: budget,
                              tuningWallMs: tuning.flatMap(\.experimentIDs).compactMap { records[$0].flatMap(Self.wallMs) }.reduce(0, +))
            if let best = TrialRecord.best(of: tuning, objective) {
                entry.tuningValue = best.value; entry.bestTrial = best.number; entry.params = best.params
            }
            if let confirmation {
                entry.confirmationTrial = confirmation.number
                entry.state = switch confirmation.state {
                case .running: "confirming"
                case .failed: "failed"
                case .complete, .pruned: "finished"
                }
                entry.value = confirmation.value.flatMap { $0.isNaN ? nil : $0 }
                let runs = ReplicateAggregate.finishedRuns(confirmation.experimentIDs, in: records)
                if !runs.isEmpty {
                    entry.finalLoss = ReplicateAggregate(finishedRuns: runs, target: target)
                    let walls = runs.compactMap(Self.wallMs)
                    entry.wallMsMean = walls.isEmpty ? nil : SampleStatistics.mean(walls)
                    if let target {
                        let steps = try runs.compactMap { try stepsToTarget($0, target) }.map(Double.init)
                        if !steps.isEmpty {
                            let mean = SampleStatistics.mean(steps)
                            entry.stepsToTargetMean = mean
                            entry.stepsToTargetStd = SampleStatistics.standardDeviation(steps, mean: mean)
                        }
                    }
                }
            }
            if let i = byProblem.firstIndex(where: { $0.0 == cell.problem }) { byProblem[i].1.append(entry) } else { byProblem.append((cell.problem, [entry])) }
        }
        problems = byProblem.map { name, entries in Self.ranked(name, entries, objective) }
    }

    /// The entries ranked by value (stable: ties keep the request's order), with ranks, ratios and the winner.
    private static func ranked(_ name: String, _ entries: [Entry], _ objective: StudyObjective) -> Problem {
        let valued = entries.filter { $0.value != nil }
        var sorted = valued.enumerated().sorted { a, b in
            let (x, y) = (objective.score(a.element.value ?? 0), objective.score(b.element.value ?? 0))
            return x != y ? x < y : a.offset < b.offset
        }.map(\.element)
        let winnerValue = sorted.first?.value
        for i in sorted.indices {
            sorted[i].rank = i + 1
            if let w = winnerValue, w.isFinite, w != 0, let v = sorted[i].value { sorted[i].ratioToWinner = v / w }
        }
        let done = entries.allSatisfy { $0.state == "finished" || $0.state == "failed" }
        return Problem(problem: name, winner: done ? sorted.first?.optimizer : nil, entries: sorted + entries.filter { $0.value == nil })
    }

    /// A run's wall time in milliseconds (claim to end), microsecond resolution.
    private static func wallMs(_ r: ExperimentRecord) -> Double? {
        guard let s = r.startedAt, let f = r.finishedAt else { return nil }
        return (f.timeIntervalSince(s) * 1e6).rounded() / 1e3
    }
}
