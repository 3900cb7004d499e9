#if canImport(Glibc)
import Glibc
#endif
import CEpoll

/// The listening socket on an event loop: accepts every pending connection when it becomes readable and
/// hands each, non-blocking and with Nagle off, to `onAccept` with the peer's "ip:port".
///
/// `@unchecked Sendable`: `closed` and `paused` are touched only on `loop`'s thread; `stop` goes through `loop.execute`.
final class Listener: EventLoopHandler, @unchecked Sendable {
    private let fd: Int32
    private let loop: EventLoop
    private let onAccept: @Sendable (Int32, String) -> Void
    private var closed = false
    private var paused = false

    init(fd: Int32, loop: EventLoop, onAccept: @escaping @Sendable (Int32, String) -> Void) {
        self.fd = fd
        self.loop = loop
        self.onAccept = onAccept
    }

    /// Starts accepting.
    func start() { loop.execute { [self] in loop.register(fd, self) } }

    /// Stops accepting and closes the socket (soon, on the loop's thread).
    func stop() {
        loop.execute { [self] in
            guard !closed else { return }
            closed = true
            loop.deregister(fd)
            Glibc.close(fd)
        }
    }

    func handleEvent(readable: Bool, writable: Bool, hangup: Bool) {
        while !closed {
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let client = withUnsafeMutablePointer(to: &storage) {
                accept4(fd, $0, &length, Int32(SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue))
            }
            if client < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                if errno == EMFILE || errno == ENFILE {
                    // Out of descriptors: the socket stays readable, so stop watching it until the next tick
                    // instead of spinning.
                    paused = true
                    loop.watch(fd, readable: false, writable: false)
                }
                return
            }
            var one: Int32 = 1
            setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            onAccept(client, SocketAddress.describe(storage))
        }
    }

    func tick(now: UInt64) {
        guard paused, !closed else { return }
        paused = false
        loop.watch(fd, readable: true, writable: false)
    }
}
