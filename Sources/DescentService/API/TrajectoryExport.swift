import DescentCore
import DescentHTTP
import Foundation

/// Writes trajectory views as JSON (columnar, keys sorted as the service's `JSONEncoder` sorts them,
/// columns not asked for left out) or CSV, either from a page in memory or streamed chunk by chunk.
///
/// A streamed JSON body is written one column at a time (all steps, then all epochs, …), each column in a
/// pass over the range's chunks that decodes only that column; memory stays bounded by a batch of chunks
/// and the send buffer whatever the run's length. CSV is row-major: one pass decoding every wanted column.
struct TrajectoryExport: Sendable {
    let store: any Store
    let id: String
    let status: String
    let dimension: Int
    let view: TrajectoryView
    let epochs: [EpochRecord]

    /// Rows a response may hold before it is streamed instead.
    static let streamThreshold = 32_768
    /// Chunks read per query while streaming.
    static let batchChunks = 8
    /// Bytes gathered before a streamed write.
    static let flushBytes = 256 * 1024

    // MARK: pages

    /// The JSON text of `page`.
    func json(_ page: TrajectoryPage) throws -> [UInt8] {
        let t = page.rows
        let f = view.fields
        var out = TextBuffer(capacity: 64 + t.count * 24 * (f.contains(.params) ? 4 + dimension : 4))
        try header(&out, count: t.count, total: page.total, downsampled: page.downsampled)
        func column<T>(_ name: String, _ values: [T], _ write: (inout TextBuffer, T) -> Void) {
            out.append(",\"\(name)\":[")
            for (i, v) in values.enumerated() {
                if i > 0 { out.append(byte: 0x2C) }
                write(&out, v)
            }
            out.append(byte: 0x5D)
        }
        if f.contains(.epoch) { column("epoch", t.epoch) { $0.int($1) } }
        try out.bytes += epochsJSON()
        if f.contains(.gradNorm) { column("grad_norm", t.gradNorm) { $0.json($1) } }
        out.append(",\"id\":\"\(id)\"")
        if f.contains(.loss) { column("loss", t.loss) { $0.json($1) } }
        if f.contains(.lr) { column("lr", t.lr) { $0.json($1) } }
        if f.contains(.params) && !t.params.isEmpty {
            column("params", Array(0..<t.count)) { out, row in Self.paramsRow(&out, t.parameters(atRow: row)) }
        }
        out.append(",\"status\":\"\(status)\"")
        column("step", t.step) { $0.int($1) }
        out.append(",\"total\":")
        out.int(page.total)
        out.append(byte: 0x7D)
        return out.bytes
    }

    /// The CSV text of `page`.
    func csv(_ page: TrajectoryPage) -> [UInt8] {
        let withParams = view.fields.contains(.params) && !page.rows.params.isEmpty
        var out = TextBuffer(capacity: 64 + page.rows.count * 64)
        out.append(csvHeader(withParams: withParams))
        csvRows(&out, page.rows, 0..<page.rows.count, withParams: withParams)
        return out.bytes
    }

    // MARK: streams

