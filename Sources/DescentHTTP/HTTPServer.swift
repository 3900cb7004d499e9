#if canImport(Glibc)
import Glibc
#endif
import Logging
import Synchronization

/// Errors starting the server.
public struct HTTPServerStartError: Error, CustomStringConvertible, Sendable {
    /// What failed, with the system's reason.
    public let description: String
}

/// Our HTTP/1.1 server: a non-blocking listening socket and connections spread over a small fixed set of
/// epoll event loops, one thread each (never a thread per connection).
public final class HTTPServer: Sendable {
    private struct State {
        var listener: Listener?
        var loops: [EventLoop] = []
        var connections: [ObjectIdentifier: Connection] = [:]
        var shuttingDown = false
        var nextLoop = 0
        var port = 0
    }

    private let configuration: ServerConfiguration
    private let responder: HTTPResponder
    private let logger: Logger
    private let state = Mutex(State())

    /// A server that will answer every request with `responder` (e.g. `Router.makeResponder()`): at once on
    /// the connection's event loop when it can, otherwise in a task.
    public init(configuration: ServerConfiguration, responder: HTTPResponder, logger: Logger) {
        self.configuration = configuration
        self.responder = responder
        self.logger = logger
    }

    /// A server that will answer every request with `handler`, run in a task.
    public convenience init(configuration: ServerConfiguration, handler: @escaping HTTPHandler, logger: Logger) {
        self.init(configuration: configuration, responder: HTTPResponder(handler), logger: logger)
    }

    /// The bound port (after `start`).
    public var port: Int { state.withLock { $0.port } }

    /// Whether `shutdown` has begun.
    public var isShuttingDown: Bool { state.withLock { $0.shuttingDown } }

    /// Number of open connections.
    public var connectionCount: Int { state.withLock { $0.connections.count } }

    /// Binds, listens and starts the event loops; returns the bound port.
    public func start() throws -> Int {
        signal(SIGPIPE, SIG_IGN)
        let fd = try SocketAddress.listen(host: configuration.host, port: configuration.port, backlog: configuration.backlog)
        let boundPort = SocketAddress.localPort(fd)
        let count = configuration.eventLoops > 0
            ? configuration.eventLoops : ServerConfiguration.defaultEventLoops(processors: Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        let loops: [EventLoop]
        do {
            loops = try (0..<count).map { try EventLoop(name: "descent.http.loop.\($0)") }
        } catch {
            Glibc.close(fd)
            throw error
        }
        let listener = Listener(fd: fd, loop: loops[0]) { [weak self] fd, remote in self?.admit(fd, remote: remote) }
        state.withLock {
            $0.listener = listener
            $0.loops = loops
            $0.port = boundPort
        }
        listener.start()
        logger.info("listening", metadata: ["host": "\(configuration.host)", "port": "\(boundPort)"])
        return boundPort
    }

    /// Takes an accepted socket: serves it on the next loop in turn, or answers 503 past the limit.
    private func admit(_ fd: Int32, remote: String) {
        let loop: EventLoop? = state.withLock { s in
            guard !s.shuttingDown, s.connections.count < configuration.maxConnections, !s.loops.isEmpty else { return nil }
            s.nextLoop &+= 1
            return s.loops[s.nextLoop % s.loops.count]
        }
        guard let loop else {
            let reply = ResponseEncoding.errorResponse(
                .init(status: 503, code: "unavailable", message: "too many connections or shutting down"),
                serverName: configuration.serverName)
            _ = reply.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            Glibc.close(fd)
            return
        }
        let connection = Connection(
            fd: fd, remoteAddress: remote, loop: loop, configuration: configuration, responder: responder,
            onClose: { [weak self] c in self?.state.withLock { _ = $0.connections.removeValue(forKey: ObjectIdentifier(c)) } })
        state.withLock { $0.connections[ObjectIdentifier(connection)] = connection }
        connection.start()
    }

    /// Stops accepting, lets in-flight requests finish within `gracePeriod`, closes idle connections, then returns.
    public func shutdown(gracePeriod: Duration) async {
        let connections: [Connection] = state.withLock { s in
            s.shuttingDown = true
            s.listener?.stop()
            s.listener = nil
            return Array(s.connections.values)
        }
        for c in connections { c.beginShutdown() }
        let deadline = ContinuousClock.now + gracePeriod
        while connectionCount > 0 && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        let left: [Connection] = state.withLock { Array($0.connections.values) }
        for c in left { c.forceClose() }
        while connectionCount > 0 { try? await Task.sleep(for: .milliseconds(5)) }
        let loops: [EventLoop] = state.withLock { s in
            defer { s.loops = [] }
            return s.loops
        }
        for loop in loops { loop.stop() }
        logger.info("stopped", metadata: ["forced": "\(left.count)"])
    }
}
