#if canImport(Glibc)
import Glibc
#endif
import Dispatch

/// One client connection: reads, parses, hands requests to the handler one at a time (so pipelined
/// responses keep request order), writes responses, and enforces timeouts.
///
/// `@unchecked Sendable`: every mutable property is touched only on `queue` (a serial queue).
final class Connection: @unchecked Sendable {
    private enum Phase { case waiting, processing, streaming, closed }

    let fd: Int32
    let queue: DispatchQueue
    private let remoteAddress: String
    private let configuration: ServerConfiguration
    private let handler: HTTPHandler
    private let onClose: @Sendable (Connection) -> Void

    private var parser: RequestParser
    private var phase = Phase.waiting
    private var readSource: DispatchSourceRead?
    private var writeSource: DispatchSourceWrite?
    private var writeSourceActive = false
    private var readSuspended = false
    private let timer: DispatchSourceTimer
    /// When the timer is set to fire (uptime ns); `.max` when it is not set.
    private var armedDeadline = UInt64.max
    private var output: [UInt8] = []
    private var outputOffset = 0
    private var closeAfterFlush = false
    private var peerClosed = false
    private var keepAlive = true
    private var shuttingDown = false
    private var deadlines: ConnectionTimeouts
    private var drainWaiters: [CheckedContinuation<Void, any Error>] = []

    init(fd: Int32, remoteAddress: String, queue: DispatchQueue, configuration: ServerConfiguration,
         handler: @escaping HTTPHandler, onClose: @escaping @Sendable (Connection) -> Void) {
        self.fd = fd
        self.remoteAddress = remoteAddress
        self.queue = queue
        self.configuration = configuration
        self.handler = handler
        self.onClose = onClose
        parser = RequestParser(limits: configuration.limits)
        deadlines = ConnectionTimeouts(configuration.timeouts, now: DispatchTime.now().uptimeNanoseconds)
        timer = DispatchSource.makeTimerSource(queue: queue)
    }

    /// Starts reading; call once.
    func start() {
        queue.async { [self] in
            let source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
            source.setEventHandler { [self] in readable() }
            readSource = source
            timer.setEventHandler { [self] in timerFired() }
            timer.resume()
            armTimer()
            source.resume()
        }
    }

    /// Graceful shutdown: close now if idle, otherwise after the current response.
    func beginShutdown() {
        queue.async { [self] in
            shuttingDown = true
            keepAlive = false
            if phase == .waiting && !parser.isMidRequest && output.count == outputOffset { close() }
        }
    }

    /// Closes at once (shutdown deadline passed).
    func forceClose() { queue.async { [self] in close() } }

    // MARK: - Reading

