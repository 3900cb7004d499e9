import Testing
@testable import DescentService

@Suite struct SVGLineChartTests {
    private func chart(_ series: [SVGPlot.Series], logY: Bool = false, title: String = "loss") -> SVGXMLInspector {
        SVGXMLInspector(SVGPlot.LineChart(title: title, xLabel: "step", yLabel: "loss", series: series, logY: logY).render())
    }

    private let ramp = SVGPlot.Series(name: "ramp", xs: (0..<50).map(Double.init), ys: (0..<50).map { Double($0) * 0.5 })

    @Test func lineChartIsWellFormedSVGWithOnePathPerSeries() {
        let other = SVGPlot.Series(name: "other", xs: [0, 1, 2], ys: [3, 2, 1])
        let doc = chart([ramp, other])
        #expect(doc.isWellFormed, "\(doc.parseError ?? "")")
        #expect(doc.elements.first?.name == "svg")
        #expect(doc.elements.first?.attributes["xmlns"] == "http://www.w3.org/2000/svg")
        #expect(doc.elements("path", class: "series").count == 2)
    }

    @Test func seriesPathHasOnePointPerSample() {
        let d = chart([ramp]).elements("path", class: "series").first?.attributes["d"] ?? ""
        #expect(SVGXMLInspector.points(d) == 50)
        #expect(d.hasPrefix("M"))
    }

    @Test func axesCarryNiceTickLabels() {
        let labels = chart([ramp]).texts(class: "tick-label")
        // x in [0, 49] → ticks 0, 10, …, 40; y in [0, 24.5] → 0, 5, …, 20.
        for expected in ["0", "10", "20", "30", "40", "5", "15"] { #expect(labels.contains(expected), "missing tick \(expected) in \(labels)") }
        #expect(chart([ramp]).count("line") >= 10)
    }

    @Test func niceTicksUseOneTwoFiveSpacing() {
        #expect(SVGPlot.niceTicks(0, 1, count: 6) == [0, 0.2, 0.4, 0.6000000000000001, 0.8, 1])
        #expect(SVGPlot.niceTicks(-3, 7, count: 6) == [-2, 0, 2, 4, 6])
        #expect(SVGPlot.niceTicks(120, 980, count: 5) == [200, 400, 600, 800])
        #expect(SVGPlot.niceTicks(5, 5) == [5])
        #expect(SVGPlot.niceTicks(.nan, 1).isEmpty)
    }

    @Test func legendNamesEverySeries() {
        let other = SVGPlot.Series(name: "adam, lr=0.1", xs: [0, 1], ys: [1, 0.5])
        #expect(chart([ramp, other]).texts(class: "legend-label") == ["ramp", "adam, lr=0.1"])
    }

    @Test func markupCharactersInLabelsAreEscaped() {
        let tricky = #"a<b && c>"d" 'e'"#
        let doc = chart([SVGPlot.Series(name: tricky, xs: [0, 1], ys: [1, 2])], title: tricky)
        #expect(doc.isWellFormed, "\(doc.parseError ?? "")")
        #expect(doc.texts(class: "legend-label") == [tricky])
        #expect(doc.texts(class: "plot-title") == [tricky])
        #expect(doc.elements.first?.attributes["aria-label"] == tricky)
        #expect(SVGPlot.escape("<&\">") == "&lt;&amp;&quot;&gt;")
    }

    @Test func logScaleLeavesOutZerosAndNegativesAndBreaksTheLine() {
        let s = SVGPlot.Series(name: "loss", xs: [0, 1, 2, 3, 4, 5], ys: [1, 0.1, 0, -1, 0.01, 0.001])
        let svg = SVGPlot.LineChart(title: "t", xLabel: "x", yLabel: "y", series: [s], logY: true).render()
        let doc = SVGXMLInspector(svg)
        #expect(doc.isWellFormed)
        let d = doc.elements("path", class: "series").first?.attributes["d"] ?? ""
        #expect(SVGXMLInspector.points(d) == 4)
        #expect(d.filter { $0 == "M" }.count == 2)
        #expect(!svg.lowercased().contains("nan") && !svg.lowercased().contains("inf"))
        // Decade ticks 1e-3 … 1e0.
        #expect(doc.texts(class: "tick-label").contains("1e-3"))
        #expect(doc.texts(class: "tick-label").contains("1e0"))
    }

    @Test func logScaleWithoutPositiveValuesFallsBackToLinear() {
        let s = SVGPlot.Series(name: "flat", xs: [0, 1, 2], ys: [0, -1, -2])
        let svg = SVGPlot.LineChart(title: "t", xLabel: "x", yLabel: "y", series: [s], logY: true).render()
        let doc = SVGXMLInspector(svg)
        #expect(doc.isWellFormed)
        #expect(SVGXMLInspector.points(doc.elements("path", class: "series").first?.attributes["d"] ?? "") == 3)
        #expect(!doc.texts(class: "axis-label").contains("y (log)"))
    }

    @Test func nonFiniteValuesBreakTheLineWithoutPoisoningTheAxes() {
        let s = SVGPlot.Series(name: "diverged", xs: [0, 1, 2, 3], ys: [1, .infinity, .nan, 2])
        let svg = SVGPlot.LineChart(title: "t", xLabel: "x", yLabel: "y", series: [s]).render()
        #expect(SVGXMLInspector(svg).isWellFormed)
        #expect(!svg.lowercased().contains("nan") && !svg.lowercased().contains("inf"))
    }

    @Test func emptyChartIsStillValid() {
        #expect(chart([]).isWellFormed)
    }
}
