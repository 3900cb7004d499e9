import DescentHTTP
import Foundation
import Testing
@testable import DescentService

@Suite struct DashboardRouteTests {
    @Test func dashboardPageIsHTMLThatLoadsTheEmbeddedAssets() async throws {
        let h = try ServiceHarness(start: false)
        let r = try await h.request(.get, "/")
        #expect(r.status == 200)
        #expect(r.headers["Content-Type"] == "text/html; charset=utf-8")
        let scripts = r.body.components(separatedBy: #"<script src="/assets/"#).dropFirst()
            .map { tag in String(tag.prefix { $0 != "\"" }) }
        #expect(scripts == DashboardScripts.all.map { $0.file }, "every embedded script, in load order")
        #expect(scripts.last == "app.js", "the router is loaded after the pages it calls")
        #expect(r.body.contains(#"href="/assets/app.css""#))
        #expect(r.body.contains(#"<pre id="errors""#))
        #expect(!r.body.contains("http://") && !r.body.contains("https://"), "no external resources")
    }

    @Test func scriptsAndStylesheetHaveTheirContentTypes() async throws {
        let h = try ServiceHarness(start: false)
        for (file, source) in DashboardScripts.all {
            let js = try await h.request(.get, "/assets/\(file)")
            #expect(js.status == 200, "\(file)")
            #expect(js.headers["Content-Type"] == "text/javascript; charset=utf-8", "\(file)")
            #expect(js.body == source, "\(file)")
        }
        #expect(try await h.request(.get, "/assets/app.js").body.contains("function route()"))
        let css = try await h.request(.get, "/assets/app.css")
        #expect(css.status == 200)
        #expect(css.headers["Content-Type"] == "text/css; charset=utf-8")
        #expect(css.headers["Content-Security-Policy"]?.contains("default-src 'self'") == true)
    }

    @Test func assetsLoadNothingFromOtherOrigins() {
        let assets = [DashboardPage.html, DashboardStyle.source] + DashboardScripts.all.map { $0.source }
        for asset in assets {
            #expect(!asset.contains("https://") && !asset.contains("@import") && !asset.contains("url(http"))
        }
    }

    @Test func experimentPlotsAreStandaloneSVG() async throws {
        let h = try ServiceHarness()
        let created = h.object(try await h.request(.post, "/v1/experiments", json: saddleSpec).body)
        let id = try #require(created["id"] as? String)
        _ = try await h.waitFinal(id)
        for kind in ["loss", "lr", "grad_norm", "path"] {
            let r = try await h.request(.get, "/v1/experiments/\(id)/plot.svg?kind=\(kind)")
            #expect(r.status == 200, "kind=\(kind): \(r.body)")
            #expect(r.headers["Content-Type"] == "image/svg+xml; charset=utf-8")
            let doc = SVGXMLInspector(r.body)
            #expect(doc.isWellFormed, "kind=\(kind): \(doc.parseError ?? "")")
            let d = doc.elements("path", class: "series").first?.attributes["d"] ?? ""
            #expect(SVGXMLInspector.points(d) >= 100, "kind=\(kind)")
        }
        let path = SVGXMLInspector(try await h.request(.get, "/v1/experiments/\(id)/plot.svg?kind=path").body)
        #expect(!path.elements("path", class: "contour").isEmpty)
        #expect(path.elements.contains { $0.name == "text" && $0.text.hasPrefix("end: ") })
    }

    @Test func unknownPlotKindIsRejectedAndUnknownIdIsNotFound() async throws {
        let h = try ServiceHarness(start: false)
        let missingExperiment = try await h.request(.get, "/v1/experiments/exp_missing/plot.svg")
        #expect(missingExperiment.status == 404)
        let missingStudy = try await h.request(.get, "/v1/studies/std_missing/plot.svg")
        #expect(missingStudy.status == 404)
        let created = h.object(try await h.request(.post, "/v1/experiments", json: saddleSpec).body)
        let id = try #require(created["id"] as? String)
        let r = try await h.request(.get, "/v1/experiments/\(id)/plot.svg?kind=pie")
        #expect(r.status == 422)
        #expect(h.object(r.body)["error"].flatMap { ($0 as? [String: Any])?["field"] as? String } == "kind")
    }

    @Test func studyPlotOverlaysOneLinePerExperiment() async throws {
        let h = try ServiceHarness()
        let body = #"{"name":"lr <sweep>","base":\#(saddleSpec),"grid":{"optimizer.lr":[0.05,0.1]}}"#
        let created = h.object(try await h.request(.post, "/v1/studies", json: body).body)
        let id = try #require(created["id"] as? String)
        for e in created["experiments"] as? [[String: Any]] ?? [] { _ = try await h.waitFinal(e["id"] as? String ?? "") }
        let r = try await h.request(.get, "/v1/studies/\(id)/plot.svg")
        #expect(r.status == 200)
        let doc = SVGXMLInspector(r.body)
        #expect(doc.isWellFormed, "\(doc.parseError ?? "")")
        #expect(doc.elements("path", class: "series").count == 2)
        #expect(doc.texts(class: "legend-label") == ["optimizer.lr=0.05", "optimizer.lr=0.1"])
        #expect(doc.texts(class: "plot-title") == ["lr <sweep>: loss"])
    }
}
