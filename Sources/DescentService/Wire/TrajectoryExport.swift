import DescentCore
import DescentHTTP
import Foundation

/// Writes trajectory views as JSON (columnar, keys sorted as the service's `JSONEncoder` sorts them,
/// columns not asked for left out) or CSV, either from a page in memory or streamed chunk by chunk.
///
/// A streamed JSON body is written one column at a time (all steps, then all epochs, …), each column in a
/// pass over the range's chunks that decodes only that column; memory stays bounded by two batches of
/// chunks and the connection's send buffer whatever the run's length. CSV is row-major: one pass
/// decoding every wanted column.
struct TrajectoryExport: Sendable {
    let store: any Store
    let id: String
    let status: String
    let dimension: Int
    let view: TrajectoryView
    let epochs: [EpochRecord]
    /// The run's sharpness records (`analysis.sharpness_every`), written as `sharpness` when there are any.
    var sharpness: [SharpnessRecord] = []
    /// The run's layer statistics (`analysis.layer_stats`), written as `layer_stats` when there are any.
    var layerStats: [LayerStatsRecord] = []

    /// Rows a response may hold before it is streamed instead.
    static let streamThreshold = 32_768
    /// Chunks read per query while streaming.
    static let batchChunks = 4

    // MARK: pages

    /// The JSON text of `page`.
    func json(_ page: TrajectoryPage) throws -> [UInt8] {
        let t = page.rows
        let f = view.fields
        var out = JSONWriter(capacity: 64 + t.count * 24 * (f.contains(.params) ? 4 + dimension : 4))
        try header(&out, count: t.count, total: page.total, downsampled: page.downsampled)
        func column<T>(_ name: String, _ values: [T], _ write: (inout JSONWriter, T) -> Void) {
            out.raw(",\"\(name)\":[")
            for (i, v) in values.enumerated() {
                if i > 0 { out.raw(byte: 0x2C) }
                write(&out, v)
            }
            out.raw(byte: 0x5D)
        }
        if f.contains(.epoch) { column("epoch", t.epoch) { $0.integer($1) } }
        out.raw(try epochsJSON())
        if f.contains(.gradNorm) { column("grad_norm", t.gradNorm) { $0.number($1) } }
        out.raw(",\"id\":\"\(id)\"")
        if f.contains(.internals) && !t.internalNames.isEmpty {
            out.raw(Self.internalNamesJSON(t.internalNames))
            column("internals", Array(0..<t.count)) { out, row in Self.paramsRow(&out, t.internals(atRow: row)) }
        }
        out.raw(try layerStatsJSON())
        if f.contains(.loss) { column("loss", t.loss) { $0.number($1) } }
        if f.contains(.lr) { column("lr", t.lr) { $0.number($1) } }
        if f.contains(.params) && !t.params.isEmpty {
            column("params", Array(0..<t.count)) { out, row in Self.paramsRow(&out, t.parameters(atRow: row)) }
        }
        out.raw(try sharpnessJSON())
        out.raw(",\"status\":\"\(status)\"")
        column("step", t.step) { $0.integer($1) }
        out.raw(",\"total\":")
        out.integer(page.total)
        out.raw(byte: 0x7D)
        return out.bytes
    }

    /// The CSV text of `page`.
    func csv(_ page: TrajectoryPage) -> [UInt8] {
        let withParams = view.fields.contains(.params) && !page.rows.params.isEmpty
        let records = recordColumns
        let internals = view.fields.contains(.internals) ? page.rows.internalNames : []
        var out = JSONWriter(capacity: 64 + page.rows.count * 64)
        out.raw(csvHeader(withParams: withParams, internals: internals, records: records))
        for i in 0..<page.rows.count { csvRow(&out, page.rows, i, withParams: withParams, records: records) }
        return out.bytes
    }

    // MARK: streams

    /// What one streaming pass writes for each row.
    enum Output: Sendable {
        case step, epoch, lr, loss, gradNorm, params
        /// The optimizer internals of the row (an array, like `params`).
        case internals
        /// A CSV line with these columns.
        case csv(withParams: Bool)
    }

    /// The chunks of the view's range, the rows of each inside it, and how many range rows precede it.
    struct Plan: Sendable {
        var chunks: [ChunkInfo] = []
        var spans: [Range<Int>] = []
        var before: [Int] = []
        var rangeRows = 0
        var withParams = false
        /// The optimizer-internals columns written (none unless recorded and asked for).
        var internalNames: [String] = []
        /// Rows of the whole stored trajectory.
        var total = 0
    }

