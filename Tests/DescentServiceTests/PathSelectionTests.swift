import DescentCore
import Foundation
import Testing
@testable import DescentService

/// The rows of a parameter path chosen by its own geometry (`shape=path`).
@Suite struct PathSelectionTests {
    /// The largest distance from any point to the polyline through the chosen points, in coordinates
    /// scaled by each axis' extent (as the plots draw them).
    static func drawnError(_ xs: [Double], _ ys: [Double], chosen: [Int]) -> Double {
        let sx = 1 / ((xs.max() ?? 1) - (xs.min() ?? 0)), sy = 1 / ((ys.max() ?? 1) - (ys.min() ?? 0))
        var worst = 0.0
        for (a, b) in zip(chosen, chosen.dropFirst()) {
            let x0 = xs[a] * sx, y0 = ys[a] * sy, dx = xs[b] * sx - x0, dy = ys[b] * sy - y0, len2 = dx * dx + dy * dy
            for k in a...b {
                let x = xs[k] * sx, y = ys[k] * sy
                let t = len2 > 0 ? min(1, max(0, ((x - x0) * dx + (y - y0) * dy) / len2)) : 0
                worst = max(worst, hypot(x - x0 - t * dx, y - y0 - t * dy))
            }
        }
        return worst
    }

    /// A path that turns through a quarter circle in its first 200 steps, then crawls 199,800 steps along a line:
    /// the loss curve of such a run is flat where the path is long, so choosing by the loss would cut the arc.
    static func bentPath() -> ([Double], [Double]) {
        var xs: [Double] = [], ys: [Double] = []
        for i in 0..<200 { let a = Double.pi / 2 * Double(i) / 199; xs.append(cos(a)); ys.append(sin(a)) }
        for i in 1...199_800 { xs.append(-Double(i) / 199_800); ys.append(1) }
        return (xs, ys)
    }

    @Test func aBentPathIsDrawnWithinHalfAPercentOfItsExtent() {
        let (xs, ys) = Self.bentPath()
        let chosen = PathSelection.select(xs: xs, ys: ys, budget: 100)
        #expect(chosen.count <= 100 && chosen.first == 0 && chosen.last == xs.count - 1 && chosen == chosen.sorted())
        #expect(Self.drawnError(xs, ys, chosen: chosen) < 0.005)
        // The arc (steps 0…199) gets most of the points; the straight crawl needs few.
        #expect(chosen.filter { $0 < 200 }.count >= 20)
    }

    @Test func aStraightPathNeedsOnlyItsEnds() {
        let xs = (0..<10_000).map { Double($0) * 1e-3 }, ys = xs.map { 2 * $0 - 1 }
        #expect(PathSelection.select(xs: xs, ys: ys, budget: 500) == [0, 9_999])
    }

    @Test func aPathThatFitsTheBudgetKeepsEveryPoint() {
        #expect(PathSelection.select(xs: [0, 1, 0], ys: [0, 1, 2], budget: 3) == [0, 1, 2])
    }

    @Test func aNonFinitePointStillBreaksTheDrawnPath() {
        var (xs, ys) = Self.bentPath()
        xs[5000] = .nan
        let chosen = PathSelection.select(xs: xs, ys: ys, budget: 60)
        #expect(chosen.contains(5000) && chosen.contains(4999) && chosen.contains(5001) && chosen.count <= 60)
    }

    @Test func aRosenbrockRunIsDrawnByItsPathNotByItsLossCurve() throws {
        let spec = #"{"objective":{"type":"rosenbrock"},"optimizer":{"type":"sgd","lr":0.001},"start":[-1.2,1],"steps":100000}"#
        let run = try ExperimentSpec(checking: try JSONDecoder().decode(SpecValue.self, from: Data(spec.utf8))).validated().run()
        let t = run.trajectory
        let (store, id) = try TrajectoryFormatTests.stored(t, backend: .sqlite)
        var view = TrajectoryView()
        view.maxPoints = 300; view.shape = .path
        let page = try store.view(id, dimension: 2, view)
        #expect(page.downsampled && page.rows.count <= 300)
        let index = Dictionary(uniqueKeysWithValues: t.step.enumerated().map { ($1, $0) })
        let chosen = try page.rows.step.map { try #require(index[$0]) }
        let xs = (0..<t.count).map { t.params[2 * $0] }, ys = (0..<t.count).map { t.params[2 * $0 + 1] }
        #expect(Self.drawnError(xs, ys, chosen: chosen) < 0.005)
        // Every chosen row is the recorded row, bit for bit.
        for (k, i) in chosen.enumerated() { #expect(page.rows.params[2 * k].bitPattern == t.params[2 * i].bitPattern) }
        // The loss-shaped selection of the same run, drawn as a path, strays much further.
        view.shape = .loss
        let byLoss = try store.view(id, dimension: 2, view).rows.step.map { try #require(index[$0]) }
        #expect(Self.drawnError(xs, ys, chosen: byLoss) > 4 * Self.drawnError(xs, ys, chosen: chosen))
    }
}
