#if canImport(Glibc)
import Glibc
#endif
import Foundation
import CEpoll
import Synchronization

/// What an event loop calls back: readiness of its file descriptor, and a periodic tick for deadlines.
protocol EventLoopHandler: AnyObject {
    /// The descriptor is readable (data or the peer's end of stream), writable, and/or hung up or in error.
    func handleEvent(readable: Bool, writable: Bool, hangup: Bool)
    /// Called about every `EventLoop.tickInterval` with the monotonic time (ns), to check deadlines.
    func tick(now: UInt64)
}

/// One thread waiting in `epoll_wait` (level-triggered) for the descriptors of its connections, and
/// running their callbacks inline: a readable socket is read, parsed and answered on this thread, with no
/// hand-off to another thread. Other threads give it work with `execute`, which wakes it via an eventfd.
///
/// `@unchecked Sendable`: `handlers`, `time`, the date and `readBuffer` are touched only on the loop's own
/// thread; `jobs` is behind a mutex; the epoll and eventfd descriptors are thread-safe.
final class EventLoop: @unchecked Sendable {
    /// How often handlers get `tick` (deadline checks): timeouts are whole seconds, so 100 ms is precise enough.
    static let tickInterval: UInt64 = 100_000_000

    private let epollFD: Int32
    private let wakeFD: Int32
    private let jobs = Mutex<[@Sendable () -> Void]>([])
    private var handlers: [EventLoopHandler?] = []
    private var registered = 0
    private let threadID = Atomic<UInt>(0)
    private var nextTick: UInt64 = 0
    /// Monotonic time (ns) when the loop last woke: the "now" of the callbacks it runs, one clock read per wake.
    private(set) var time: UInt64 = 0
    private let stopped = Atomic<Bool>(false)
    private var dateSecond = -1
    private var dateText = ""

    /// Scratch space for `recv`, shared by the loop's connections (only one runs at a time): a buffer per
    /// connection would add 64 KiB to each idle one.
    let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 65536, alignment: 16)

    /// A loop with its thread started.
    init(name: String) throws {
        epollFD = epoll_create1(Int32(EPOLL_CLOEXEC))
        wakeFD = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        guard epollFD >= 0, wakeFD >= 0 else {
            throw HTTPServerStartError(description: "cannot create an event loop: \(String(cString: strerror(errno)))")
        }
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.fd = wakeFD
        epoll_ctl(epollFD, EPOLL_CTL_ADD, wakeFD, &event)
        let thread = Thread { [self] in run() }
        thread.name = name
        thread.stackSize = 512 * 1024
        thread.start()
    }

    /// The Date header value of now (IMF-fixdate), formatted at most once a second per loop; on the loop
    /// thread only. The loop's own copy: responses on different loops share no lock for it.
    var date: String {
        let second = Int(Glibc.time(nil))
        if second != dateSecond {
            dateSecond = second
            dateText = ResponseEncoding.imfFixdate(second)
        }
        return dateText
    }

    /// Whether the caller runs on this loop's thread.
    var inLoop: Bool {
        threadID.load(ordering: .relaxed) == UInt(pthread_self())
    }

    /// Runs `job` on the loop's thread, soon (from any thread; in order of calls).
    func execute(_ job: @escaping @Sendable () -> Void) {
        let wasEmpty = jobs.withLock { jobs in
            jobs.append(job)
            return jobs.count == 1
        }
        if wasEmpty {
            var one: UInt64 = 1
            _ = write(wakeFD, &one, 8)
        }
    }

    /// Watches `fd` for reading (and writing when `writable`); on the loop thread only.
    func register(_ fd: Int32, _ handler: EventLoopHandler) {
        while handlers.count <= Int(fd) { handlers.append(nil) }
        handlers[Int(fd)] = handler
        registered += 1
        var event = epoll_event()
        event.events = EPOLLIN.rawValue | EPOLLRDHUP.rawValue
        event.data.fd = fd
        epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, &event)
    }

    /// Changes what `fd` is watched for; on the loop thread only.
    func watch(_ fd: Int32, readable: Bool, writable: Bool) {
        var event = epoll_event()
        event.events = (readable ? EPOLLIN.rawValue | EPOLLRDHUP.rawValue : 0) | (writable ? EPOLLOUT.rawValue : 0)
        event.data.fd = fd
        epoll_ctl(epollFD, EPOLL_CTL_MOD, fd, &event)
    }

    /// Stops watching `fd` (before it is closed); on the loop thread only.
    func deregister(_ fd: Int32) {
        epoll_ctl(epollFD, EPOLL_CTL_DEL, fd, nil)
        if Int(fd) < handlers.count, handlers[Int(fd)] != nil {
            handlers[Int(fd)] = nil
            registered -= 1
        }
    }

    /// Ends the loop's thread once it has nothing registered; then its descriptors are closed.
    func stop() {
        stopped.store(true, ordering: .relaxed)
        execute {}
    }

    private func run() {
        threadID.store(UInt(pthread_self()), ordering: .relaxed)
        nextTick = Self.now() + Self.tickInterval
        let capacity = 256
        let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: capacity)
        defer {
            events.deallocate()
            readBuffer.deallocate()
            Glibc.close(wakeFD)
            Glibc.close(epollFD)
        }
        while !(stopped.load(ordering: .relaxed) && registered == 0) {
            let now = Self.now()
            let wait = nextTick > now ? Int32((nextTick - now) / 1_000_000) + 1 : 0
            let n = epoll_wait(epollFD, events, Int32(capacity), wait)
            time = Self.now()
            for i in 0..<max(0, Int(n)) {
                let event = events[i]
                let fd = event.data.fd
                if fd == wakeFD {
                    runJobs()
                    continue
                }
                guard Int(fd) < handlers.count, let handler = handlers[Int(fd)] else { continue }
                let bits = event.events
                handler.handleEvent(readable: bits & (EPOLLIN.rawValue | EPOLLRDHUP.rawValue) != 0,
                                    writable: bits & EPOLLOUT.rawValue != 0,
                                    hangup: bits & (EPOLLERR.rawValue | EPOLLHUP.rawValue) != 0)
            }
            if time >= nextTick {
                nextTick = time + Self.tickInterval
                for case let handler? in handlers { handler.tick(now: time) }
            }
        }
    }

    private func runJobs() {
        var count: UInt64 = 0
        _ = read(wakeFD, &count, 8)
        let batch = jobs.withLock { jobs in
            let batch = jobs
            jobs.removeAll(keepingCapacity: true)
            return batch
        }
        for job in batch { job() }
    }

    /// Monotonic time in nanoseconds.
    static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}
