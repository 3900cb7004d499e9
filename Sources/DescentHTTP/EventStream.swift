import Foundation
import Synchronization

/// Writes a streamed response body; writes throw once the client has gone.
public struct HTTPBodyWriter: Sendable {
    let sink: any BodySink

    /// Sends bytes to the client (one chunk); throws `HTTPServerError.disconnected` after a disconnect.
    public func write(_ bytes: [UInt8]) async throws {
        guard !bytes.isEmpty else { return }
        try await sink.write(bytes)
    }

    /// Whether the client is still connected.
    public var isConnected: Bool { sink.isConnected }

    /// A writer over any sink (the server's connection, or a test buffer).
    public init(sink: any BodySink) { self.sink = sink }
}

/// Where a streamed body goes.
public protocol BodySink: Sendable {
    /// Delivers bytes; throws when the peer is gone.
    func write(_ bytes: [UInt8]) async throws
    /// Whether the peer is still connected.
    var isConnected: Bool { get }
}

/// Errors the server itself reports to handlers.
public enum HTTPServerError: Error, Sendable {
    /// The client closed the connection.
    case disconnected
}

/// A body sink that collects everything in memory (for tests and in-process callers).
public final class CollectingBodySink: BodySink {
    private let state = Mutex<(bytes: [UInt8], connected: Bool)>(([], true))
    /// An empty, connected sink.
    public init() {}
    public func write(_ bytes: [UInt8]) async throws {
        try state.withLock { s in
            guard s.connected else { throw HTTPServerError.disconnected }
            s.bytes += bytes
        }
    }
    public var isConnected: Bool { state.withLock { $0.connected } }
    /// Simulates the client going away.
    public func disconnect() { state.withLock { $0.connected = false } }
    /// Everything written so far.
    public var bytes: [UInt8] { state.withLock { $0.bytes } }
}

/// Writes Server-Sent Events (WHATWG HTML §9.2) onto a streamed body.
public struct EventStreamWriter: Sendable {
    let writer: HTTPBodyWriter

    /// Sends one event; multi-line data becomes several `data:` lines.
    public func send(event: String? = nil, id: String? = nil, data: String) async throws {
        var text = ""
        if let event { text += "event: \(event.singleLine)\n" }
        if let id { text += "id: \(id.singleLine)\n" }
        for line in data.split(separator: "\n", omittingEmptySubsequences: false) {
            text += "data: \(line.replacingOccurrences(of: "\r", with: ""))\n"
        }
        text += "\n"
        try await writer.write(Array(text.utf8))
    }

    /// Sends a comment line (keeps proxies and idle timers from closing the stream).
    public func comment(_ text: String) async throws {
        try await writer.write(Array(": \(text.singleLine)\n\n".utf8))
    }

    /// Whether the client is still connected.
    public var isConnected: Bool { writer.isConnected }
}

extension String {
    fileprivate var singleLine: String {
        replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " ")
    }
}
