import DescentTestSupport
import DescentCore
import DescentHTTP
import Foundation
import Logging
import Testing
@testable import DescentService

/// The real router over a real SQLite store in a temp folder, driven in-process.
final class ServiceHarness: @unchecked Sendable {
    let folder: String
    let runner: ExperimentRunner
    let handler: HTTPHandler

    init(workers: Int = 2, queueCapacity: Int = 64, authToken: String? = nil, start: Bool = true, folder: String? = nil,
         logger: Logger? = nil, limits: SpecLimits = SpecLimits()) throws {
        self.folder = folder ?? NSTemporaryDirectory() + "descent-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: self.folder, withIntermediateDirectories: true)
        let store = try SQLiteStore(path: self.folder + "/descent.sqlite")
        runner = ExperimentRunner(store: store, workers: workers, queueCapacity: queueCapacity, limits: limits,
                                  metrics: ServiceMetrics(), logger: Logger(label: "test"))
        var quiet = Logger(label: "test")
        quiet.logLevel = .warning  // no access-log line per request in test output
        handler = ServiceAPI(runner: runner, authToken: authToken, logger: logger ?? quiet).makeRouter().makeHandler()
        if start { try runner.start() }
    }

    func stop() { runner.stop(timeout: .seconds(5)) }

    deinit { runner.stop(timeout: .seconds(5)) }

    func request(_ method: HTTPMethod, _ target: String, json: String? = nil, headers: [(String, String)] = []) async throws -> (status: Int, headers: HTTPHeaders, body: String) {
        var h = HTTPHeaders(headers)
        if json != nil && h["Content-Type"] == nil { h["Content-Type"] = "application/json" }
        let response = try await handler(HTTPRequest(method: method, target: target, headers: h, body: Array((json ?? "").utf8)))
        switch response.body {
        case .bytes(let b): return (response.status, response.headers, String(decoding: b, as: UTF8.self))
        case .stream(let producer):
            let sink = CollectingBodySink()
            try await producer(HTTPBodyWriter(sink: sink))
            return (response.status, response.headers, String(decoding: sink.bytes, as: UTF8.self))
        }
    }

    /// Parses a JSON object body.
    func object(_ body: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
    }

    /// Submits an experiment spec and returns the new experiment's id.
    func created(_ spec: String) async throws -> String {
        let r = try await request(.post, "/v1/experiments", json: spec)
        return try #require(object(r.body)["id"] as? String)
    }

    /// The `code` and `field` of an error body.
    func errorFields(_ body: String) -> (code: String?, field: String?) {
        let e = object(body)["error"] as? [String: Any]
        return (e?["code"] as? String, e?["field"] as? String)
    }

    /// Polls until the experiment is final and returns its JSON; throws when `timeout` seconds pass first.
    func waitFinal(_ id: String, timeout: Double = 30) async throws -> [String: Any] {
        var last: [String: Any] = [:]
        try await waitUntil("experiment \(id) is final", timeout: timeout) {
            last = object(try await request(.get, "/v1/experiments/\(id)").body)
            return (last["status"] as? String).map { !["queued", "running"].contains($0) } ?? false
        }
        return last
    }

    /// Creates a study by posting `json` to `target` (202 expected), polls until its search has finished and returns the
    /// study's JSON; throws when `timeout` seconds pass first.
    func runStudyToEnd(_ json: String?, at target: String = "/v1/studies", timeout: Double = 60,
                       poll: Duration = .milliseconds(10)) async throws -> [String: Any] {
        let r = try await request(.post, target, json: json)
        #expect(r.status == 202, "\(r.body)")
        let id = try #require(object(r.body)["id"] as? String)
        var study: [String: Any] = [:]
        try await waitUntil("study \(id) finishes", timeout: timeout, poll: poll) {
            study = object(try await request(.get, "/v1/studies/\(id)").body)
            return (study["search"] as? [String: Any])?["state"] as? String == "finished"
        }
        return study
    }

    /// Polls until a worker has claimed the experiment (status running); throws when `timeout` seconds pass first.
    func waitUntilRunning(_ id: String, timeout: Double = 30) async throws {
        try await waitUntil("experiment \(id) is running", timeout: timeout) { try runner.store.experiment(id)?.status == .running }
    }
}


let saddleSpec = #"{"name":"saddle","tags":["t1"],"objective":{"type":"saddle"},"optimizer":{"type":"sgd","lr":0.1},"start":[0.01,0.02],"steps":300}"#