    /// Finds the range's chunks; the chunks at its ends are decoded (steps only) to find their cut.
    func plan() throws -> Plan {
        let all = try store.chunkIndex(id).filter { $0.rows > 0 }
        let planner = ViewPlanner(store: store, id: id, dimension: dimension, view: view)
        var p = Plan()
        p.total = all.reduce(0) { $0 + $1.rows }
        p.chunks = all.filter(planner.overlaps)
        for (k, c) in p.chunks.enumerated() {
            var span = 0..<c.rows
            if k == 0 || !planner.covers(c) {
                var t = Trajectory(dimension: dimension)
                let blob = try store.chunkData(id, indices: c.index...c.index).first ?? []
                try blob.withUnsafeBytes { raw in
                    if k == 0 {
                        let layout = try TrajectoryCodec.layout(raw)
                        p.withParams = layout.hasParams && view.fields.contains(.params)
                        if view.fields.contains(.internals) { p.internalNames = layout.internalNames }
                    }
                    try TrajectoryCodec.decode(raw, epoch: false, lr: false, loss: false, gradNorm: false, params: false, into: &t)
                }
                span = planner.span(t.step)
            }
            p.before.append(p.rangeRows)
            p.spans.append(span)
            p.rangeRows += span.count
        }
        return p
    }

    /// The text of `output` for the range rows of chunks `batch` (positions in `plan.chunks`): values
    /// separated by commas (CSV: whole lines), without a leading separator.
    func text(_ output: Output, plan: Plan, batch: Range<Int>) throws -> [UInt8] {
        guard !batch.isEmpty else { return [] }
        var out = JSONWriter(capacity: 256 * 1024)
        let blobs = try store.chunkData(id, indices: plan.chunks[batch.lowerBound].index...plan.chunks[batch.upperBound - 1].index)
        // A comma first unless no row of the range precedes this batch's first strided row.
        var firstValue = plan.before[batch.lowerBound] == 0
        let records = recordColumns
        for (k, blob) in zip(batch, blobs) {
            var t = Trajectory(dimension: dimension)
            try blob.withUnsafeBytes { raw in
                switch output {
                case .step: try TrajectoryCodec.decode(raw, epoch: false, lr: false, loss: false, gradNorm: false, params: false,
                                                       internals: false, into: &t)
                case .epoch: try TrajectoryCodec.decode(raw, step: false, lr: false, loss: false, gradNorm: false, params: false,
                                                        internals: false, into: &t)
                case .lr: try TrajectoryCodec.decode(raw, step: false, epoch: false, loss: false, gradNorm: false, params: false,
                                                     internals: false, into: &t)
                case .loss: try TrajectoryCodec.decode(raw, step: false, epoch: false, lr: false, gradNorm: false, params: false,
                                                       internals: false, into: &t)
                case .gradNorm: try TrajectoryCodec.decode(raw, step: false, epoch: false, lr: false, loss: false, params: false,
                                                           internals: false, into: &t)
                case .params: try TrajectoryCodec.decode(raw, step: false, epoch: false, lr: false, loss: false, gradNorm: false,
                                                         internals: false, into: &t)
                case .internals: try TrajectoryCodec.decode(raw, step: false, epoch: false, lr: false, loss: false, gradNorm: false,
                                                                 params: false, into: &t)
                case .csv(let withParams): try TrajectoryCodec.decode(raw, params: withParams, internals: !plan.internalNames.isEmpty,
                                                                      into: &t)
                }
            }
            let span = plan.spans[k]
            // First row of this chunk's span that falls on the stride.
            let offset = (view.every - plan.before[k] % view.every) % view.every
            for i in stride(from: span.lowerBound + offset, to: span.upperBound, by: view.every) {
                if case .csv(let withParams) = output {
                    csvRow(&out, t, i, withParams: withParams, records: records)
                    continue
                }
                if !firstValue { out.raw(byte: 0x2C) }
                firstValue = false
                switch output {
                case .step: out.integer(t.step[i])
                case .epoch: out.integer(t.epoch[i])
                case .lr: out.number(t.lr[i])
                case .loss: out.number(t.loss[i])
                case .gradNorm: out.number(t.gradNorm[i])
                case .params: Self.paramsRow(&out, t.parameters(atRow: i))
                case .internals: Self.paramsRow(&out, t.internals(atRow: i))
                case .csv: break
                }
            }
        }
        return out.bytes
    }

