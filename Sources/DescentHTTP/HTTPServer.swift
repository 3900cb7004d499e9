#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Logging
import Synchronization

/// Errors starting the server.
public struct HTTPServerStartError: Error, CustomStringConvertible, Sendable {
    /// What failed, with the system's reason.
    public let description: String
}

/// Holds the accept source inside the state lock.
/// `@unchecked Sendable`: Dispatch sources are thread-safe; only `cancel()` is called through it.
private struct SourceBox: @unchecked Sendable {
    let source: DispatchSourceRead
}

/// Our HTTP/1.1 server: a non-blocking listening socket and connections spread over a few serial
/// Dispatch queues (never a thread per connection).
public final class HTTPServer: Sendable {
    private struct State {
        var listenFD: Int32 = -1
        var acceptSource: SourceBox?
        var connections: [ObjectIdentifier: Connection] = [:]
        var shuttingDown = false
        var nextQueue = 0
        var port = 0
    }

    private let configuration: ServerConfiguration
    private let handler: HTTPHandler
    private let logger: Logger
    private let acceptQueue = DispatchQueue(label: "descent.http.accept")
    private let eventQueues: [DispatchQueue]
    private let state = Mutex(State())

    /// A server that will answer every request with `handler`.
    public init(configuration: ServerConfiguration, handler: @escaping HTTPHandler, logger: Logger) {
        self.configuration = configuration
        self.handler = handler
        self.logger = logger
        let count = configuration.eventQueues > 0
            ? configuration.eventQueues : max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        eventQueues = (0..<count).map { DispatchQueue(label: "descent.http.loop.\($0)") }
    }

    /// The bound port (after `start`).
    public var port: Int { state.withLock { $0.port } }

    /// Whether `shutdown` has begun.
    public var isShuttingDown: Bool { state.withLock { $0.shuttingDown } }

    /// Number of open connections.
    public var connectionCount: Int { state.withLock { $0.connections.count } }

    /// Binds and listens; returns the bound port.
    public func start() throws -> Int {
        signal(SIGPIPE, SIG_IGN)
        let fd = try SocketAddress.listen(host: configuration.host, port: configuration.port, backlog: configuration.backlog)
        let boundPort = SocketAddress.localPort(fd)
        let source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: acceptQueue)
        source.setEventHandler { [self] in acceptAll(fd) }
        source.setCancelHandler { _ = Glibc.close(fd) }
        state.withLock {
            $0.listenFD = fd
            $0.acceptSource = SourceBox(source: source)
            $0.port = boundPort
        }
        source.resume()
        logger.info("listening", metadata: ["host": "\(configuration.host)", "port": "\(boundPort)"])
        return boundPort
    }

    private func acceptAll(_ listenFD: Int32) {
        while true {
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let fd = withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    accept(listenFD, $0, &length)
                }
            }
            if fd < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                if errno == EMFILE || errno == ENFILE { logger.warning("accept: out of file descriptors") }
                return
            }
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            let remote = SocketAddress.describe(storage)
            let admitted: (Bool, DispatchQueue) = state.withLock { s in
                let queue = eventQueues[s.nextQueue % eventQueues.count]
                s.nextQueue &+= 1
                return (!s.shuttingDown && s.connections.count < configuration.maxConnections, queue)
            }
            guard admitted.0 else {
                let reply = ResponseEncoding.errorResponse(
                    .init(status: 503, code: "unavailable", message: "too many connections or shutting down"),
                    serverName: configuration.serverName)
                _ = reply.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                Glibc.close(fd)
                continue
            }
            let connection = Connection(
                fd: fd, remoteAddress: remote, queue: admitted.1, configuration: configuration, handler: handler,
                onClose: { [weak self] c in self?.state.withLock { _ = $0.connections.removeValue(forKey: ObjectIdentifier(c)) } })
            state.withLock { $0.connections[ObjectIdentifier(connection)] = connection }
            connection.start()
        }
    }

    /// Stops accepting, lets in-flight requests finish within `gracePeriod`, closes idle connections, then returns.
    public func shutdown(gracePeriod: Duration) async {
        let connections: [Connection] = state.withLock { s in
            s.shuttingDown = true
            s.acceptSource?.source.cancel()
            s.acceptSource = nil
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
        logger.info("stopped", metadata: ["forced": "\(left.count)"])
    }
}
