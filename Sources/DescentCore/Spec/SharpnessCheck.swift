extension ExperimentSpec {
    /// Most parameters a run recording sharpness may have (10 000, as the analysis routes).
    static let maxSharpnessParameters = 10_000
    /// Most work of a run's sharpness records: records × Hessian-vector products each (n when dense, at most
    /// 300 by Lanczos) × n × samples, 5·10¹⁰ (about a minute of one core).
    static let maxSharpnessWork = 5e10

    /// Checks `analysis.sharpness_every` against the built objective: models with batch norm are refused (their
    /// inference-mode Hessian depends on running statistics the record does not fix), and the records' work is bounded.
    func checkSharpness(objective: any Objective, steps: Int) throws(SpecError) {
        guard let k = sharpnessEvery else { return }
        let field = "analysis.sharpness_every"
        if objective.bufferCount > 0 {
            throw SpecError(field: field, message: "is not supported with batch_norm: the Hessian in inference mode depends on "
                            + "running statistics that change every step", code: "invalid_value")
        }
        let n = objective.dimension
        if n > Self.maxSharpnessParameters {
            throw SpecError(field: field, message: "needs at most \(Self.maxSharpnessParameters) parameters; the objective has \(n)",
                            code: "too_large")
        }
        let records = Double(steps / max(1, k) + 2)
        let products = Double(n <= 64 ? n : min(n, 300))
        let work = records * products * Double(n) * Double(max(1, objective.sampleCount))
        if work > Self.maxSharpnessWork {
            throw SpecError(field: field, message: "gives \(Int(records)) records of up to \(Int(products)) Hessian-vector products "
                            + "each on \(n) parameters and \(max(1, objective.sampleCount)) samples, over the bound of "
                            + "5e10 (records × products × parameters × samples); raise sharpness_every", code: "too_large")
        }
    }
}
