import DescentCore
import DescentHTTP
import Foundation
import Logging
import Synchronization
import Testing
@testable import DescentService

/// Keeps every log line (message and metadata) for tests to read.
final class CapturedLog: Sendable {
    private let lines = Mutex<[String]>([])
    /// Every line so far, as "level message key=value …".
    var text: String { lines.withLock { $0.joined(separator: "\n") } }
    fileprivate func append(_ line: String) { lines.withLock { $0.append(line) } }
    /// A logger writing here.
    func logger(level: Logger.Level = .warning) -> Logger {
        var logger = Logger(label: "captured") { _ in CapturingLogHandler(log: self) }
        logger.logLevel = level
        return logger
    }
}

private struct CapturingLogHandler: LogHandler {
    let log: CapturedLog
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(event: LogEvent) {
        let fields = (event.metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        log.append(([event.level.rawValue, event.message.description] + fields).joined(separator: " "))
    }
}

private struct DiskOnFire: Error, CustomStringConvertible {
    var description: String { "SQLite error 10: disk I/O error at page 4711" }
}

private func body(_ e: ServiceError) -> String { String(decoding: e.errorBody.render(), as: UTF8.self) }

@Suite struct ErrorMappingTests {
    @Test func serviceErrorsMapToThemselves() {
        let e = ServiceError.mapping(ServiceError.queueFull(retryAfter: 2))
        #expect(e.status == 429)
        #expect(e.code == "queue_full")
        #expect(e.headers["Retry-After"] == "2")
        #expect(body(ServiceError.mapping(ServiceError.notFound("experiment 'x'")))
            == #"{"error":{"code":"not_found","message":"experiment 'x' not found"}}"#)
    }

    @Test func specErrorKeepsItsFineCodeAndField() {
        let e = ServiceError.mapping(SpecError(field: "optimizer.lr", message: "must be in [0, inf)", code: "out_of_range"))
        #expect(e.status == 422)
        #expect(body(e) == #"{"error":{"code":"out_of_range","message":"must be in [0, inf)","field":"optimizer.lr","#
            + #""errors":[{"code":"out_of_range","message":"must be in [0, inf)","field":"optimizer.lr"}]}}"#)
    }

    @Test func specErrorListIsReportedWholeWithTheFirstOnTop() {
        let list = SpecErrors([SpecError(field: "colour", message: "unknown field; allowed: name", code: "unknown_field"),
                               SpecError(field: "steps", message: "must be in [1, inf)", code: "out_of_range")])
        let e = ServiceError.mapping(list)
        #expect(e.status == 422)
        #expect(e.code == "unknown_field")
        #expect(e.field == "colour")
        #expect(e.specErrors.map(\.code) == ["unknown_field", "out_of_range"])
        #expect(body(e).contains(#""errors":[{"code":"unknown_field","message":"unknown field; allowed: name","field":"colour"},{"code":"out_of_range""#))
    }

    @Test func malformedJSONFromTheParserIs400BadJSON() {
        let e = ServiceError.mapping(SpecError(field: "", message: "unexpected character at byte 3", code: "invalid_json"))
        #expect(e.status == 400)
        #expect(e.code == "bad_json")
        #expect(e.message == "request body is not valid JSON: unexpected character at byte 3")
    }

    @Test func anyOtherErrorIs500WithoutDetailsInTheBody() {
        let e = ServiceError.mapping(DiskOnFire())
        #expect(e.status == 500)
        #expect(body(e) == #"{"error":{"code":"internal","message":"internal server error"}}"#)
        #expect(e.internalDetail?.contains("disk I/O error") == true)
        let wrapped = ServiceError.mapping(ServiceError.store(DiskOnFire()))
        #expect(wrapped.status == 500)
        #expect(!body(wrapped).contains("disk"))
    }

