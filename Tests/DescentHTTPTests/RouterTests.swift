import Testing
@testable import DescentHTTP

/// Router, middleware and error mapping, called in-process (no sockets).
@Suite struct RouterTests {
    struct Teapot: HTTPResponseError {
        var status: Int { 418 }
        var headers: HTTPHeaders { ["Retry-After": "7"] }
        var errorBody: HTTPErrorBody { HTTPErrorBody(code: "teapot", message: "short and stout", field: "spout") }
    }
    struct Hidden: Error {}

    func router() -> HTTPHandler {
        var r = Router()
        r.on(.get, "/v1/experiments/:id/trajectory") { req in .text("id=\(req.pathParameters["id"] ?? "-")") }
        r.on(.post, "/v1/experiments") { _ in .text("created", status: 201) }
        r.on(.get, "/teapot") { _ in throw Teapot() }
        r.on(.get, "/hidden") { _ in throw Hidden() }
        r.use(RequestIDMiddleware())
        return r.makeHandler()
    }

    func text(_ response: HTTPResponse) -> String {
        guard case .bytes(let b) = response.body else { return "<stream>" }
        return String(decoding: b, as: UTF8.self)
    }

    @Test func requestTargetSplitsIntoDecodedPathAndQuery() {
        let origin = HTTPRequest(method: .get, target: "/a%20b/c?x=1&y=http://host/p")
        #expect(origin.path == "/a b/c" && origin.query["x"] == "1" && origin.query["y"] == "http://host/p")
        let absolute = HTTPRequest(method: .get, target: "HTTP://example.com:8080/x/y?q=z")
        #expect(absolute.path == "/x/y" && absolute.query["q"] == "z")
        #expect(HTTPRequest(method: .get, target: "http://example.com").path == "/")
        #expect(HTTPRequest(method: .get, target: "http://example.com?q=1").path == "/")
        #expect(HTTPRequest(method: .get, target: "/plain").path == "/plain")
    }

    @Test func capturesPathParameters() async throws {
        let response = try await router()(HTTPRequest(method: .get, target: "/v1/experiments/abc/trajectory?x=1"))
        #expect(response.status == 200)
        #expect(text(response) == "id=abc")
    }

    @Test func emptySegmentsAreSkippedAndAWildcardTakesTheRest() async throws {
        var r = Router()
        r.on(.get, "/files/*") { req in .text("rest=\(req.pathParameters["*"] ?? "-")") }
        r.on(.get, "/a/:x/b") { req in .text("x=\(req.pathParameters["x"] ?? "-")") }
        let handler = r.makeHandler()
        #expect(text(try await handler(HTTPRequest(method: .get, target: "/files//one/two/"))) == "rest=one/two")
        #expect(text(try await handler(HTTPRequest(method: .get, target: "/files"))) == "rest=")
        #expect(text(try await handler(HTTPRequest(method: .get, target: "//a/7//b/"))) == "x=7")
        #expect(try await handler(HTTPRequest(method: .get, target: "/a/7/b/c")).status == 404)
        #expect(try await handler(HTTPRequest(method: .get, target: "/a/7")).status == 404)
    }

    @Test func headIsServedByGetRoute() async throws {
        let response = try await router()(HTTPRequest(method: .head, target: "/v1/experiments/7/trajectory"))
        #expect(response.status == 200)
    }

    @Test func unknownPathIs404WithJSONError() async throws {
        let response = try await router()(HTTPRequest(method: .get, target: "/v1/nothing"))
        #expect(response.status == 404)
        #expect(text(response).hasPrefix("{\"error\":{\"code\":\"not_found\""))
    }

    @Test func wrongMethodIs405WithAllow() async throws {
        let response = try await router()(HTTPRequest(method: .delete, target: "/v1/experiments"))
        #expect(response.status == 405)
        #expect(response.headers["Allow"] == "POST")
        #expect(text(response).contains("\"code\":\"method_not_allowed\""))
    }

    @Test func responseErrorKeepsItsStatusHeadersAndBody() async throws {
        let response = try await router()(HTTPRequest(method: .get, target: "/teapot"))
        #expect(response.status == 418)
        #expect(response.headers["retry-after"] == "7")
        #expect(text(response) == #"{"error":{"code":"teapot","message":"short and stout","field":"spout"}}"#)
    }

    @Test func errorBodyListsEveryProblemAfterTheFirst() {
        let body = HTTPErrorBody(listing: [HTTPErrorDetail(code: "a", message: "m1", field: "x"), HTTPErrorDetail(code: "b", message: "m2")])
        #expect(String(decoding: body.render(), as: UTF8.self)
            == #"{"error":{"code":"a","message":"m1","field":"x","errors":[{"code":"a","message":"m1","field":"x"},{"code":"b","message":"m2"}]}}"#)
    }

    @Test func middlewareSeesTheMatchedRoutePattern() async throws {
        struct Echo: HTTPMiddleware {
            func handle(_ request: HTTPRequest, next: HTTPHandler) async throws -> HTTPResponse {
                var response = try await next(request)
                response.headers["X-Route"] = request.route
                return response
            }
        }
        var r = Router()
        r.on(.get, "/v1/experiments/:id") { _ in .text("ok") }
        r.use(Echo())
        let handler = r.makeHandler()
        #expect(try await handler(HTTPRequest(method: .get, target: "/v1/experiments/e1")).headers["X-Route"] == "/v1/experiments/:id")
        let missing = try await handler(HTTPRequest(method: .get, target: "/v2/x"))
        #expect(missing.status == 404)
        #expect(missing.headers["X-Route"] == "")
        let wrong = try await handler(HTTPRequest(method: .post, target: "/v1/experiments/e1"))
        #expect(wrong.status == 405)
        #expect(wrong.headers["X-Route"] == "/v1/experiments/:id")
    }

    @Test func otherErrorsBecomeBare500() async throws {
        let response = try await router()(HTTPRequest(method: .get, target: "/hidden"))
        #expect(response.status == 500)
        #expect(text(response) == #"{"error":{"code":"internal","message":"internal server error"}}"#)
    }

    @Test func requestIDIsPassedThroughAndEchoed() async throws {
        let response = try await router()(
            HTTPRequest(method: .post, target: "/v1/experiments", headers: ["X-Request-Id": "abc-123"]))
        #expect(response.headers["X-Request-Id"] == "abc-123")
    }

    @Test func requestIDIsGeneratedWhenAbsent() async throws {
        let a = try await router()(HTTPRequest(method: .post, target: "/v1/experiments"))
        let b = try await router()(HTTPRequest(method: .post, target: "/v1/experiments"))
        let idA = a.headers["X-Request-Id"] ?? "", idB = b.headers["X-Request-Id"] ?? ""
        #expect(idA.count == 36)
        #expect(idA != idB)
    }

    @Test func generatedIDsLookLikeVersion4UUIDsAndDoNotRepeat() {
        var seen = Set<String>()
        for _ in 0..<10_000 {
            let id = RequestIDGenerator.next()
            let parts = id.split(separator: "-").map(\.count)
            #expect(parts == [8, 4, 4, 4, 12])
            #expect(id.dropFirst(14).first == "4")
            #expect("89ab".contains(id.dropFirst(19).first ?? "x"))
            #expect(id == id.lowercased())
            seen.insert(id)
        }
        #expect(seen.count == 10_000)
    }
}
