import DescentHTTP

/// The browser dashboard at `/` (HTML, JS and CSS compiled into the binary) and the SVG plot routes.
public enum Dashboard {
    /// Adds the dashboard page, its assets and the `plot.svg` routes to `router`.
    static func register(on router: inout RouteTable, runner: ExperimentRunner) {
        let plots = PlotHandlers(store: runner.store, limits: runner.limits)
        router.on(.get, "/") { _ in asset(DashboardPage.html, "text/html; charset=utf-8") }
        router.on(.get, "/index.html") { _ in asset(DashboardPage.html, "text/html; charset=utf-8") }
        for (file, source) in DashboardScripts.all {
            router.on(.get, "/assets/" + file) { _ in asset(source, "text/javascript; charset=utf-8") }
        }
        router.on(.get, "/assets/app.css") { _ in asset(DashboardStyle.source, "text/css; charset=utf-8") }
        router.on(.get, "/v1/experiments/:id/plot.svg", query: ["kind", "log"], ServiceAPI.computePool.handler(plots.experiment))
        router.on(.get, "/v1/studies/:id/plot.svg", query: ["log"], ServiceAPI.computePool.handler(plots.study))
        router.on(.get, "/v1/studies/:id/leaderboard.svg", query: ["problem", "log"],
                  ServiceAPI.computePool.handler(ComparisonPlot(store: runner.store).svg))
    }

    /// The paths of the page and its assets: static text, answered without blocking.
    static let staticPaths: [String] =
        ["/", "/index.html", "/assets/app.css"] + DashboardScripts.all.map { "/assets/" + $0.file }

    /// Content-Security-Policy of the dashboard: nothing is loaded from anywhere but this server.
    static let contentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'"

    /// A static asset response; revalidated on every load so a new binary's assets are picked up.
    static func asset(_ text: String, _ contentType: String) -> HTTPResponse {
        var r = HTTPResponse.text(text, contentType: contentType)
        r.headers["Cache-Control"] = "no-cache"
        r.headers["X-Content-Type-Options"] = "nosniff"
        r.headers["Content-Security-Policy"] = contentSecurityPolicy
        return r
    }
}
