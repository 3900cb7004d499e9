import DescentCore
import Foundation

/// Level curves of a grid of values by marching squares, joined into polylines.
public enum ContourTracer {
    /// One level curve: points in data coordinates; `closed` when it returns to its start.
    public struct Line: Sendable, Equatable {
        /// The level value.
        public var level: Double
        /// Points (x, y) in data coordinates; for a closed line the first point is repeated at the end.
        public var points: [(x: Double, y: Double)]
        /// Whether the line is a loop.
        public var closed: Bool

        public static func == (a: Line, b: Line) -> Bool {
            a.level == b.level && a.closed == b.closed && a.points.count == b.points.count
                && zip(a.points, b.points).allSatisfy { $0.x == $1.x && $0.y == $1.y }
        }
    }

    /// `count` levels between the grid's min and max, spaced logarithmically above the minimum
    /// (dense near the bottom, where optimizers spend their time): minᵥ + (max − min)·10^(−3 + 3k/(count−1)).
    public static func logLevels(min lo: Double, max hi: Double, count: Int) -> [Double] {
        guard lo.isFinite, hi.isFinite, hi > lo, count > 0 else { return [] }
        if count == 1 { return [lo + (hi - lo) / 2] }
        return (0..<count).map { k in
            lo + (hi - lo) * pow(10, -3 + 3 * Double(k) / Double(count - 1)) * 0.98
        }
    }

    /// Traces the curves where the grid crosses `level`. Cells with a non-finite corner are skipped.
    /// Saddle cells (two diagonal corners above) are split by the cell-centre average.
    public static func lines(_ grid: SurfaceGrid, level: Double) -> [Line] {
        let nx = grid.xs.count, ny = grid.ys.count
        guard nx >= 2, ny >= 2, grid.values.count == ny, grid.values.allSatisfy({ $0.count == nx }) else { return [] }
        // Edge keys: horizontal edge (i,j)–(i+1,j) is 2·(j·nx+i); vertical (i,j)–(i,j+1) is 2·(j·nx+i)+1.
        func h(_ i: Int, _ j: Int) -> Int { 2 * (j * nx + i) }
        func v(_ i: Int, _ j: Int) -> Int { 2 * (j * nx + i) + 1 }
        var segments: [(Int, Int)] = []
        for j in 0..<(ny - 1) {
            for i in 0..<(nx - 1) {
                let c = [grid.values[j][i], grid.values[j][i + 1], grid.values[j + 1][i + 1], grid.values[j + 1][i]]
                guard c.allSatisfy(\.isFinite) else { continue }
                let above = c.map { $0 >= level }
                // Edges in order bottom, right, top, left; an edge is crossed when its corners differ.
                let edges = [h(i, j), v(i + 1, j), h(i, j + 1), v(i, j)]
                let crossed = (0..<4).filter { above[$0] != above[($0 + 1) % 4] }
                if crossed.count == 2 {
                    segments.append((edges[crossed[0]], edges[crossed[1]]))
                } else if crossed.count == 4 {
                    let centreAbove = (c[0] + c[1] + c[2] + c[3]) / 4 >= level
                    if centreAbove == above[0] {
                        segments.append((edges[0], edges[1])); segments.append((edges[2], edges[3]))
                    } else {
                        segments.append((edges[0], edges[3])); segments.append((edges[1], edges[2]))
                    }
                }
            }
        }
        func point(_ key: Int) -> (x: Double, y: Double) {
            let cell = key / 2, i = cell % nx, j = cell / nx
            let (i2, j2) = key % 2 == 0 ? (i + 1, j) : (i, j + 1)
            let a = grid.values[j][i], b = grid.values[j2][i2]
            let t = b == a ? 0.5 : Swift.min(1, Swift.max(0, (level - a) / (b - a)))
            return (grid.xs[i] + t * (grid.xs[i2] - grid.xs[i]), grid.ys[j] + t * (grid.ys[j2] - grid.ys[j]))
        }
        return chain(segments).map { keys in
            let closed = keys.count > 2 && keys.first == keys.last
            return Line(level: level, points: keys.map(point), closed: closed)
        }
    }

    /// Joins segments sharing an edge key into maximal chains of keys.
    static func chain(_ segments: [(Int, Int)]) -> [[Int]] {
        var byKey: [Int: [Int]] = [:]
        for (n, s) in segments.enumerated() { byKey[s.0, default: []].append(n); byKey[s.1, default: []].append(n) }
        var used = [Bool](repeating: false, count: segments.count)
        var chains: [[Int]] = []
        func next(from key: Int) -> Int? {
            guard let n = byKey[key]?.first(where: { !used[$0] }) else { return nil }
            used[n] = true
            return segments[n].0 == key ? segments[n].1 : segments[n].0
        }
        for n in segments.indices where !used[n] {
            used[n] = true
            var forward = [segments[n].0, segments[n].1]
            while let k = next(from: forward[forward.count - 1]) {
                forward.append(k)
                if k == forward[0] { break }
            }
            if forward.first != forward.last {
                var backward: [Int] = []
                var key = forward[0]
                while let k = next(from: key) { backward.append(k); key = k }
                forward = backward.reversed() + forward
            }
            chains.append(forward)
        }
        return chains
    }
}
