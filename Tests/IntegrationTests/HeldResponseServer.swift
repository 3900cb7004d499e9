import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A one-request HTTP server on 127.0.0.1 that sends the head and first part of a chunked 200 response,
/// then holds the rest back until `finish()`: what a client prints before `finish()` it printed while the
/// response was still arriving.
///
/// `@unchecked Sendable`: `request` is written once by the serving thread before `received` is signalled
/// and read only after waiting for it; the rest is immutable or a semaphore.
final class HeldResponseServer: @unchecked Sendable {
    /// The port it listens on.
    let port: Int
    /// `http://127.0.0.1:PORT`.
    var baseURL: String { "http://127.0.0.1:\(port)" }
    private let listener: Int32
    private let released = DispatchSemaphore(value: 0)
    private let received = DispatchSemaphore(value: 0)
    private var head = ""

    /// Starts listening; the first connection gets `first` at once and `rest` after `finish()`.
    init(contentType: String, first: String, rest: String) throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        guard listener >= 0, bound == 0, named == 0, listen(listener, 4) == 0 else {
            throw HarnessError(description: "cannot listen on 127.0.0.1: errno \(errno)")
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        self.listener = listener
        Thread.detachNewThread { [self] in self.serve(listener, contentType: contentType, first: first, rest: rest) }
    }

    deinit { close(listener) }

    /// Sends the rest of the response and closes the connection.
    func finish() { released.signal() }

    /// The request head the client sent (request line and headers), once one has arrived (at most 10 s).
    func requestHead() -> String? {
        guard received.wait(timeout: .now() + 10) == .success else { return nil }
        received.signal()
        return head
    }

    private func serve(_ listener: Int32, contentType: String, first: String, rest: String) {
        let connection = accept(listener, nil, nil)
        guard connection >= 0 else { return }
        defer { close(connection) }
        var bytes: [UInt8] = [], buffer = [UInt8](repeating: 0, count: 4096)
        while !bytes.ends(with: Array("\r\n\r\n".utf8)) {
            let n = read(connection, &buffer, buffer.count)
            guard n > 0 else { return }
            bytes += buffer[..<n]
        }
        head = String(decoding: bytes, as: UTF8.self)
        received.signal()
        func chunk(_ text: String) -> String { text.isEmpty ? "" : String(text.utf8.count, radix: 16) + "\r\n" + text + "\r\n" }
        send(connection, "HTTP/1.1 200 OK\r\nContent-Type: \(contentType)\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + chunk(first))
        released.wait()
        send(connection, chunk(rest) + "0\r\n\r\n")
    }

    private func send(_ connection: Int32, _ text: String) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { return }
            offset += n
        }
    }
}

private extension Array where Element == UInt8 {
    func ends(with suffix: [UInt8]) -> Bool { count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix }
}
