import DescentHTTP

/// The browser dashboard at `/` (HTML, JS and CSS compiled into the binary) and the SVG plot routes.
public enum Dashboard {
    /// Adds the dashboard page, its assets and the `plot.svg` routes to `router`.
    public static func register(on router: inout Router, runner: ExperimentRunner) {
        let plots = PlotHandlers(store: runner.store, limits: runner.limits)
        router.on(.get, "/") { _ in asset(DashboardPage.html, "text/html; charset=utf-8") }
        router.on(.get, "/index.html") { _ in asset(DashboardPage.html, "text/html; charset=utf-8") }
        router.on(.get, "/assets/app.js") { _ in asset(DashboardScript.source, "text/javascript; charset=utf-8") }
        router.on(.get, "/assets/app.css") { _ in asset(DashboardStyle.source, "text/css; charset=utf-8") }
        router.on(.get, "/v1/experiments/:id/plot.svg", plots.experiment)
        router.on(.get, "/v1/studies/:id/plot.svg", plots.study)
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
