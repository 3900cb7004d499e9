import Foundation
import Synchronization

/// A counter, optionally split by one label value.
public final class Counter: Sendable {
    private let values = Mutex<[String: Double]>([:])
    /// Adds `by` to the unlabelled series.
    public func increment(by: Double = 1) { increment(label: "", by: by) }
    /// Adds `by` to the series with this label value.
    public func increment(label: String, by: Double = 1) { values.withLock { $0[label, default: 0] += by } }
    /// Current values per label.
    public var snapshot: [String: Double] { values.withLock { $0 } }
}

/// A gauge.
public final class Gauge: Sendable {
    private let value = Mutex<Double>(0)
    /// Sets the value.
    public func set(_ v: Double) { value.withLock { $0 = v } }
    /// Adds to the value.
    public func add(_ v: Double) { value.withLock { $0 += v } }
    /// Current value.
    public var current: Double { value.withLock { $0 } }
}

/// Requests counted by route pattern and status.
public final class RequestCounter: Sendable {
    private struct Key: Hashable { var route: String; var status: Int }
    private let values = Mutex<[Key: Double]>([:])
    /// Counts one request.
    public func increment(route: String, status: Int) { values.withLock { $0[Key(route: route, status: status), default: 0] += 1 } }
    /// Current counts, sorted by route then status.
    public var snapshot: [(route: String, status: Int, count: Double)] {
        values.withLock { $0 }.map { (route: $0.key.route, status: $0.key.status, count: $0.value) }
            .sorted { ($0.route, $0.status) < ($1.route, $1.status) }
    }
}

/// A histogram of request durations by route, with fixed buckets in seconds.
public final class Histogram: Sendable {
    /// Upper bounds of the buckets, seconds.
    public let bounds: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
    /// Per label: observations per bucket (not cumulative; the last slot is above every bound), sum, count.
    private let series = Mutex<[String: (buckets: [Int], sum: Double, count: Int)]>([:])
    /// Records one observation (in place: one lock, no allocation once the label exists).
    public func observe(_ seconds: Double, label: String) {
        let slot = bounds.firstIndex { seconds <= $0 } ?? bounds.count
        let empty = bounds.count + 1
        series.withLock { s in
            s[label, default: (Array(repeating: 0, count: empty), 0, 0)].buckets[slot] += 1
            s[label]?.sum += seconds
            s[label]?.count += 1
        }
    }
    /// Per label: cumulative counts per bound (as Prometheus wants them), sum, count.
    fileprivate var snapshot: [String: (buckets: [Int], sum: Double, count: Int)] {
        series.withLock { $0 }.mapValues { entry in
            var running = 0
            let cumulative = entry.buckets.dropLast().map { running += $0; return running }
            return (cumulative, entry.sum, entry.count)
        }
    }
}

/// Every metric the service exports at /metrics (Prometheus text format 0.0.4).
public final class ServiceMetrics: Sendable {
    /// HTTP requests by route pattern and status.
    public let requests = RequestCounter()
    /// HTTP request durations by route pattern.
    public let latency = Histogram()
    /// Jobs waiting.
    public let queueDepth = Gauge()
    /// Jobs running.
    public let runningJobs = Gauge()
    /// Optimizer steps run.
    public let steps = Counter()
    /// Experiments finished by status.
    public let finished = Counter()
    /// Store write/read failures.
    public let storeErrors = Counter()

    /// Fresh metrics.
    public init() {}

    /// Counts one answered request and observes its duration; `route` is the matched pattern
    /// ("/v1/experiments/:id"), or "unmatched" for a path no route knows (so label counts stay bounded).
    public func recordRequest(route: String, status: Int, seconds: Double) {
        let label = route.isEmpty ? "unmatched" : route
        requests.increment(route: label, status: status)
        latency.observe(seconds, label: label)
    }

    /// The Prometheus text exposition.
    public func render() -> String {
        var out = ""
        out += "# HELP http_requests_total HTTP requests by route and status.\n# TYPE http_requests_total counter\n"
        for (route, status, v) in requests.snapshot {
            out += "http_requests_total{route=\"\(escape(route))\",status=\"\(status)\"} \(fmt(v))\n"
        }
        out += "# HELP http_request_duration_seconds HTTP request latency by route.\n# TYPE http_request_duration_seconds histogram\n"
        for (route, s) in latency.snapshot.sorted(by: { $0.key < $1.key }) {
            let r = escape(route)
            for (i, b) in latency.bounds.enumerated() {
                out += "http_request_duration_seconds_bucket{route=\"\(r)\",le=\"\(fmt(b))\"} \(s.buckets[i])\n"
            }
            out += "http_request_duration_seconds_bucket{route=\"\(r)\",le=\"+Inf\"} \(s.count)\n"
            out += "http_request_duration_seconds_sum{route=\"\(r)\"} \(fmt(s.sum))\n"
            out += "http_request_duration_seconds_count{route=\"\(r)\"} \(s.count)\n"
        }
        out += "# HELP descent_queue_depth Experiments waiting for a worker.\n# TYPE descent_queue_depth gauge\n"
        out += "descent_queue_depth \(fmt(queueDepth.current))\n"
        out += "# HELP descent_running_jobs Experiments running now.\n# TYPE descent_running_jobs gauge\n"
        out += "descent_running_jobs \(fmt(runningJobs.current))\n"
        out += "# HELP descent_steps_total Optimizer steps run.\n# TYPE descent_steps_total counter\n"
        out += "descent_steps_total \(fmt(steps.snapshot[""] ?? 0))\n"
        out += "# HELP descent_experiments_finished_total Experiments finished by status.\n# TYPE descent_experiments_finished_total counter\n"
        for (status, v) in finished.snapshot.sorted(by: { $0.key < $1.key }) {
            out += "descent_experiments_finished_total{status=\"\(status)\"} \(fmt(v))\n"
        }
        out += "# HELP descent_store_errors_total Store failures.\n# TYPE descent_store_errors_total counter\n"
        out += "descent_store_errors_total \(fmt(storeErrors.snapshot[""] ?? 0))\n"
        return out
    }

    private func fmt(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(v)
    }

    private func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }
}