    private func readable() {
        // Uninitialised scratch space for this call only: zero-filling a fresh 64 KiB array on every
        // readable event cost more than parsing a small request, and a buffer kept per connection would
        // add 64 KiB to every idle connection.
        let gone = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 65536) { chunk -> Bool in
            while true {
                let n = recv(fd, chunk.baseAddress, chunk.count, 0)
                if n > 0 {
                    parser.append(UnsafeBufferPointer(rebasing: chunk[0..<n]))
                    if n < chunk.count { return false }
                } else if n == 0 {
                    return true
                } else {
                    if errno == EINTR { continue }
                    if errno == EAGAIN || errno == EWOULDBLOCK { return false }
                    return true
                }
            }
        }
        if gone {
            peerGone()
            return
        }
        if phase == .waiting { processNext() } else { applyBackpressure() }
    }

    private func peerGone() {
        peerClosed = true
        suspendReading()
        failWaiters()
        switch phase {
        case .waiting: close()
        case .streaming: close()
        case .processing: closeAfterFlush = true  // half-close: still answer, then close
        case .closed: break
        }
    }

    private func applyBackpressure() {
        let limit = configuration.limits.maxHeaderBytes + configuration.limits.maxBodyBytes + 65536
        if parser.bufferedCount > limit { suspendReading() }
    }

    private func suspendReading() {
        guard let readSource, !readSuspended else { return }
        readSource.suspend()
        readSuspended = true
    }

    private func resumeReading() {
        guard let readSource, readSuspended, !peerClosed else { return }
        readSource.resume()
        readSuspended = false
    }

    // MARK: - Requests

    private func processNext() {
        while phase == .waiting {
            observeParser()
            guard let event = parser.next() else {
                observeParser()
                resumeReading()
                armTimer()
                if peerClosed { close() }
                return
            }
            switch event {
            case .expectContinue:
                deadlines.bodyRequested(now: Self.now())
                enqueue(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
            case .failure(let error):
                closeAfterFlush = true
                phase = .processing
                enqueue(ResponseEncoding.errorResponse(error, serverName: configuration.serverName))
            case .request(let head, let body):
                dispatch(head, body)
            }
        }
    }

    private func dispatch(_ head: RequestHead, _ body: [UInt8]) {
        phase = .processing
        deadlines.requestDispatched()
        keepAlive = head.keepAlive && !shuttingDown
        armTimer()
        let request = HTTPRequest(method: head.method, target: head.target, headers: head.headers, body: body,
                                  remoteAddress: remoteAddress, minorVersion: head.minorVersion)
        let handler = self.handler
        Task { [self] in
            let response: HTTPResponse
            do { response = try await handler(request) } catch { response = ErrorResponse.from(error) }
            queue.async { [self] in respond(response, to: head) }
        }
    }

    private func respond(_ response: HTTPResponse, to head: RequestHead) {
        guard phase != .closed else { return }
        if shuttingDown { keepAlive = false }
        let isHead = head.method == .head
        switch response.body {
        case .bytes(let body):
            enqueue(ResponseEncoding.head(status: response.status, headers: response.headers, contentLength: body.count,
                                          keepAlive: keepAlive, minorVersion: head.minorVersion,
                                          serverName: configuration.serverName), flush: isHead || body.isEmpty)
            if !isHead && !body.isEmpty { enqueue(body) }
            finishResponse()
        case .stream(let producer):
            if head.minorVersion == 0 { keepAlive = false }
            if !isHead { phase = .streaming }
            enqueue(ResponseEncoding.head(status: response.status, headers: response.headers, contentLength: isHead ? 0 : nil,
                                          keepAlive: keepAlive, minorVersion: head.minorVersion,
                                          serverName: configuration.serverName))
            if isHead { finishResponse(); return }
            guard phase == .streaming else { return }
            let chunked = head.minorVersion >= 1
            let writer = HTTPBodyWriter(sink: ConnectionSink(connection: self, chunked: chunked))
            Task { [self] in
                let failed: Bool
                do { try await producer(writer); failed = false } catch { failed = true }
                queue.async { [self] in
                    guard phase == .streaming else { return }
                    if failed { keepAlive = false }
                    if chunked { enqueue(Array("0\r\n\r\n".utf8)) }
                    if !chunked { keepAlive = false }
                    finishResponse()
                }
            }
        }
    }

    private func finishResponse() {
        guard phase != .closed else { return }
        deadlines.responseFinished(now: Self.now())
        phase = .processing
        if !keepAlive || peerClosed { closeAfterFlush = true }
        if closeAfterFlush {
            if output.count == outputOffset { close() }
            return
        }
        phase = .waiting
        processNext()
    }

    // MARK: - Streaming (called from ConnectionSink)

    func streamWrite(_ bytes: [UInt8], chunked: Bool) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            queue.async { [self] in
                guard phase == .streaming, !peerClosed else {
                    continuation.resume(throwing: HTTPServerError.disconnected)
                    return
                }
                if chunked {
                    // Size line, data and CRLF appended in place (no concatenated copy of the data).
                    output.append(contentsOf: (String(bytes.count, radix: 16) + "\r\n").utf8)
                    output.append(contentsOf: bytes)
                    enqueue([0x0D, 0x0A])
                } else {
                    enqueue(bytes)
                }
                if output.count - outputOffset > 256 * 1024 {
                    drainWaiters.append(continuation)
                } else {
                    continuation.resume()
                }
            }
        }
    }

    /// Whether the peer is still there (approximate, read without the queue).
    var isConnectedApproximately: Bool { phase != .closed && !peerClosed }

    // MARK: - Writing

    private func enqueue(_ bytes: [UInt8], flush shouldFlush: Bool = true) {
        output.append(contentsOf: bytes)
        if shouldFlush { flush() }
    }

    private func flush() {
        guard phase != .closed else { return }
        while outputOffset < output.count {
            let n = output.withUnsafeBytes { raw in
                send(fd, raw.baseAddress! + outputOffset, output.count - outputOffset, Int32(MSG_NOSIGNAL))
            }
            if n > 0 {
                outputOffset += n
            } else if n < 0 && errno == EINTR {
                continue
            } else if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                startWriteSource()
                deadlines.observeOutput(pending: true, now: Self.now())
                armTimer()
                return
            } else {
                peerClosed = true
                close()
                return
            }
        }
        output.removeAll(keepingCapacity: output.capacity <= 1 << 20)
        outputOffset = 0
        stopWriteSource()
        deadlines.observeOutput(pending: false, now: Self.now())
        let waiters = drainWaiters
        drainWaiters = []
        for w in waiters { w.resume() }
        if closeAfterFlush && phase != .streaming {
            close()
            return
        }
        armTimer()
    }

    private func startWriteSource() {
        if writeSource == nil {
            let source = DispatchSource.makeWriteSource(fileDescriptor: fd, queue: queue)
            source.setEventHandler { [self] in flush() }
            writeSource = source
        }
        if !writeSourceActive {
            writeSource?.resume()
            writeSourceActive = true
        }
    }

    private func stopWriteSource() {
        if writeSourceActive {
            writeSource?.suspend()
            writeSourceActive = false
        }
    }

    // MARK: - Timeouts and closing

    private static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    private var activity: ConnectionTimeouts.Activity { phase == .waiting ? .reading : .handling }

    private func observeParser() {
        deadlines.observeParser(midRequest: parser.isMidRequest, readingBody: parser.isReadingBody, now: Self.now())
    }

    /// Sets the timer for the current deadline, lazily: a timer already set to fire no later than the new
    /// deadline is left alone, since `timerFired` checks the real expiry and sets it again. Re-scheduling a
    /// dispatch timer on every request woke Dispatch's manager thread each time.
    private func armTimer() {
        guard phase != .closed else { return }
        let deadline = deadlines.deadline(activity: activity) ?? .max
        if armedDeadline <= deadline { return }
        armedDeadline = deadline
        timer.schedule(deadline: deadline == .max ? .distantFuture : DispatchTime(uptimeNanoseconds: deadline))
    }

    private func timerFired() {
        armedDeadline = .max
        guard phase != .closed else { return }
        switch deadlines.expiry(activity: activity, midRequest: parser.isMidRequest, now: Self.now()) {
        case .none:
            armTimer()
        case .close:
            close()
        case .requestTimeout:
            phase = .processing
            closeAfterFlush = true
            enqueue(ResponseEncoding.errorResponse(
                .init(status: 408, code: "request_timeout", message: "request not received in time"),
                serverName: configuration.serverName))
        }
    }

    private func failWaiters() {
        let waiters = drainWaiters
        drainWaiters = []
        for w in waiters { w.resume(throwing: HTTPServerError.disconnected) }
    }

    private func close() {
        guard phase != .closed else { return }
        phase = .closed
        failWaiters()
        timer.cancel()
        if let writeSource {
            if !writeSourceActive { writeSource.resume() }
            writeSource.cancel()
        }
        if let readSource {
            if readSuspended { readSource.resume() }
            readSource.setCancelHandler { [fd] in _ = Glibc.close(fd) }
            readSource.cancel()
        } else {
            _ = Glibc.close(fd)
        }
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
