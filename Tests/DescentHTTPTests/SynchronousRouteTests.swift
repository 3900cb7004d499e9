#if canImport(Glibc)
import Glibc
#endif
import Logging
import Testing
@testable import DescentHTTP

/// Routes added with `onSynchronous`: answered by the responder at once (no task), with the same
/// middleware and error mapping as asynchronous routes; over the wire, in request order.
@Suite(.serialized) struct SynchronousRouteTests {
    struct Teapot: HTTPResponseError {
        var status: Int { 418 }
        var errorBody: HTTPErrorBody { HTTPErrorBody(code: "teapot", message: "short and stout") }
    }
    struct Hidden: Error {}

    /// Adds `X-Route` (the matched pattern) and `X-Seen` (a request header the middleware set) to every
    /// response, in both of its forms.
    struct Stamp: HTTPSynchronousMiddleware {
        func handle(_ request: HTTPRequest, next: HTTPHandler) async throws -> HTTPResponse {
            try stamp(await next(marked(request)), request)
        }
        func handleSynchronously(_ request: HTTPRequest, next: HTTPSynchronousHandler) throws -> HTTPResponse {
            try stamp(next(marked(request)), request)
        }
        private func marked(_ request: HTTPRequest) -> HTTPRequest {
            var request = request
            request.headers["X-Mark"] = "stamped"
            return request
        }
        private func stamp(_ response: HTTPResponse, _ request: HTTPRequest) -> HTTPResponse {
            var response = response
            response.headers["X-Route"] = request.route
            return response
        }
    }

    /// Asynchronous only: a synchronous route behind it must still pass through it.
    struct AsyncOnly: HTTPMiddleware {
        func handle(_ request: HTTPRequest, next: HTTPHandler) async throws -> HTTPResponse {
            var response = try await next(request)
            response.headers["X-Async-Only"] = "yes"
            return response
        }
    }

    /// Whether the caller runs inside a Swift task.
    static func inTask() -> String { withUnsafeCurrentTask { $0 == nil ? "no" : "yes" } }

    /// Every route twice, once synchronous and once asynchronous, with the same answers.
    func router(_ middleware: [any HTTPMiddleware] = [Stamp(), RequestIDMiddleware()]) -> Router {
        var r = Router()
        r.onSynchronous(.get, "/sync/:id") { req in
            var response = HTTPResponse.text("item \(req.pathParameters["id"] ?? "-") \(req.headers["X-Mark"] ?? "unmarked")")
            response.headers["X-In-Task"] = Self.inTask()
            return response
        }
        r.on(.get, "/async/:id") { req in
            var response = HTTPResponse.text("item \(req.pathParameters["id"] ?? "-") \(req.headers["X-Mark"] ?? "unmarked")")
            response.headers["X-In-Task"] = Self.inTask()
            return response
        }
        r.on(.get, "/suspend/:id") { req in
            try await Task.sleep(for: .milliseconds(30))
            return .text("item \(req.pathParameters["id"] ?? "-") slept")
        }
        r.onSynchronous(.post, "/sync/echo") { req in HTTPResponse(status: 200, headers: ["Content-Type": "application/octet-stream"], body: .bytes(req.body)) }
        r.onSynchronous(.get, "/sync-teapot") { _ in throw Teapot() }
        r.onSynchronous(.get, "/sync-hidden") { _ in throw Hidden() }
        r.on(.get, "/async-hidden") { _ in throw Hidden() }
        for m in middleware { r.use(m) }
        return r
    }

    func text(_ response: HTTPResponse) -> String {
        guard case .bytes(let b) = response.body else { return "<stream>" }
        return String(decoding: b, as: UTF8.self)
    }

    /// The response when the responder answers at once; nil when it defers.
    func immediate(_ responder: HTTPResponder, _ request: HTTPRequest) -> HTTPResponse? {
        if case .response(let response) = responder.answer(request) { return response }
        return nil
    }

    // MARK: - The responder, in-process

    @Test func synchronousRouteIsAnsweredAtOnce() throws {
        // Called from this test's task, so no X-In-Task check here: the wire test below checks it on a loop.
        let response = try #require(immediate(router().makeResponder(), HTTPRequest(method: .get, target: "/sync/7")))
        #expect(response.status == 200)
        #expect(text(response) == "item 7 stamped")
    }

