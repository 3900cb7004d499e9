import DescentCore
import Foundation
import Testing
@testable import DescentService

/// Tick and marker labels: distinct, exact digits, never cut off by the plot's edge.
@Suite struct TickLabelTests {
    struct Fixture: Decodable {
        struct Case: Decodable { var lo: Double, hi: Double, labels: [String] }
        var cases: [Case]
    }

    /// The fixture the dashboard's charts.js is checked against too (scripts/browser-interactions.js).
    static func fixture() throws -> Fixture {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/tick-labels.json")
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    @Test func ticksAndLabelsMatchTheFixtureSharedWithTheDashboard() throws {
        for c in try Self.fixture().cases {
            let ticks = SVGPlot.niceTicks(c.lo, c.hi)
            #expect(SVGPlot.tickLabels(ticks, step: SVGPlot.niceStep(c.lo, c.hi)) == c.labels, "[\(c.lo), \(c.hi)]")
        }
    }

    @Test func learningRateAxisAroundThreeMillionthsHasDistinctExactLabels() {
        let series = SVGPlot.Series(name: "lr", xs: [0, 1, 2, 3], ys: [2.2e-6, 3e-6, 3.4e-6, 3.8e-6])
        let doc = SVGXMLInspector(SVGPlot.LineChart(title: "lr", xLabel: "step", yLabel: "lr", series: [series]).render())
        let labels = doc.texts(class: "tick-label").filter { $0.contains("e-6") }
        #expect(labels.count >= 3 && Set(labels).count == labels.count, "\(labels)")
        #expect(labels.contains("3e-6") && labels.contains("2.5e-6") && labels.contains("3.5e-6"), "\(labels)")
    }

    @Test func everyLabelReadsItsTickToTheStepsPrecision() throws {
        for (lo, hi) in [(0.0, 15000.0), (2.5e-6, 3.5e-6), (0.999, 1.001), (1e5, 1.5e5), (-7e-4, 3e-3), (12_345.0, 12_350.0)] {
            let ticks = SVGPlot.niceTicks(lo, hi), step = SVGPlot.niceStep(lo, hi)
            for (t, text) in zip(ticks, SVGPlot.tickLabels(ticks, step: step)) {
                let back = try #require(Double(text), "\(text)")
                #expect(abs(back - t) <= step * 1e-9, "\(text) for \(t)")
                #expect(!text.contains("+"), "\(text)")
            }
        }
    }

    @Test func fifteenThousandIsWrittenOutNotRoundedToTwoTenThousands() {
        #expect(SVGPlot.label(15000, step: 5000) == "15000")
        #expect(SVGPlot.tickLabels([0, 50000, 100_000, 150_000], step: 50000) == ["0", "5e4", "1e5", "1.5e5"])
    }

    @Test func decadesOnALogAxisArePowersOfTen() {
        #expect([1e-3, 1, 1e7].map { SVGPlot.scientific($0) } == ["1e-3", "1e0", "1e7"])
        #expect(SVGPlot.scientific(1.244e-4, digits: 3) == "1.244e-4")
    }

    private func markerPlot(at x: Double, _ y: Double, label: String) -> SVGXMLInspector {
        let xs = (0..<21).map { -2 + 0.2 * Double($0) }
        let grid = SurfaceGrid(xs: xs, ys: xs, values: xs.map { b in xs.map { a in a * a + b * b } })
        return SVGXMLInspector(SVGPlot.ContourPlot(title: "t", grid: grid, markers: [.init(x: x, y: y, label: label)]).render())
    }

    @Test func markerLabelNearTheRightEdgeIsAnchoredAtItsEndInsideThePlot() throws {
        let doc = markerPlot(at: 1.95, 0, label: "end: ‖g‖=1.244e-4")
        let text = try #require(doc.elements("text", class: "marker-label").first)
        #expect(text.text == "end: ‖g‖=1.244e-4")
        #expect(text.attributes["text-anchor"] == "end")
        let frame = PlotFrame(width: 640, height: 560, legendRows: 0)
        let x = try #require(Double(text.attributes["x"] ?? ""))
        #expect(x < frame.right && x > frame.left)
    }

    @Test func markerLabelNearTheTopEdgeGoesBelowThePoint() throws {
        let doc = markerPlot(at: -1.9, 2, label: "origin")
        let text = try #require(doc.elements("text", class: "marker-label").first)
        let frame = PlotFrame(width: 640, height: 560, legendRows: 0)
        let y = try #require(Double(text.attributes["y"] ?? ""))
        #expect(text.attributes["text-anchor"] == "start" && y - 12 > frame.top)
    }
}
