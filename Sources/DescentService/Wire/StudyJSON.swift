import DescentCore
import Foundation

/// One member's row of a study's `experiments` table; every column is written, null when unknown, so the table has
/// the same keys in each row.
struct StudyMemberRow: Encodable, Equatable {
    var id: String; var label: String; var status: String; var finalLoss: Double?; var bestLoss: Double?
    var stepsRun: Int?; var stepsToTarget: Int?; var durationMs: Double?

    init(id: String, label: String, status: String, finalLoss: Double? = nil, bestLoss: Double? = nil, stepsRun: Int? = nil,
         stepsToTarget: Int? = nil, durationMs: Double? = nil) {
        self.id = id; self.label = label; self.status = status; self.finalLoss = finalLoss; self.bestLoss = bestLoss
        self.stepsRun = stepsRun; self.stepsToTarget = stepsToTarget; self.durationMs = durationMs
    }

    enum CodingKeys: CodingKey { case id, label, status, finalLoss, bestLoss, stepsRun, stepsToTarget, durationMs }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id); try c.encode(label, forKey: .label); try c.encode(status, forKey: .status)
        try c.encode(finalLoss, forKey: .finalLoss); try c.encode(bestLoss, forKey: .bestLoss)
        try c.encode(stepsRun, forKey: .stepsRun); try c.encode(stepsToTarget, forKey: .stepsToTarget)
        try c.encode(durationMs, forKey: .durationMs)
    }

    /// `JSONCoding.encode(self)`, written by hand.
    func write(to w: inout JSONWriter) {
        w.raw("{"); w.key("best_loss"); w.number(bestLoss)
        w.raw(","); w.key("duration_ms"); w.number(durationMs)
        w.raw(","); w.key("final_loss"); w.number(finalLoss)
        w.raw(","); w.key("id"); w.string(id)
        w.raw(","); w.key("label"); w.string(label)
        w.raw(","); w.key("status"); w.string(status)
        w.raw(","); w.key("steps_run"); w.integer(stepsRun)
        w.raw(","); w.key("steps_to_target"); w.integer(stepsToTarget)
        w.raw("}")
    }
}

/// `GET /v1/studies/{id}`'s body written straight into bytes, identical to `JSONCoding.encode` of the same values
/// (tests compare the two). Why: a 10,000-trial search's body has 10,000 rows and 10,000 trials, and JSONEncoder
/// took a third of a second of one core to write it — the largest single cost left in such a study's end.
enum StudyJSON {
    /// The body: the study's fields, its member rows, its search block and its leaderboard (encoded by JSONCoding:
    /// one per study, small), keys in JSONCoding's sorted order.
    static func body(id: String, name: String, status: String, createdAt: String, lossTarget: Double?,
                     rows: [StudyMemberRow], search: SearchSummary?, comparison: Leaderboard?) throws -> [UInt8] {
        var w = JSONWriter(capacity: 512 + 160 * rows.count + 160 * (search?.trials.count ?? 0))
        w.raw("{")
        if let comparison { w.key("comparison"); w.raw(try JSONCoding.encode(comparison)); w.raw(",") }
        w.key("created_at"); w.string(createdAt)
        w.raw(","); w.key("experiments"); w.raw("[")
        for (i, row) in rows.enumerated() {
            if i > 0 { w.raw(",") }
            row.write(to: &w)
        }
        w.raw("]")
        w.raw(","); w.key("id"); w.string(id)
        w.raw(","); w.key("loss_target"); w.number(lossTarget)
        w.raw(","); w.key("name"); w.string(name)
        if let search { w.raw(","); w.key("search"); search.write(to: &w) }
        w.raw(","); w.key("status"); w.string(status)
        w.raw("}")
        return w.bytes
    }
}

extension SearchSummary {
    /// `JSONCoding.encode(self)`, written by hand (absent optionals omitted, as the synthesized `Encodable` does).
    func write(to w: inout JSONWriter) {
        w.raw("{")
        if let best { w.key("best"); best.write(to: &w); w.raw(",") }
        w.key("budget"); w.integer(budget)
        if let confirm { w.raw(","); w.key("confirm"); w.integer(confirm) }
        if let confirmation { w.raw(","); w.key("confirmation"); confirmation.write(to: &w) }
        w.raw(","); w.key("max_concurrent"); w.integer(maxConcurrent)
        w.raw(","); w.key("objective"); w.raw("{"); w.key("direction"); w.string(objective.direction)
        w.raw(","); w.key("metric"); w.string(objective.metric)
        if let target = objective.target { w.raw(","); w.key("target"); w.number(target) }
        w.raw("}")
        if let pruner { w.raw(","); w.key("pruner"); w.string(pruner) }
        w.raw(","); w.key("replicates"); w.integer(replicates)
        if let reportEvery { w.raw(","); w.key("report_every"); w.integer(reportEvery) }
        w.raw(","); w.key("sampler"); w.string(sampler)
        w.raw(","); w.key("seed"); w.raw(String(seed))
        w.raw(","); w.key("state"); w.string(state)
        w.raw(","); w.key("trials"); w.raw("[")
        for (i, trial) in trials.enumerated() {
            if i > 0 { w.raw(",") }
            trial.write(to: &w)
        }
        w.raw("]")
        w.raw(","); w.key("trials_ended"); w.integer(trialsEnded)
        w.raw(","); w.key("trials_pruned"); w.integer(trialsPruned)
        w.raw("}")
    }
}

extension SearchSummary.Trial {
    /// `JSONCoding.encode(self)`, written by hand (absent optionals omitted).
    func write(to w: inout JSONWriter) {
        w.raw("{")
        if let cell { w.key("cell"); w.integer(cell); w.raw(",") }
        if let confirmation { w.key("confirmation"); w.raw(confirmation ? "true" : "false"); w.raw(",") }
        w.key("diverged"); w.integer(diverged)
        w.raw(","); w.key("experiment_ids"); w.raw("[")
        for (i, id) in experimentIds.enumerated() {
            if i > 0 { w.raw(",") }
            w.string(id)
        }
        w.raw("]")
        w.raw(","); w.key("number"); w.integer(number)
        w.raw(","); w.key("params"); w.value(.object(params))
        if let replicates { w.raw(","); w.key("replicates"); replicates.write(to: &w) }
        w.raw(","); w.key("state"); w.string(state)
        if let value { w.raw(","); w.key("value"); w.number(value) }
        w.raw("}")
    }
}

extension ReplicateAggregate {
    /// `JSONCoding.encode(self)`, written by hand (every key, null when unknown).
    func write(to w: inout JSONWriter) {
        w.raw("{"); w.key("diverged"); w.integer(diverged)
        w.raw(","); w.key("final_loss_iqr"); w.number(finalLossIqr)
        w.raw(","); w.key("final_loss_max"); w.number(finalLossMax)
        w.raw(","); w.key("final_loss_mean"); w.number(finalLossMean)
        w.raw(","); w.key("final_loss_median"); w.number(finalLossMedian)
        w.raw(","); w.key("final_loss_min"); w.number(finalLossMin)
        w.raw(","); w.key("final_loss_std"); w.number(finalLossStd)
        w.raw(","); w.key("runs"); w.integer(runs)
        w.raw(","); w.key("success_rate"); w.number(successRate)
        w.raw(","); w.key("target"); w.number(target)
        w.raw("}")
    }
}
