#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// One client connection, driven by its event loop: reads, parses, hands requests to the handler one at a
/// time (so pipelined responses keep request order), writes responses, and enforces timeouts.
///
/// A request the responder answers at once (a synchronous route) is answered on the loop's thread with no
/// task; a deferred one starts its handler inline (`Task.immediate`), so one that does not suspend also
/// answers on the loop. Either way the response is encoded straight into the output buffer: a request costs
/// one `recv` and one `send`, and pipelined requests read together are answered with one `send`. A handler
/// that suspends finishes on the concurrency pool and hands its response back with `EventLoop.execute`.
///
/// `@unchecked Sendable`: every mutable property is touched only on `loop`'s thread (other threads go
/// through `loop.execute`), except `connected`, which is atomic.
final class Connection: EventLoopHandler, @unchecked Sendable {
    private enum Phase { case waiting, processing, streaming, closed }

    let fd: Int32
    let loop: EventLoop
    private let remoteAddress: String
    private let configuration: ServerConfiguration
    private let responder: HTTPResponder
    private let onClose: @Sendable (Connection) -> Void

    private var parser: RequestParser
    private var phase = Phase.waiting
    private var readPaused = false
    private var watchingWrites = false
    /// Inside `processNext`: a response finished inline lets its loop go on instead of re-entering it.
    private var processing = false
    private var output: [UInt8] = []
    private var outputOffset = 0
    private var closeAfterFlush = false
    private var peerClosed = false
    private var keepAlive = true
    private var shuttingDown = false
    private var deadlines: ConnectionTimeouts
    private var drainWaiters: [CheckedContinuation<Void, any Error>] = []
    private let connected = Atomic<Bool>(true)

    init(fd: Int32, remoteAddress: String, loop: EventLoop, configuration: ServerConfiguration,
         responder: HTTPResponder, onClose: @escaping @Sendable (Connection) -> Void) {
        self.fd = fd
        self.remoteAddress = remoteAddress
        self.loop = loop
        self.configuration = configuration
        self.responder = responder
        self.onClose = onClose
        parser = RequestParser(limits: configuration.limits)
        deadlines = ConnectionTimeouts(configuration.timeouts, now: EventLoop.now())
    }

    /// Starts reading; call once.
    func start() { onLoop { [self] in loop.register(fd, self) } }

    /// Graceful shutdown: close now if idle, otherwise after the current response.
    func beginShutdown() {
        onLoop { [self] in
            shuttingDown = true
            keepAlive = false
            if phase == .waiting && !parser.isMidRequest && output.count == outputOffset { close() }
        }
    }

    /// Closes at once (shutdown deadline passed).
    func forceClose() { onLoop { [self] in close() } }

    private func onLoop(_ work: @escaping @Sendable () -> Void) {
        if loop.inLoop { work() } else { loop.execute(work) }
    }

    // MARK: - Events

    func handleEvent(readable: Bool, writable: Bool, hangup: Bool) {
        if hangup {
            // Reset or fully shut down: nothing can be sent any more.
            peerClosed = true
            close()
            return
        }
        if writable { flush() }
        if readable && phase != .closed && !readPaused { read() }
    }

    func tick(now: UInt64) {
        guard phase != .closed else { return }
        switch deadlines.expiry(activity: activity, midRequest: parser.isMidRequest, now: now) {
        case .none:
            break
        case .close:
            close()
        case .requestTimeout:
            phase = .processing
            closeAfterFlush = true
            output.append(contentsOf: ResponseEncoding.errorResponse(
                .init(status: 408, code: "request_timeout", message: "request not received in time"),
                serverName: configuration.serverName))
            flush()
        }
    }

    // MARK: - Reading

