import DescentHTTP

/// The browser dashboard at `/` (HTML, JS and CSS compiled into the binary) and the SVG plot routes.
public enum Dashboard {
    /// Adds the dashboard page, its assets and the `plot.svg` routes to `router`. The page and assets are
    /// synchronous routes answering with responses built once; the plots are drawn on `computePool`.
    static func register(on router: inout RouteTable, runner: ExperimentRunner, computePool: BlockingPool) {
        let plots = PlotHandlers(store: runner.store, limits: runner.limits)
        let page = asset(DashboardPage.html, "text/html; charset=utf-8")
        router.onSynchronous(.get, "/") { _ in page }
        router.onSynchronous(.get, "/index.html") { _ in page }
        for (file, source) in DashboardScripts.all {
            let script = asset(source, "text/javascript; charset=utf-8")
            router.onSynchronous(.get, "/assets/" + file) { _ in script }
        }
        let style = asset(DashboardStyle.source, "text/css; charset=utf-8")
        router.onSynchronous(.get, "/assets/app.css") { _ in style }
        router.on(.get, "/v1/experiments/:id/plot.svg", query: ["kind", "log"], computePool.handler(plots.experiment))
        router.on(.get, "/v1/studies/:id/plot.svg", query: ["log"], computePool.handler(plots.study))
        router.on(.get, "/v1/studies/:id/leaderboard.svg", query: ["problem", "log"],
                  computePool.handler(ComparisonPlot(store: runner.store).svg))
    }

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