    @Test func asynchronousRouteIsDeferredWithTheRoutedRequest() async throws {
        let responder = router().makeResponder()
        guard case .deferred(let routed, let handler) = responder.answer(HTTPRequest(method: .get, target: "/async/7")) else {
            Issue.record("an asynchronous route was answered at once")
            return
        }
        #expect(routed.route == "/async/:id" && routed.pathParameters["id"] == "7")
        let response = try await handler(routed)
        #expect(text(response) == "item 7 stamped")
        #expect(response.headers["X-In-Task"] == "yes")
    }

    @Test func middlewareAppliesIdenticallyToSynchronousAndAsynchronousRoutes() async throws {
        let handler = router().makeHandler()
        let sync = try await handler(HTTPRequest(method: .get, target: "/sync/1", headers: ["X-Request-Id": "r-1"]))
        let async = try await handler(HTTPRequest(method: .get, target: "/async/1", headers: ["X-Request-Id": "r-1"]))
        #expect(text(sync) == text(async))
        #expect(sync.headers["X-Request-Id"] == "r-1" && async.headers["X-Request-Id"] == "r-1")
        #expect(sync.headers["X-Route"] == "/sync/:id" && async.headers["X-Route"] == "/async/:id")
        // Same header names in the same order, the middleware's among them.
        #expect(sync.headers.map(\.0) == async.headers.map(\.0))
    }

    @Test func errorFromASynchronousHandlerIsA500JSONBodyLikeAnAsynchronousOne() async throws {
        let responder = router().makeResponder()
        let sync = try #require(immediate(responder, HTTPRequest(method: .get, target: "/sync-hidden")))
        let async = await responder.respond(to: HTTPRequest(method: .get, target: "/async-hidden"))
        #expect(sync.status == 500 && async.status == 500)
        #expect(text(sync) == #"{"error":{"code":"internal","message":"internal server error"}}"#)
        #expect(text(sync) == text(async))
        #expect(sync.headers["Content-Type"] == "application/json")
    }

    @Test func responseErrorFromASynchronousHandlerKeepsItsStatusAndBody() throws {
        let response = try #require(immediate(router().makeResponder(), HTTPRequest(method: .get, target: "/sync-teapot")))
        #expect(response.status == 418)
        #expect(text(response) == #"{"error":{"code":"teapot","message":"short and stout"}}"#)
    }

    @Test func unknownPathAndWrongMethodAreAnsweredAtOnceThroughTheMiddleware() throws {
        let responder = router().makeResponder()
        let missing = try #require(immediate(responder, HTTPRequest(method: .get, target: "/nothing")))
        #expect(missing.status == 404 && missing.headers["X-Route"] == "")
        let wrong = try #require(immediate(responder, HTTPRequest(method: .delete, target: "/sync/1")))
        #expect(wrong.status == 405 && wrong.headers["Allow"] == "GET, HEAD" && wrong.headers["X-Route"] == "/sync/:id")
        #expect(wrong.headers["X-Request-Id"]?.isEmpty == false)
    }

    @Test func headIsServedByASynchronousGetRoute() throws {
        let response = try #require(immediate(router().makeResponder(), HTTPRequest(method: .head, target: "/sync/3")))
        #expect(response.status == 200 && text(response) == "item 3 stamped")
    }

    @Test func synchronousRouteBehindAsynchronousMiddlewareRunsInATaskThroughIt() async throws {
        let responder = router([Stamp(), AsyncOnly()]).makeResponder()
        let request = HTTPRequest(method: .get, target: "/sync/5")
        guard case .deferred = responder.answer(request) else {
            Issue.record("answered at once although a middleware cannot run synchronously")
            return
        }
        let response = await responder.respond(to: request)
        #expect(text(response) == "item 5 stamped")
        #expect(response.headers["X-Async-Only"] == "yes" && response.headers["X-Route"] == "/sync/:id")
        #expect(response.headers["X-In-Task"] == "yes")
    }

