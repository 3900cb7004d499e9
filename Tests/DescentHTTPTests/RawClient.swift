import DescentTestSupport
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Logging
@testable import DescentHTTP

/// A blocking loopback TCP client for tests: send raw bytes, read what comes back.
final class RawClient {
    let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = UInt16(port).bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if rc != 0 { throw POSIXError(.ECONNREFUSED) }  // deinit closes fd
    }

    deinit { Glibc.close(fd) }

    func send(_ text: String) { send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            offset += n
        }
    }

    /// Reads until `done` says the bytes so far are enough, the peer closes, or `timeout` passes.
    /// Blocks a dedicated thread, never one of the concurrency pool's (the server's handlers run there).
    func read(timeout: Double = 5, until done: @escaping @Sendable (String) -> Bool = { _ in false }) async -> (text: String, closed: Bool) {
        let fd = self.fd
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: RawClient.blockingRead(fd: fd, timeout: timeout, until: done))
            }
        }
    }

    private static func blockingRead(fd: Int32, timeout: Double, until done: (String) -> Bool) -> (text: String, closed: Bool) {
        var received: [UInt8] = []
        let deadline = Date().addingTimeInterval(timeout)
        var buffer = [UInt8](repeating: 0, count: 65536)
        while Date() < deadline {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ms = Int32(max(1, deadline.timeIntervalSinceNow * 1000))
            let ready = poll(&pfd, 1, ms)
            if ready < 0 && errno == EINTR { continue }
            if ready <= 0 { break }
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return (String(decoding: received, as: UTF8.self), true) }
            received += buffer[0..<n]
            if done(String(decoding: received, as: UTF8.self)) { break }
        }
        return (String(decoding: received, as: UTF8.self), false)
    }

    func shutdownWrite() { Glibc.shutdown(fd, Int32(SHUT_WR)) }
}

extension String {
    /// Number of complete responses (status lines) in a raw reply.
    var responseCount: Int { components(separatedBy: "HTTP/1.1 ").count - 1 }
}

/// Starts a server on a free port with `router`, runs `body`, shuts down.
func withServer(_ router: Router, configure: (inout ServerConfiguration) -> Void = { _ in },
                _ body: (HTTPServer, Int) async throws -> Void) async throws {
    var config = ServerConfiguration()
    config.port = 0
    configure(&config)
    let server = HTTPServer(configuration: config, handler: router.makeHandler(), logger: Logger(label: "test"))
    let port = try server.start()
    do {
        try await body(server, port)
    } catch {
        await server.shutdown(gracePeriod: .seconds(1))
        throw error
    }
    await server.shutdown(gracePeriod: .seconds(1))
}

/// A router with the routes the server tests use.
func testRouter() -> Router {
    var router = Router()
    router.on(.get, "/hello") { _ in .text("hello") }
    router.on(.post, "/echo") { req in HTTPResponse(status: 200, headers: ["Content-Type": "application/octet-stream"], body: .bytes(req.body)) }
    router.on(.get, "/items/:id") { req in .text("item \(req.pathParameters["id"] ?? "")") }
    router.on(.get, "/slow") { _ in
        try await Task.sleep(for: .milliseconds(500))
        return .text("slow done")
    }
    router.on(.get, "/query") { req in .text(req.query["q"] ?? "") }
    return router
}

