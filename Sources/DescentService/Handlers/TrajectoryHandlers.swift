import DescentCore
import DescentHTTP
import Foundation

/// Handlers for trajectories (JSON or CSV) and live progress events (SSE).
struct TrajectoryHandlers: Sendable {
    let experiments: ExperimentHandlers
    static let allFields = ["epoch", "lr", "loss", "grad_norm", "params", "internals"]

    /// `GET /v1/experiments/{id}/trajectory`: a view (step range, stride, fields, `max_points`) as JSON or
    /// CSV; only the chunks and summaries the view needs are read. Long full views stream (chunked), and
    /// every body is gzip-compressed when the client accepts it.
    func trajectory(_ request: HTTPRequest) async throws -> HTTPResponse {
        let record = try experiments.load(request)
        var view = TrajectoryView()
        view.fields = try requestedFields(request)
        if !record.spec.recordInternals {
            let named = request.query["fields"].map { !$0.isEmpty } ?? false  // else every field, internals where recorded
            if named && view.fields.contains(.internals) {
                throw ServiceError.invalid(field: "fields", message: "the run did not record internals; set record_internals in its spec",
                                           code: "invalid_query")
            }
            view.fields.remove(.internals)
        }
        view.from = try RequestDecoding.int(request, "from", range: 0...Int.max)
        view.to = try RequestDecoding.int(request, "to", range: 0...Int.max)
        view.every = try RequestDecoding.int(request, "every", default: 1, range: 1...Int.max) ?? 1
        view.maxPoints = try RequestDecoding.int(request, "max_points", range: 3...1_000_000)
        view.shape = try shape(request)
        let csv = (request.headers["Accept"] ?? "").contains("text/csv")
        let store = experiments.store
        do {  // store errors map to a 500 in ErrorMapping
            let chunks = try store.chunkIndex(record.id).filter { $0.rows > 0 }
            let dimension = try chunks.first?.dimension ?? dimension(of: record)
            let blobs = try store.recordBlobs(record.id)
            let export = TrajectoryExport(store: store, id: record.id, status: record.status.rawValue, dimension: dimension,
                                          view: view, epochs: try blobs.flatMap { try TrajectoryCodec.decodeEpochs($0) },
                                          sharpness: try blobs.flatMap { try TrajectoryCodec.decodeSharpness($0) },
                                          layerStats: try blobs.flatMap { try TrajectoryCodec.decodeLayerStats($0) })
            let contentType = csv ? "text/csv; charset=utf-8" : "application/json"
            let planner = ViewPlanner(store: store, id: record.id, dimension: dimension, view: view)
            let upperBound = chunks.filter(planner.overlaps).reduce(0) { $0 + $1.rows }
            if upperBound > TrajectoryExport.streamThreshold && (view.maxPoints.map { upperBound <= $0 } ?? true) {
                return Self.streaming(export, csv: csv, contentType: contentType, gzip: request.acceptsGzip)
            }
            let page = try store.view(record.id, dimension: dimension, view, chunks: chunks)
            let body = csv ? export.csv(page) : try export.json(page)
            return HTTPResponse(status: 200, headers: ["Content-Type": contentType], body: .bytes(body)).compressed(for: request)
        }
    }

    private static func streaming(_ export: TrajectoryExport, csv: Bool, contentType: String, gzip: Bool) -> HTTPResponse {
        var headers: HTTPHeaders = ["Content-Type": contentType]
        let compressor = gzip ? GzipStream() : nil
        if compressor != nil { headers["Content-Encoding"] = "gzip"; headers.add("Vary", "Accept-Encoding") }
        return HTTPResponse(status: 200, headers: headers, body: .stream { writer in
            guard let compressor else { return try await export.stream(csv: csv) { try await writer.write($0) } }
            try await export.stream(csv: csv) { bytes in try await writer.write(compressor.compress(bytes)) }
            try await writer.write(compressor.finish())
        })
    }

    /// The dimension of a run with no recorded chunk: from its summary, else from its spec.
    private func dimension(of record: ExperimentRecord) throws -> Int {
        if let p = record.summary?.finalParams { return p.count }
        do { return try record.spec.validated(limits: experiments.runner.limits).dimension } catch {
            throw ServiceError.invalid(field: "", message: error.message, code: "invalid_spec")
        }
    }

    /// `shape=loss|path`: what a `max_points` selection keeps (default loss).
    private func shape(_ request: HTTPRequest) throws -> TrajectoryShape {
        guard let text = request.query["shape"] else { return .loss }
        guard let shape = TrajectoryShape(rawValue: text) else {
            throw ServiceError.invalid(field: "shape", message: "must be one of loss, path", code: "invalid_query")
        }
        return shape
    }

    private func requestedFields(_ request: HTTPRequest) throws -> TrajectoryFields {
        guard let text = request.query["fields"], !text.isEmpty else { return .all }
        var fields: TrajectoryFields = []
        for name in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            switch name {
            case "step": break
            case "epoch": fields.insert(.epoch)
            case "lr": fields.insert(.lr)
            case "loss": fields.insert(.loss)
            case "grad_norm": fields.insert(.gradNorm)
            case "params": fields.insert(.params)
            case "internals": fields.insert(.internals)
            default:
                throw ServiceError.invalid(field: "fields", message: "unknown field '\(name)'; allowed: step, \(Self.allFields.joined(separator: ", "))", code: "invalid_query")
            }
        }
        return fields
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

/// A gzip compressor shared by a streamed body's writes (which run one after another).
final class GzipStream: @unchecked Sendable {
    // Unchecked: used only by one stream producer, whose writes are sequential.
    private let encoder: GzipEncoder

    /// A compressor; nil when zlib cannot start one.
    init?() {
        guard let e = GzipEncoder() else { return nil }
        encoder = e
    }
    /// Compressed bytes for `bytes`.
    func compress(_ bytes: [UInt8]) -> [UInt8] { encoder.compress(bytes) }
    /// The end of the gzip stream.
    func finish() -> [UInt8] { encoder.finish() }
}