    // MARK: - Over the wire

    func withResponderServer(_ router: Router, _ body: (Int) async throws -> Void) async throws {
        var config = ServerConfiguration()
        config.port = 0
        let server = HTTPServer(configuration: config, responder: router.makeResponder(), logger: Logger(label: "test"))
        let port = try server.start()
        do { try await body(port) } catch {
            await server.shutdown(gracePeriod: .seconds(1))
            throw error
        }
        await server.shutdown(gracePeriod: .seconds(1))
    }

    @Test func pipelinedSynchronousAndSuspendingRequestsAreAnsweredInOrder() async throws {
        try await withResponderServer(router()) { port in
            let c = try RawClient(port: port)
            // Synchronous answers must wait behind a handler that suspends, and vice versa.
            let paths = (0..<12).map { i in i % 3 == 1 ? "/suspend/\(i)" : i % 3 == 2 ? "/async/\(i)" : "/sync/\(i)" }
            c.send(paths.map { "GET \($0) HTTP/1.1\r\nHost: x\r\n\r\n" }.joined())
            let reply = await c.read(until: { $0.responseCount == 12 && $0.contains("item 11 ") })
            #expect(reply.text.responseCount == 12)
            let order = (0..<12).compactMap { reply.text.range(of: "item \($0) ")?.lowerBound }
            #expect(order.count == 12 && order == order.sorted())
            #expect(!reply.closed)
        }
    }

    @Test func synchronousRouteOverTheWireRunsOnTheLoopWithMiddlewareAndKeepsTheConnection() async throws {
        try await withResponderServer(router()) { port in
            let c = try RawClient(port: port)
            c.send("GET /sync/1 HTTP/1.1\r\nHost: x\r\nX-Request-Id: wire-1\r\n\r\n")
            let first = await c.read(until: { $0.hasSuffix("item 1 stamped") })
            #expect(first.text.hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(first.text.contains("X-Request-Id: wire-1\r\n"))
            #expect(first.text.contains("X-Route: /sync/:id\r\n"))
            #expect(first.text.contains("X-In-Task: no\r\n"))
            #expect(first.text.contains("Content-Length: 14\r\n"))
            c.send("POST /sync/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello")
            let echo = await c.read(until: { $0.hasSuffix("hello") })
            #expect(echo.text.hasPrefix("HTTP/1.1 200 OK\r\n") && echo.text.contains("Content-Length: 5\r\n"))
            #expect(!echo.closed)
        }
    }

    @Test func errorFromASynchronousHandlerOverTheWireIs500AndTheConnectionStaysOpen() async throws {
        try await withResponderServer(router()) { port in
            let c = try RawClient(port: port)
            c.send("GET /sync-hidden HTTP/1.1\r\nHost: x\r\n\r\n")
            let failed = await c.read(until: { $0.hasSuffix("}}") })
            #expect(failed.text.hasPrefix("HTTP/1.1 500 Internal Server Error\r\n"))
            #expect(failed.text.hasSuffix("\r\n\r\n" + #"{"error":{"code":"internal","message":"internal server error"}}"#))
            #expect(failed.text.contains("Content-Type: application/json\r\n"))
            c.send("GET /sync/2 HTTP/1.1\r\nHost: x\r\n\r\n")
            let next = await c.read(until: { $0.hasSuffix("item 2 stamped") })
            #expect(next.text.hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(!next.closed)
        }
    }

    @Test func headOnASynchronousRouteOverTheWireSendsTheHeadOnly() async throws {
        try await withResponderServer(router()) { port in
            let c = try RawClient(port: port)
            c.send("HEAD /sync/4 HTTP/1.1\r\nHost: x\r\n\r\nGET /sync/5 HTTP/1.1\r\nHost: x\r\n\r\n")
            let reply = await c.read(until: { $0.responseCount == 2 && $0.hasSuffix("item 5 stamped") })
            let parts = reply.text.components(separatedBy: "HTTP/1.1 200 OK")
            #expect(parts.count == 3)
            #expect(parts[1].contains("Content-Length: 14\r\n") && parts[1].hasSuffix("\r\n\r\n"))
        }
    }
}
