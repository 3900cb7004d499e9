#if canImport(Glibc)
import Glibc
#endif
import DescentHTTP
import Foundation
import Logging

// A minimal DescentHTTP server with the benchmark routes: GET /healthz and POST /echo.
var config = ServerConfiguration()
config.host = "127.0.0.1"
config.port = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 8091
config.maxConnections = 20_000
config.limits.maxBodyBytes = 1 << 20
// Event loops: DESCENT_EVENT_LOOPS as for `descent serve` (default 0: one per two cores, at least one).
config.eventLoops = Int(ProcessInfo.processInfo.environment["DESCENT_EVENT_LOOPS"] ?? "") ?? 0
var router = Router()
let healthBody = Array(#"{"status":"ok"}"#.utf8)
router.onSynchronous(.get, "/healthz") { _ in .json(healthBody) }
router.onSynchronous(.post, "/echo") { request in .json(request.body) }
LoggingSystem.bootstrap { _ in SwiftLogNoOpLogHandler() }
let server = HTTPServer(configuration: config, responder: router.makeResponder(), logger: Logger(label: "bench"))
let port = try server.start()
print("descent-http-bench listening on http://127.0.0.1:\(port)")
// The main thread only waits: a synchronous top level (no async main, which hands the main thread to
// Dispatch) also lets the binary run under valgrind for instruction counts.
while true { pause() }