    /// Streams every row of the view's range (every `view.every`-th) as JSON or CSV to `send`.
    func stream(csv: Bool, to send: @Sendable ([UInt8]) async throws -> Void) async throws {
        let chunks = try store.chunkIndex(id).filter { $0.rows > 0 }
        let total = chunks.reduce(0) { $0 + $1.rows }
        let planner = ViewPlanner(store: store, id: id, dimension: dimension, view: view)
        let inRange = chunks.filter(planner.overlaps)
        // Rows of each chunk inside the range (only the end chunks can be cut).
        var spans: [Int: Range<Int>] = [:]
        var withParams = false
        for c in inRange {
            guard !planner.covers(c) || c.index == inRange.first?.index else { continue }
            var t = Trajectory(dimension: dimension)
            let blob = try store.chunkData(id, indices: c.index...c.index).first ?? []
            try blob.withUnsafeBytes { raw in
                withParams = try TrajectoryCodec.layout(raw).hasParams
                try TrajectoryCodec.decode(raw, epoch: false, lr: false, loss: false, gradNorm: false, params: false, into: &t)
            }
            let lo = view.from.map { f in t.step.firstIndex { $0 >= f } ?? t.count } ?? 0
            let hi = view.to.map { to in t.step.lastIndex { $0 <= to }.map { $0 + 1 } ?? 0 } ?? t.count
            spans[c.index] = lo..<max(lo, hi)
        }
        withParams = withParams && view.fields.contains(.params)
        let rangeRows = inRange.reduce(0) { $0 + (spans[$1.index]?.count ?? $1.rows) }
        let count = (rangeRows + view.every - 1) / view.every
        var out = TextBuffer(capacity: Self.flushBytes + 4096)
        func flush(_ force: Bool = false) async throws {
            if out.bytes.count >= Self.flushBytes || (force && !out.bytes.isEmpty) {
                try await send(out.bytes)
                out.bytes.removeAll(keepingCapacity: true)
            }
        }
        /// Calls `body` with each decoded chunk of the range and its rows to write (after `every`).
        func pass(_ columns: Set<String>, _ body: (inout TextBuffer, Trajectory, StrideTo<Int>) -> Void) async throws {
            var seen = 0
            var start = 0
            while start < inRange.count {
                let end = min(inRange.count, start + Self.batchChunks)
                let blobs = try store.chunkData(id, indices: inRange[start].index...inRange[end - 1].index)
                for (k, blob) in blobs.enumerated() {
                    let c = inRange[start + k]
                    var t = Trajectory(dimension: dimension)
                    try blob.withUnsafeBytes { raw in
                        try TrajectoryCodec.decode(raw, step: columns.contains("step"), epoch: columns.contains("epoch"),
                                                   lr: columns.contains("lr"), loss: columns.contains("loss"),
                                                   gradNorm: columns.contains("grad_norm"), params: columns.contains("params"), into: &t)
                    }
                    let span = spans[c.index] ?? 0..<c.rows
                    // First row of this span that falls on the stride.
                    let offset = (view.every - seen % view.every) % view.every
                    body(&out, t, stride(from: span.lowerBound + offset, to: span.upperBound, by: view.every))
                    seen += span.count
                    try await flush()
                }
                start = end
            }
        }
        if csv {
            out.append(csvHeader(withParams: withParams))
            var wanted: Set<String> = ["step", "epoch", "lr", "loss", "grad_norm"]
            if withParams { wanted.insert("params") }
            try await pass(wanted) { out, t, rows in
                for i in rows { csvRow(&out, t, i, withParams: withParams) }
            }
            try await flush(true)
            return
        }
        try header(&out, count: count, total: total, downsampled: false)
        var first = true
        func column(_ name: String, _ write: @escaping (inout TextBuffer, Trajectory, Int) -> Void) async throws {
            out.append(",\"\(name)\":[")
            first = true
            try await pass([name]) { out, t, rows in
                for i in rows {
                    if !first { out.append(byte: 0x2C) }
                    first = false
                    write(&out, t, i)
                }
            }
            out.append(byte: 0x5D)
        }
        let f = view.fields
        if f.contains(.epoch) { try await column("epoch") { $0.int($1.epoch[$2]) } }
        out.bytes += try epochsJSON()
        if f.contains(.gradNorm) { try await column("grad_norm") { $0.json($1.gradNorm[$2]) } }
        out.append(",\"id\":\"\(id)\"")
        if f.contains(.loss) { try await column("loss") { $0.json($1.loss[$2]) } }
        if f.contains(.lr) { try await column("lr") { $0.json($1.lr[$2]) } }
        if withParams { try await column("params") { Self.paramsRow(&$0, $1.parameters(atRow: $2)) } }
        out.append(",\"status\":\"\(status)\"")
        try await column("step") { $0.int($1.step[$2]) }
        out.append(",\"total\":")
        out.int(total)
        out.append(byte: 0x7D)
        try await flush(true)
    }

    // MARK: pieces

    private func header(_ out: inout TextBuffer, count: Int, total: Int, downsampled: Bool) throws {
        out.append("{\"count\":")
        out.int(count)
        out.append(",\"dimension\":")
        out.int(dimension)
        out.append(downsampled ? ",\"downsampled\":true" : ",\"downsampled\":false")
    }

    private func epochsJSON() throws -> [UInt8] {
        Array(",\"epochs\":".utf8) + (try JSONCoding.encode(epochs))
    }

    private static func paramsRow(_ out: inout TextBuffer, _ p: ArraySlice<Double>) {
        out.append(byte: 0x5B)
        var first = true
        for v in p {
            if !first { out.append(byte: 0x2C) }
            first = false
            out.json(v)
        }
        out.append(byte: 0x5D)
    }

    private func csvHeader(withParams: Bool) -> String {
        var header = ["step"]
        let f = view.fields
        if f.contains(.epoch) { header.append("epoch") }
        if f.contains(.lr) { header.append("lr") }
        if f.contains(.loss) { header.append("loss") }
        if f.contains(.gradNorm) { header.append("grad_norm") }
        if withParams { header += (0..<dimension).map { "p\($0)" } }
        return header.joined(separator: ",") + "\n"
    }

    private func csvRows(_ out: inout TextBuffer, _ t: Trajectory, _ rows: Range<Int>, withParams: Bool) {
        for i in rows { csvRow(&out, t, i, withParams: withParams) }
    }

    /// One CSV line; numbers as `String(describing:)` writes them.
    private func csvRow(_ out: inout TextBuffer, _ t: Trajectory, _ i: Int, withParams: Bool) {
        let f = view.fields
        out.int(t.step[i])
        if f.contains(.epoch) { out.append(byte: 0x2C); out.int(t.epoch[i]) }
        if f.contains(.lr) { out.append(byte: 0x2C); out.description(t.lr[i]) }
        if f.contains(.loss) { out.append(byte: 0x2C); out.description(t.loss[i]) }
        if f.contains(.gradNorm) { out.append(byte: 0x2C); out.description(t.gradNorm[i]) }
        if withParams { for v in t.parameters(atRow: i) { out.append(byte: 0x2C); out.description(v) } }
        out.append(byte: 0x0A)
    }
}
