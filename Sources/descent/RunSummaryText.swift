import DescentCore

/// The few lines `descent run` prints on a terminal instead of the whole result as JSON.
enum RunSummaryText {
    /// Name, set-up, why and when it stopped, the losses and (for small models) the final parameters.
    static func describe(_ experiment: Experiment, _ result: RunResult) -> String {
        let spec = experiment.spec, s = result.summary
        var setup = spec.objective.type
        if let dataset = spec.dataset {
            if case .string(let generator)? = dataset.parameters["generator"] { setup += " on \(generator)" } else { setup += " on \(dataset.type) data" }
        }
        var optimizer = spec.optimizer.type
        if case .number(let lr)? = spec.optimizer.parameters["lr"] { optimizer += " lr=\(TextTable.number(lr))" }
        if let schedule = spec.schedule { optimizer += ", \(schedule.type) schedule" }
        if !spec.transforms.isEmpty { optimizer += ", " + spec.transforms.map(\.type).joined(separator: " → ") }
        if let batch = spec.batchSize { optimizer += ", batch size \(batch)" }
        var rows = [
            ("name", spec.name),
            ("problem", "\(setup), \(experiment.dimension) parameters"),
            ("optimizer", optimizer),
            ("stopped", "\(s.stopReason.rawValue) after \(s.stepsRun) of \(experiment.configuration.steps) steps"),
            ("loss", (result.trajectory.loss.first.map { "\(TextTable.number($0)) → " } ?? "") + TextTable.number(s.finalLoss)
                + " (best \(TextTable.number(s.bestLoss)) at step \(s.bestStep))"),
            ("grad norm", TextTable.number(s.finalGradNorm)),
        ]
        if s.finalParams.count <= 8 { rows.append(("params", "[" + s.finalParams.map(TextTable.number).joined(separator: ", ") + "]")) }
        if let v = s.validationLoss {
            rows.append(("validation", "loss \(TextTable.number(v))" + (s.validationAccuracy.map { ", accuracy \(TextTable.number($0))" } ?? "")))
        }
        if let batch = s.trainLossBatchStats, let running = s.trainLoss {
            rows.append(("batch norm", "train loss \(TextTable.number(running)) with running averages, \(TextTable.number(batch)) with batch statistics"))
        }
        if let point = s.averagedParams, let loss = s.averagedLoss {
            rows.append(("averaged", "loss \(TextTable.number(loss))"
                         + (point.count <= 8 ? " at [" + point.map(TextTable.number).joined(separator: ", ") + "]" : "")))
        }
        if let evaluations = s.functionEvaluations { rows.append(("evaluations", "\(evaluations) loss and gradient evaluations")) }
        let width = (rows.map(\.0.count).max() ?? 0) + 2
        let text = rows.map { $0.0 + String(repeating: " ", count: width - $0.0.count) + $0.1 }
        return (text + ["", "(--json prints the summary and the trajectory, --format csv the trajectory)"]).joined(separator: "\n")
    }
}