    private func read() {
        let buffer = loop.readBuffer
        var gone = false
        while true {
            let n = recv(fd, buffer.baseAddress, buffer.count, 0)
            if n > 0 {
                parser.append(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
                if n < buffer.count { break }  // drained: no second recv just to see EAGAIN
            } else if n == 0 {
                gone = true
                break
            } else if errno == EINTR {
                continue
            } else {
                gone = errno != EAGAIN && errno != EWOULDBLOCK
                break
            }
        }
        if gone {
            peerClosed = true
            connected.store(false, ordering: .relaxed)
            pauseReading()
            failWaiters()
        }
        switch phase {
        case .waiting: processNext()  // answers what arrived before the close, then closes
        case .streaming: if gone { close() }
        case .processing: if gone { closeAfterFlush = true } else { applyBackpressure() }  // half-close: still answer
        case .closed: break
        }
    }

    private func applyBackpressure() {
        let limit = configuration.limits.maxHeaderBytes + configuration.limits.maxBodyBytes + 65536
        if parser.bufferedCount > limit { pauseReading() }
    }

    private func pauseReading() {
        guard !readPaused, phase != .closed else { return }
        readPaused = true
        loop.watch(fd, readable: false, writable: watchingWrites)
    }

    private func resumeReading() {
        guard readPaused, !peerClosed else { return }
        readPaused = false
        loop.watch(fd, readable: true, writable: watchingWrites)
    }

    // MARK: - Requests

    private func processNext() {
        processing = true
        while phase == .waiting {
            observeParser()
            guard let event = parser.next() else { break }
            switch event {
            case .expectContinue:
                deadlines.bodyRequested(now: loop.time)
                output.append(contentsOf: "HTTP/1.1 100 Continue\r\n\r\n".utf8)
            case .failure(let error):
                closeAfterFlush = true
                phase = .processing
                output.append(contentsOf: ResponseEncoding.errorResponse(error, serverName: configuration.serverName))
            case .request(let head, let body):
                dispatch(head, body)
            }
        }
        processing = false
        if phase == .waiting {
            observeParser()
            resumeReading()
            if peerClosed { closeAfterFlush = true }
        }
        flush()
    }

    private func dispatch(_ head: RequestHead, _ body: [UInt8]) {
        phase = .processing
        deadlines.requestDispatched()
        keepAlive = head.keepAlive && !shuttingDown
        let request = HTTPRequest(method: head.method, target: head.target, headers: head.headers, body: body,
                                  remoteAddress: remoteAddress, minorVersion: head.minorVersion)
        switch responder.answer(request) {
        case .response(let response):
            respond(response, to: head)
        case .deferred(let routed, let handler):
            // Runs on this thread until the handler first suspends; a handler that never does answers inline.
            Task.immediate { [self] in
                let response: HTTPResponse
                do { response = try await handler(routed) } catch { response = ErrorResponse.from(error) }
                onLoop { [self] in respond(response, to: head) }
            }
        }
    }

    private func respond(_ response: HTTPResponse, to head: RequestHead) {
        guard phase != .closed else { return }
        if shuttingDown { keepAlive = false }
        let isHead = head.method == .head
        switch response.body {
        case .bytes(let body):
            ResponseEncoding.appendHead(to: &output, status: response.status, headers: response.headers,
                                        contentLength: body.count, keepAlive: keepAlive, minorVersion: head.minorVersion,
                                        serverName: configuration.serverName, date: loop.date)
            if !isHead { output.append(contentsOf: body) }
            finishResponse()
        case .stream(let producer):
            if head.minorVersion == 0 { keepAlive = false }
            ResponseEncoding.appendHead(to: &output, status: response.status, headers: response.headers,
                                        contentLength: isHead ? 0 : nil, keepAlive: keepAlive,
                                        minorVersion: head.minorVersion, serverName: configuration.serverName, date: loop.date)
            if isHead { finishResponse(); return }
            phase = .streaming
            flush()
            guard phase == .streaming else { return }
            startStream(producer, chunked: head.minorVersion >= 1)
        }
    }

    private func startStream(_ producer: @escaping @Sendable (HTTPBodyWriter) async throws -> Void, chunked: Bool) {
        let writer = HTTPBodyWriter(sink: ConnectionSink(connection: self, chunked: chunked))
        Task { [self] in
            let failed: Bool
            do { try await producer(writer); failed = false } catch { failed = true }
            loop.execute { [self] in
                guard phase == .streaming else { return }
                if failed || !chunked { keepAlive = false }
                if chunked { output.append(contentsOf: "0\r\n\r\n".utf8) }
                finishResponse()
            }
        }
    }

    private func finishResponse() {
        guard phase != .closed else { return }
        deadlines.responseFinished(now: loop.time)
        if !keepAlive || peerClosed {
            phase = .processing
            closeAfterFlush = true
            if !processing { flush() }
            return
        }
        phase = .waiting
        if !processing { processNext() }
    }

    // MARK: - Streaming (called from ConnectionSink)

    func streamWrite(_ bytes: [UInt8], chunked: Bool) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            loop.execute { [self] in
                guard phase == .streaming, !peerClosed else {
                    continuation.resume(throwing: HTTPServerError.disconnected)
                    return
                }
                if chunked {
                    // Size line, data and CRLF appended in place (no concatenated copy of the data).
                    output.append(contentsOf: String(bytes.count, radix: 16).utf8)
                    output.append(contentsOf: [0x0D, 0x0A])
                    output.append(contentsOf: bytes)
                    output.append(contentsOf: [0x0D, 0x0A])
                } else {
                    output.append(contentsOf: bytes)
                }
                flush()
                if output.count - outputOffset > 256 * 1024 {
                    drainWaiters.append(continuation)
                } else {
                    continuation.resume()
                }
            }
        }
    }

    /// Whether the peer is still there (from any thread; false once it hung up or the connection closed).
    var isConnectedApproximately: Bool { connected.load(ordering: .relaxed) }

    // MARK: - Writing

    private func flush() {
        guard phase != .closed else { return }
        while outputOffset < output.count {
            let n = output.withUnsafeBytes { raw in
                send(fd, raw.baseAddress.map { $0 + outputOffset }, raw.count - outputOffset, Int32(MSG_NOSIGNAL))
            }
            if n > 0 {
                outputOffset += n
            } else if n < 0 && errno == EINTR {
                continue
            } else if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                watchWrites(true)
                deadlines.observeOutput(pending: true, now: loop.time)
                return
            } else {
                peerClosed = true
                close()
                return
            }
        }
        output.removeAll(keepingCapacity: output.capacity <= 64 * 1024)
        outputOffset = 0
        watchWrites(false)
        deadlines.observeOutput(pending: false, now: 0)
        let waiters = drainWaiters
        drainWaiters = []
        for w in waiters { w.resume() }
        if closeAfterFlush && phase != .streaming { close() }
    }

    private func watchWrites(_ on: Bool) {
        guard watchingWrites != on else { return }
        watchingWrites = on
        loop.watch(fd, readable: !readPaused, writable: on)
    }

    // MARK: - Timeouts and closing

    private var activity: ConnectionTimeouts.Activity { phase == .waiting ? .reading : .handling }

    private func observeParser() {
        deadlines.observeParser(midRequest: parser.isMidRequest, readingBody: parser.isReadingBody, now: loop.time)
    }

    private func failWaiters() {
        let waiters = drainWaiters
        drainWaiters = []
        for w in waiters { w.resume(throwing: HTTPServerError.disconnected) }
    }

    private func close() {
        guard phase != .closed else { return }
        phase = .closed
        connected.store(false, ordering: .relaxed)
        failWaiters()
        loop.deregister(fd)
        _ = Glibc.close(fd)
        onClose(self)
    }
}

/// The body sink of a streamed response on a connection.
struct ConnectionSink: BodySink {
    let connection: Connection
    let chunked: Bool
    func write(_ bytes: [UInt8]) async throws { try await connection.streamWrite(bytes, chunked: chunked) }
    var isConnected: Bool { connection.isConnectedApproximately }
}
