/// Timeouts of a connection; on expiry the server answers 408 where it still can, then closes.
public struct HTTPTimeouts: Sendable {
    /// From the first byte of a request until its head is complete (slowloris defence). Default 10 s.
    public var headerRead: Duration = .seconds(10)
    /// From the end of the head (or the `100 Continue`) until the body is complete; a body that stalls
    /// short of its length gets 408 and a close when it passes. Default 10 s.
    public var bodyRead: Duration = .seconds(10)
    /// Keep-alive connection with no request in progress. Default 60 s.
    public var idle: Duration = .seconds(60)
    /// Pending response bytes that the client does not read. Default 30 s.
    public var write: Duration = .seconds(30)
    /// Default timeouts.
    public init() {}
}

/// Everything the server needs to know to listen and serve.
public struct ServerConfiguration: Sendable {
    /// Address to bind: an IPv4/IPv6 literal or a host name. Default "127.0.0.1".
    public var host = "127.0.0.1"
    /// Port to bind; 0 picks a free port. Default 8080.
    public var port = 8080
    /// listen(2) backlog. Default 512.
    public var backlog: Int32 = 512
    /// Most open connections; past it new ones get 503 and are closed. Default 4096.
    public var maxConnections = 4096
    /// Request size limits.
    public var limits = HTTPLimits()
    /// Connection timeouts.
    public var timeouts = HTTPTimeouts()
    /// Value of the Server header. Default "descent".
    public var serverName = "descent"
    /// Number of event loops (one thread each) connections are spread over; 0 means one per two active
    /// processors, at least one (`defaultEventLoops`). Default 0.
    public var eventLoops = 0
    /// Default configuration.
    public init() {}

    /// The event loops that `eventLoops = 0` gives on `processors` active processors: one per two, at least one.
    /// Why not one per processor: a loop is busy only while it has requests to answer, and the cores are shared
    /// with whatever makes and serves those requests (the service's workers and compute threads, a client on the
    /// same machine). On 2 cores, with the load generator beside the server, one loop answered 1.2–1.4× the
    /// requests/s of two, with 0.3–0.6 of its p99 latency at 32 connections (BENCHMARKS.md, HTTP server): two
    /// loop threads and a third busy thread on two cores meant a loop was preempted for a scheduler slice while
    /// holding all its connections.
    public static func defaultEventLoops(processors: Int) -> Int { max(1, processors / 2) }
}

extension Duration {
    /// The duration in nanoseconds, saturating.
    var nanoseconds: Int {
        let (s, atto) = components
        let (ns, overflow) = s.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? Int.max : Int(ns) + Int(atto / 1_000_000_000)
    }
}
