import DescentCore
import Foundation
import Testing
@testable import DescentService

@Suite struct SVGContourTests {
    /// f(x, y) on an n×n grid over [-2, 2]², values[j][i] at (xs[i], ys[j]).
    private func grid(_ n: Int = 81, _ f: (Double, Double) -> Double) -> SurfaceGrid {
        let xs = (0..<n).map { -2 + 4 * Double($0) / Double(n - 1) }
        return SurfaceGrid(xs: xs, ys: xs, values: xs.map { y in xs.map { x in f(x, y) } })
    }

    @Test func levelCurveOfARoundQuadraticIsOneClosedCircle() throws {
        let lines = ContourTracer.lines(grid { x, y in x * x + y * y }, level: 1)
        #expect(lines.count == 1)
        let line = try #require(lines.first)
        #expect(line.closed)
        #expect(line.points.first! == line.points.last!)
        // Linear interpolation on a 0.05 grid: radius error ≤ h²/8 / r ≈ 3e-4 (tolerance 1e-3).
        for p in line.points { #expect(abs((p.x * p.x + p.y * p.y).squareRoot() - 1) < 1e-3) }
        #expect(line.points.count > 40)
    }

    @Test func everyLevelOfAnEllipticQuadraticIsClosed() {
        let g = grid { x, y in x * x + 10 * y * y }
        let lines = ContourTracer.logLevels(min: 0, max: 1.9, count: 8).flatMap { ContourTracer.lines(g, level: $0) }
        #expect(lines.count == 8)
        #expect(lines.allSatisfy { $0.closed })
    }

    @Test func saddleLevelGivesTwoOpenBranches() {
        let lines = ContourTracer.lines(grid { x, y in x * y }, level: 0.5)
        #expect(lines.count == 2)
        #expect(lines.allSatisfy { !$0.closed })
        for line in lines { for p in line.points { #expect(abs(p.x * p.y - 0.5) < 0.01) } }
    }

    @Test func levelsAreLogSpacedAboveTheMinimum() {
        let levels = ContourTracer.logLevels(min: 1, max: 1001, count: 4)
        let offsets = levels.map { ($0 - 1) / 0.98 }
        for (o, e) in zip(offsets, [1.0, 10, 100, 1000]) { #expect(abs(o - e) / e < 1e-12) }
        #expect(ContourTracer.logLevels(min: 2, max: 2, count: 5).isEmpty)
    }

    @Test func nonFiniteCellsAreSkipped() {
        let g = grid(21) { x, y in x > 1 ? .nan : x * x + y * y }
        #expect(!ContourTracer.lines(g, level: 1).isEmpty)
        #expect(ContourTracer.lines(grid(21) { _, _ in .nan }, level: 1).isEmpty)
    }

    @Test func contourPlotDrawsLevelsPathAndEscapedMarker() {
        var plot = SVGPlot.ContourPlot(title: "path", grid: grid { x, y in x * x + y * y },
                                       paths: [.init(name: "sgd", xs: [1.5, 0.75, 0.375, 0.1], ys: [1.5, 0.75, 0.375, 0.1])],
                                       markers: [.init(x: 0, y: 0, label: "min <local> & \"stable\"")])
        plot.levels = 10
        let doc = SVGXMLInspector(plot.render())
        #expect(doc.isWellFormed, "\(doc.parseError ?? "")")
        // Levels above 4 are circles cut by the square's sides into four corner arcs each.
        let contours = doc.elements("path", class: "contour")
        #expect(Set(contours.compactMap { $0.attributes["data-level"] }).count == 10)
        #expect(contours.count > 10)
        #expect(SVGXMLInspector.points(doc.elements("path", class: "series").first?.attributes["d"] ?? "") == 4)
        #expect(doc.elements.contains { $0.name == "text" && $0.text == "min <local> & \"stable\"" })
        #expect(doc.texts(class: "legend-label") == ["sgd"])
        #expect(doc.elements("circle", class: "path-end").count == 1)
    }
}
