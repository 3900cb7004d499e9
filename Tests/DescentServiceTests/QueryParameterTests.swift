import DescentHTTP
import Foundation
import Logging
import Testing
@testable import DescentService

/// Every route rejects query parameters it does not take with a 400 that names them.
@Suite struct QueryParameterTests {
    /// Every declared route of the service, with a concrete target for its pattern.
    static func routes() throws -> [(RouteTable.Declaration, String)] {
        let h = try ServiceHarness(start: false)
        let table = ServiceAPI(runner: h.runner, authToken: nil, logger: Logger(label: "test")).makeRoutes()
        return table.declarations.map { d in
            let target = d.pattern.replacingOccurrences(of: ":id", with: "exp_0000000000000001")
                .replacingOccurrences(of: ":name", with: "saddle-escape")
            return (d, target)
        }
    }

    @Test func everyRouteRejectsAnUnknownQueryParameterNamingIt() async throws {
        let h = try ServiceHarness(start: false)
        let routes = try Self.routes()
        #expect(routes.count >= 20)
        for (route, target) in routes {
            let r = try await h.request(route.method, target + "?bogus_param=1", json: route.method == .get || route.method == .delete ? nil : "{}")
            let error = h.object(r.body)["error"] as? [String: Any]
            #expect(r.status == 400, "\(route.method) \(route.pattern)")
            #expect(error?["code"] as? String == "unknown_query_parameter" && error?["field"] as? String == "bogus_param",
                    "\(route.method) \(route.pattern)")
        }
    }

    @Test func misspeltMaxPointsOnTrajectoryIsA400ListingTheAcceptedOnes() async throws {
        let h = try ServiceHarness(start: false)
        let r = try await h.request(.get, "/v1/experiments/exp_0000000000000001/trajectory?maxpoints=10")
        let error = try #require(h.object(r.body)["error"] as? [String: Any])
        #expect(r.status == 400)
        #expect(error["message"] as? String == "unknown query parameter 'maxpoints'; allowed: from, to, fields, every, max_points, shape")
    }

    @Test func formatCsvIsRejectedWhereNotAccepted() async throws {
        let h = try ServiceHarness(start: false)
        let r = try await h.request(.get, "/v1/experiments?format=csv&limit=5&sort=created_at&x=1&format=json")
        let error = try #require(h.object(r.body)["error"] as? [String: Any])
        #expect(r.status == 400 && error["field"] as? String == "format")
        #expect((error["message"] as? String)?.hasPrefix("unknown query parameters 'format', 'x'; allowed: status, tag,") == true)
    }

    @Test func routeWithoutQueryParametersSaysItTakesNone() async throws {
        let h = try ServiceHarness(start: false)
        let r = try await h.request(.get, "/healthz?verbose")
        let error = try #require(h.object(r.body)["error"] as? [String: Any])
        #expect(r.status == 400 && error["message"] as? String == "unknown query parameter 'verbose'; this route takes none")
    }

    @Test func acceptedQueryParametersStillWork() async throws {
        let h = try ServiceHarness(start: false)
        #expect(try await h.request(.get, "/v1/experiments?limit=5&sort=created_at&status=queued").status == 200)
        #expect(try await h.request(.get, "/v1/catalog").status == 200)
    }
}
