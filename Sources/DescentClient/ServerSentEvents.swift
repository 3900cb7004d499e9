/// One dispatched Server-Sent Event.
public struct ServerSentEvent: Sendable, Equatable {
    /// Event type (`message` when the stream gave none).
    public var event: String
    /// Data lines joined with `\n`.
    public var data: String
    /// Last event id, if any.
    public var id: String?

    /// Creates an event value.
    public init(event: String, data: String, id: String? = nil) {
        self.event = event; self.data = data; self.id = id
    }
}

/// Incremental `text/event-stream` parser (HTML Living Standard, "Parsing an event stream"): bytes in, events out.
public struct ServerSentEventParser: Sendable {
    private var line: [UInt8] = []
    private var afterCR = false
    private var eventType = ""
    private var dataLines: [String] = []
    private var hasData = false
    private var lastId: String?

    /// Creates a parser at the start of a stream.
    public init() {}

    /// Feeds the next bytes and returns the events they complete; chunk boundaries may fall anywhere.
    public mutating func feed<Bytes: Sequence>(_ bytes: Bytes) -> [ServerSentEvent] where Bytes.Element == UInt8 {
        var events: [ServerSentEvent] = []
        for byte in bytes {
            if afterCR {
                afterCR = false
                if byte == 0x0A { continue }  // CR LF counts as one line end
            }
            if byte == 0x0D || byte == 0x0A {
                afterCR = byte == 0x0D
                if let event = endLine() { events.append(event) }
            } else {
                line.append(byte)
            }
        }
        return events
    }

    private mutating func endLine() -> ServerSentEvent? {
        defer { line.removeAll(keepingCapacity: true) }
        if line.isEmpty { return dispatch() }
        if line.first == 0x3A { return nil }  // comment
        let text = String(decoding: line, as: UTF8.self)
        let field: Substring
        var value: Substring
        if let colon = text.firstIndex(of: ":") {
            field = text[..<colon]
            value = text[text.index(after: colon)...]
            if value.first == " " { value = value.dropFirst() }
        } else {
            field = Substring(text); value = ""
        }
        switch field {
        case "event": eventType = String(value)
        case "data": dataLines.append(String(value)); hasData = true
        case "id" where !value.contains("\0"): lastId = String(value)
        default: break
        }
        return nil
    }

    private mutating func dispatch() -> ServerSentEvent? {
        defer { eventType = ""; dataLines = []; hasData = false }
        guard hasData else { return nil }
        return ServerSentEvent(event: eventType.isEmpty ? "message" : eventType,
                               data: dataLines.joined(separator: "\n"), id: lastId)
    }
}

extension Client {
    /// A parsed event of `GET /v1/experiments/{id}/events`.
    public enum ExperimentEvent: Sendable, Equatable {
        /// Training progress: steps done, the step recorded, its loss.
        case progress(stepsDone: Int, step: Int, loss: Double)
        /// A status change.
        case status(ExperimentStatus)
        /// The last event: the final experiment.
        case end(Experiment)
        /// An event type this client does not know, passed through.
        case other(ServerSentEvent)
    }
}