    /// Streams every row of the view's range (every `view.every`-th) as JSON or CSV to `send`. Each pass
    /// keeps two batches of chunks being formatted on other tasks (number formatting is the cost) while it
    /// sends the finished ones in order.
    func stream(csv: Bool, to send: @Sendable ([UInt8]) async throws -> Void) async throws {
        let plan = try plan()
        let total = plan.total
        let count = (plan.rangeRows + view.every - 1) / view.every
        let batches = stride(from: 0, to: plan.chunks.count, by: Self.batchChunks).map {
            $0..<min(plan.chunks.count, $0 + Self.batchChunks)
        }
        /// Sends the texts of `output` for every batch, in order, formatting the next two batches on other
        /// tasks while one is sent.
        func pass(_ output: Output) async throws {
            var pending: [Task<[UInt8], any Error>] = []
            var next = 0
            func launch() {
                guard next < batches.count else { return }
                let batch = batches[next]
                pending.append(Task { try self.text(output, plan: plan, batch: batch) })
                next += 1
            }
            launch(); launch()
            do {
                while !pending.isEmpty {
                    let text = try await pending.removeFirst().value
                    launch()
                    try await send(text)
                }
            } catch {
                for task in pending { task.cancel() }
                throw error
            }
        }
        if csv {
            try await send(Array(csvHeader(withParams: plan.withParams, internals: plan.internalNames, records: recordColumns).utf8))
            try await pass(.csv(withParams: plan.withParams))
            return
        }
        var out = JSONWriter()
        try header(&out, count: count, total: total, downsampled: false)
        func column(_ name: String, _ output: Output) async throws {
            out.raw(",\"\(name)\":[")
            try await send(out.bytes)
            out.clear()
            try await pass(output)
            out.raw(byte: 0x5D)
        }
        let f = view.fields
        if f.contains(.epoch) { try await column("epoch", .epoch) }
        out.raw(try epochsJSON())
        if f.contains(.gradNorm) { try await column("grad_norm", .gradNorm) }
        out.raw(",\"id\":\"\(id)\"")
        if !plan.internalNames.isEmpty {
            out.raw(Self.internalNamesJSON(plan.internalNames))
            try await column("internals", .internals)
        }
        out.raw(try layerStatsJSON())
        if f.contains(.loss) { try await column("loss", .loss) }
        if f.contains(.lr) { try await column("lr", .lr) }
        if plan.withParams { try await column("params", .params) }
        out.raw(try sharpnessJSON())
        out.raw(",\"status\":\"\(status)\"")
        try await column("step", .step)
        out.raw(",\"total\":")
        out.integer(total)
        out.raw(byte: 0x7D)
        try await send(out.bytes)
    }

    // MARK: pieces

    private func header(_ out: inout JSONWriter, count: Int, total: Int, downsampled: Bool) throws {
        out.raw("{\"count\":")
        out.integer(count)
        out.raw(",\"dimension\":")
        out.integer(dimension)
        out.raw(downsampled ? ",\"downsampled\":true" : ",\"downsampled\":false")
    }

    private func epochsJSON() throws -> [UInt8] {
        Array(",\"epochs\":".utf8) + (try JSONCoding.encode(epochs))
    }

    private func sharpnessJSON() throws -> [UInt8] {
        sharpness.isEmpty ? [] : Array(",\"sharpness\":".utf8) + (try JSONCoding.encode(sharpness))
    }

    private func layerStatsJSON() throws -> [UInt8] {
        layerStats.isEmpty ? [] : Array(",\"layer_stats\":".utf8) + (try JSONCoding.encode(layerStats))
    }

    /// `,"internal_names":[…]`: the names of the internals' values, in row order.
    private static func internalNamesJSON(_ names: [String]) -> [UInt8] {
        var out = JSONWriter(capacity: 32 * names.count)
        out.raw(",\"internal_names\":[")
        for (j, name) in names.enumerated() {
            if j > 0 { out.raw(byte: 0x2C) }
            out.string(name)
        }
        out.raw(byte: 0x5D)
        return out.bytes
    }

    private static func paramsRow(_ out: inout JSONWriter, _ p: ArraySlice<Double>) {
        out.raw(byte: 0x5B)
        var first = true
        for v in p {
            if !first { out.raw(byte: 0x2C) }
            first = false
            out.number(v)
        }
        out.raw(byte: 0x5D)
    }

    /// The sharpness and layer-statistics columns of the CSV.
    private var recordColumns: TrajectoryRecordColumns { TrajectoryRecordColumns(sharpness: sharpness, layerStats: layerStats) }

    private func csvHeader(withParams: Bool, internals: [String], records: TrajectoryRecordColumns) -> String {
        var header = ["step"]
        let f = view.fields
        if f.contains(.epoch) { header.append("epoch") }
        if f.contains(.lr) { header.append("lr") }
        if f.contains(.loss) { header.append("loss") }
        if f.contains(.gradNorm) { header.append("grad_norm") }
        if withParams { header += (0..<dimension).map { "p\($0)" } }
        header += internals
        return header.joined(separator: ",") + records.header + "\n"
    }

    /// One CSV line; numbers as `String(describing:)` writes them.
    private func csvRow(_ out: inout JSONWriter, _ t: Trajectory, _ i: Int, withParams: Bool, records: TrajectoryRecordColumns) {
        let f = view.fields
        out.integer(t.step[i])
        if f.contains(.epoch) { out.raw(byte: 0x2C); out.integer(t.epoch[i]) }
        if f.contains(.lr) { out.raw(byte: 0x2C); out.description(t.lr[i]) }
        if f.contains(.loss) { out.raw(byte: 0x2C); out.description(t.loss[i]) }
        if f.contains(.gradNorm) { out.raw(byte: 0x2C); out.description(t.gradNorm[i]) }
        if withParams { for v in t.parameters(atRow: i) { out.raw(byte: 0x2C); out.description(v) } }
        if f.contains(.internals) { for v in t.internals(atRow: i) { out.raw(byte: 0x2C); out.description(v) } }
        records.write(&out, step: t.step[i])
        out.raw(byte: 0x0A)
    }
}
