import DescentCore

/// The sparse records of a run as extra CSV columns of its trajectory: `lambda_max` and `alignment` when it has
/// sharpness records (`analysis.sharpness_every`), and per hidden layer l `layer{l}_mean`, `layer{l}_std` (with
/// batch norm also `layer{l}_normalized_mean`, `layer{l}_normalized_std`) when it has layer statistics
/// (`analysis.layer_stats`). A value stands on the row of the record's step and the cell is empty on other rows;
/// a record at a step that is not a recorded row appears only in the JSON view (`sharpness`, `layer_stats`).
struct TrajectoryRecordColumns: Sendable {
    private let sharpness: [Int: SharpnessRecord]
    private let layers: [Int: [LayerStatsRecord]]
    private let layerCount: Int
    private let normalized: Bool

    init(sharpness: [SharpnessRecord], layerStats: [LayerStatsRecord]) {
        self.sharpness = Dictionary(sharpness.map { ($0.step, $0) }, uniquingKeysWith: { _, last in last })
        var layers: [Int: [LayerStatsRecord]] = [:]
        for r in layerStats { layers[r.step, default: []].append(r) }
        self.layers = layers
        layerCount = (layerStats.map(\.layer).max() ?? -1) + 1
        normalized = layerStats.contains { $0.normalizedMean != nil }
    }

    /// Header names after the row's own columns, each preceded by a comma ("" when the run has no records).
    var header: String {
        var names: [String] = []
        if !sharpness.isEmpty { names += ["lambda_max", "alignment"] }
        for l in 0..<layerCount {
            names += ["layer\(l)_mean", "layer\(l)_std"]
            if normalized { names += ["layer\(l)_normalized_mean", "layer\(l)_normalized_std"] }
        }
        return names.map { "," + $0 }.joined()
    }

    /// The cells of the row at `step`, each preceded by a comma.
    func write(_ out: inout JSONWriter, step: Int) {
        if !sharpness.isEmpty {
            let r = sharpness[step]
            cell(&out, r?.lambdaMax)
            cell(&out, r?.alignment)
        }
        guard layerCount > 0 else { return }
        let records = layers[step] ?? []
        for l in 0..<layerCount {
            let r = records.first { $0.layer == l }
            cell(&out, r?.mean)
            cell(&out, r?.std)
            if normalized {
                cell(&out, r?.normalizedMean)
                cell(&out, r?.normalizedStd)
            }
        }
    }

    private func cell(_ out: inout JSONWriter, _ value: Double?) {
        out.raw(byte: 0x2C)
        if let value { out.description(value) }
    }
}