    @Test func numberTooLargeForADoubleIsNamedAsNotFinite() async throws {
        let h = try ServiceHarness(start: false)
        let r = try await h.request(.post, "/v1/experiments",
                                    json: #"{"objective":{"type":"saddle"},"optimizer":{"type":"sgd","lr":1e400},"steps":10}"#)
        #expect(r.status == 422)
        let error = try #require(h.object(r.body)["error"] as? [String: Any])
        #expect(error["field"] as? String == "optimizer.lr")
        #expect(error["code"] as? String == "out_of_range")
        #expect(error["message"] as? String == "must be a finite number")
        #expect(!r.body.contains("DecodingError"))
    }

    @Test func everySpecErrorIsReportedAtOnceWithFineCodes() async throws {
        let h = try ServiceHarness(start: false)
        let bad = #"{"colour":"red","objective":{"type":"saddle"},"optimizer":{"type":"adam","lr":-1,"betas":[0.9,2]},"steps":0}"#
        let r = try await h.request(.post, "/v1/experiments", json: bad)
        #expect(r.status == 422)
        let error = try #require(h.object(r.body)["error"] as? [String: Any])
        let list = try #require(error["errors"] as? [[String: Any]])
        let found = list.map { "\($0["field"] as? String ?? "") \($0["code"] as? String ?? "")" }
        #expect(found == ["colour unknown_field", "optimizer.lr out_of_range", "optimizer.betas[1] out_of_range", "steps out_of_range"])
        #expect(error["field"] as? String == "colour")
        #expect(error["code"] as? String == "unknown_field")
    }

    @Test func checkPrefixesEveryFieldPath() throws {
        let h = try ServiceHarness(start: false)
        let handlers = ExperimentHandlers(runner: h.runner)
        let value = try SpecValue(parsingJSON: Array(#"{"objective":{"type":"saddle"},"optimizer":{"type":"sgd","lr":-1},"steps":0}"#.utf8))
        let error = #expect(throws: ServiceError.self) { try handlers.check(value, prefix: "items[17]") }
        #expect(error?.specErrors.map(\.field) == ["items[17].optimizer.lr", "items[17].steps"])
    }

    @Test func specErrorsAreCappedAtTheLimit() throws {
        let many = (0..<30).map { "\"x\($0)\":1" }.joined(separator: ",")
        let value = try SpecValue(parsingJSON: Array("{\(many),\"objective\":{\"type\":\"saddle\"},\"optimizer\":{\"type\":\"sgd\"}}".utf8))
        let error = #expect(throws: SpecErrors.self) { try ExperimentSpec.check(value) }
        #expect(error?.errors.count == ExperimentSpec.defaultMaxErrors)
    }

    @Test func metricsCountA404A422AndA500() async throws {
        let log = CapturedLog()
        let h = try ServiceHarness(start: false, logger: log.logger())
        #expect(try await h.request(.get, "/v1/experiments/exp_0000000000000000").status == 404)
        #expect(try await h.request(.post, "/v1/experiments", json: #"{"objective":{"type":"nope"}}"#).status == 422)
        #expect(try await h.request(.get, "/v1/no/such/route").status == 404)
        try h.runner.store.close()
        #expect(try await h.request(.get, "/v1/experiments/exp_0000000000000001").status == 500)
        let text = h.runner.metrics.render()
        #expect(text.contains(#"http_requests_total{route="/v1/experiments/:id",status="404"} 1"#))
        #expect(text.contains(#"http_requests_total{route="/v1/experiments",status="422"} 1"#))
        #expect(text.contains(#"http_requests_total{route="/v1/experiments/:id",status="500"} 1"#))
        #expect(text.contains(#"http_requests_total{route="unmatched",status="404"} 1"#))
    }

    @Test func detailsOfA500AreLoggedWithTheRequestIDAndNotSent() async throws {
        let log = CapturedLog()
        let h = try ServiceHarness(start: false, logger: log.logger())
        try h.runner.store.close()
        let r = try await h.request(.get, "/v1/experiments/exp_0000000000000001", headers: [("X-Request-Id", "req-500-test")])
        #expect(r.status == 500)
        #expect(r.body == #"{"error":{"code":"internal","message":"internal server error"}}"#)
        #expect(r.headers["X-Request-Id"] == "req-500-test")
        let line = try #require(log.text.split(separator: "\n").first { $0.contains("request_id=req-500-test") })
        #expect(line.hasPrefix("error request failed"))
        #expect(line.contains("error=DatabaseError"))  // the store's own error, named in the log only
        #expect(!r.body.contains("Database"))
    }
}
