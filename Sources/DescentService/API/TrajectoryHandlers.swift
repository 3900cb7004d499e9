import DescentCore
import DescentHTTP
import Foundation

/// Handlers for trajectories (JSON or CSV) and live progress events (SSE).
struct TrajectoryHandlers: Sendable {
    let experiments: ExperimentHandlers
    static let allFields = ["epoch", "lr", "loss", "grad_norm", "params"]

    func trajectory(_ request: HTTPRequest) async throws -> HTTPResponse {
        let record = try experiments.load(request)
        let full: Trajectory
        do {
            full = try experiments.store.trajectory(record.id, dimension: try dimension(of: record))
        } catch let e as ServiceError { throw e } catch { throw ServiceError.store(error) }
        let fields = try requestedFields(request)
        let from = try RequestDecoding.int(request, "from", range: 0...Int.max)
        let to = try RequestDecoding.int(request, "to", range: 0...Int.max)
        let every = try RequestDecoding.int(request, "every", default: 1, range: 1...Int.max) ?? 1
        let maxPoints = try RequestDecoding.int(request, "max_points", range: 3...1_000_000)
        var rows = full.step.indices.filter { i in
            (from.map { full.step[i] >= $0 } ?? true) && (to.map { full.step[i] <= $0 } ?? true)
        }
        if every > 1 { rows = rows.enumerated().filter { $0.offset % every == 0 }.map(\.element) }
        var downsampled = false
        if let maxPoints, rows.count > maxPoints {
            rows = Downsampling.indices(rows.map { full.loss[$0] }, maxPoints: maxPoints).map { rows[$0] }
            downsampled = true
        }
        let accept = request.headers["Accept"] ?? ""
        if accept.contains("text/csv") {
            return .text(csv(full, rows: rows, fields: fields), contentType: "text/csv; charset=utf-8")
        }
        let hasParams = !full.params.isEmpty
        let body = TrajectoryDTO(
            id: record.id, status: record.status.rawValue, dimension: full.dimension, total: full.count, count: rows.count,
            step: rows.map { full.step[$0] },
            epoch: fields.contains("epoch") ? rows.map { full.epoch[$0] } : nil,
            lr: fields.contains("lr") ? rows.map { full.lr[$0] } : nil,
            loss: fields.contains("loss") ? rows.map { full.loss[$0] } : nil,
            gradNorm: fields.contains("grad_norm") ? rows.map { full.gradNorm[$0] } : nil,
            params: fields.contains("params") && hasParams ? rows.map { Array(full.parameters(atRow: $0)) } : nil,
            epochs: full.epochs, downsampled: downsampled)
        return .json(try JSONCoding.encode(body))
    }

    private func dimension(of record: ExperimentRecord) throws -> Int {
        if let p = record.summary?.finalParams { return p.count }
        do { return try record.spec.validated(limits: experiments.runner.limits).dimension } catch {
            throw ServiceError.invalid(field: "", message: error.message, code: "invalid_spec")
        }
    }

    private func requestedFields(_ request: HTTPRequest) throws -> Set<String> {
        guard let text = request.query["fields"], !text.isEmpty else { return Set(Self.allFields) }
        let names = text.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
        for n in names where !Self.allFields.contains(n) && n != "step" {
            throw ServiceError.invalid(field: "fields", message: "unknown field '\(n)'; allowed: step, \(Self.allFields.joined(separator: ", "))", code: "invalid_query")
        }
        return Set(names)
    }

    private func csv(_ t: Trajectory, rows: [Int], fields: Set<String>) -> String {
        var header = ["step"]
        for f in Self.allFields where f != "params" && fields.contains(f) { header.append(f) }
        let params = fields.contains("params") && !t.params.isEmpty
        if params { header += (0..<t.dimension).map { "p\($0)" } }
        var out = header.joined(separator: ",") + "\n"
        out.reserveCapacity(rows.count * 48)
        for i in rows {
            var cells = [String(t.step[i])]
            if fields.contains("epoch") { cells.append(String(t.epoch[i])) }
            if fields.contains("lr") { cells.append(String(t.lr[i])) }
            if fields.contains("loss") { cells.append(String(t.loss[i])) }
            if fields.contains("grad_norm") { cells.append(String(t.gradNorm[i])) }
            if params { cells += t.parameters(atRow: i).map { String($0) } }
            out += cells.joined(separator: ",") + "\n"
        }
        return out
    }

    func events(_ request: HTTPRequest) async throws -> HTTPResponse {
        let record = try experiments.load(request)
        let hub = experiments.runner.hub
        let stream = hub.subscribe(record.id)
        let handlers = experiments
        return .eventStream { writer in
            let keepAlive = Task {
                while !Task.isCancelled {
                    try await Task.sleep(for: .seconds(15))
                    try await writer.comment("keep-alive")
                }
            }
            defer { keepAlive.cancel() }
            // Read the current state after subscribing, so no change can fall between the two.
            guard let current = try handlers.store.experiment(record.id) else { return }
            try await writer.send(event: "status", data: #"{"status":"\#(current.status.rawValue)"}"#)
            if current.status.isFinal {
                try await writer.send(event: "end", data: String(decoding: try JSONCoding.encode(ExperimentDTO(current)), as: UTF8.self))
                return
            }
            for await event in stream {
                switch event {
                case .progress(let done, let step, let loss):
                    let lossText = loss.isFinite ? String(loss) : "\"\(loss.isNaN ? "NaN" : (loss > 0 ? "Infinity" : "-Infinity"))\""
                    try await writer.send(event: "progress", data: #"{"steps_done":\#(done),"step":\#(step),"loss":\#(lossText)}"#)
                case .status(let s):
                    try await writer.send(event: "status", data: #"{"status":"\#(s.rawValue)"}"#)
                case .end:
                    if let final = try handlers.store.experiment(record.id) {
                        try await writer.send(event: "end", data: String(decoding: try JSONCoding.encode(ExperimentDTO(final)), as: UTF8.self))
                    }
                    return
                case .recheck:
                    guard let now = try handlers.store.experiment(record.id) else { return }
                    if now.status.isFinal {
                        try await writer.send(event: "status", data: #"{"status":"\#(now.status.rawValue)"}"#)
                        try await writer.send(event: "end", data: String(decoding: try JSONCoding.encode(ExperimentDTO(now)), as: UTF8.self))
                        return
                    }
                }
            }
        }
    }
}

/// Columnar trajectory as the API returns it.
struct TrajectoryDTO: Encodable {
    var id: String
    var status: String
    var dimension: Int
    var total: Int
    var count: Int
    var step: [Int]
    var epoch: [Int]?
    var lr: [Double]?
    var loss: [Double]?
    var gradNorm: [Double]?
    var params: [[Double]]?
    var epochs: [EpochRecord]
    var downsampled: Bool
}
