import DescentHTTP
import Logging

// A minimal DescentHTTP server with the benchmark routes: GET /healthz and POST /echo.
var config = ServerConfiguration()
config.host = "127.0.0.1"
config.port = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 8091
config.maxConnections = 20_000
config.limits.maxBodyBytes = 1 << 20
var router = Router()
let healthBody = Array(#"{"status":"ok"}"#.utf8)
router.on(.get, "/healthz") { _ in .json(healthBody) }
router.on(.post, "/echo") { request in .json(request.body) }
LoggingSystem.bootstrap { _ in SwiftLogNoOpLogHandler() }
let server = HTTPServer(configuration: config, handler: router.makeHandler(), logger: Logger(label: "bench"))
let port = try server.start()
print("descent-http-bench listening on http://127.0.0.1:\(port)")
while true { try await Task.sleep(for: .seconds(3600)) }
