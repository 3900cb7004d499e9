import DescentCore

extension SVGPlot {
    /// A point marked on a contour plot (e.g. a classified critical point).
    public struct Marker: Sendable, Equatable {
        /// Position in data coordinates.
        public var x: Double, y: Double
        /// Text drawn next to it.
        public var label: String

        /// A marker at (x, y).
        public init(x: Double, y: Double, label: String) { self.x = x; self.y = y; self.label = label }
    }

    /// Level curves of a surface with optimizer paths and marked points drawn on top.
    public struct ContourPlot: Sendable {
        /// Title.
        public var title: String
        /// The surface; values[j][i] at (xs[i], ys[j]).
        public var grid: SurfaceGrid
        /// Parameter paths (x = first axis, y = second axis), one legend entry each.
        public var paths: [Series]
        /// Marked points.
        public var markers: [Marker]
        /// Number of log-spaced levels (default 14).
        public var levels: Int = 14
        /// Axis labels.
        public var xLabel = "w1", yLabel = "w2"
        /// Size in pixels (default 640 × 560).
        public var width: Double = 640, height: Double = 560

        /// A contour plot of `grid`.
        public init(title: String, grid: SurfaceGrid, paths: [Series] = [], markers: [Marker] = []) {
            self.title = title; self.grid = grid; self.paths = paths; self.markers = markers
        }

        /// The level curves that are drawn.
        public func contourLines() -> [ContourTracer.Line] {
            let finite = grid.values.joined().filter(\.isFinite)
            guard let lo = finite.min(), let hi = finite.max() else { return [] }
            return ContourTracer.logLevels(min: lo, max: hi, count: levels).flatMap { ContourTracer.lines(grid, level: $0) }
        }

        /// The plot as a standalone SVG document.
        public func render() -> String {
            let frame = PlotFrame(width: width, height: height, legendRows: paths.count)
            let x0 = grid.xs.first ?? 0, x1 = grid.xs.last ?? 1
            let y0 = grid.ys.first ?? 0, y1 = grid.ys.last ?? 1
            let xs = AxisScale(lo: x0, hi: x1 > x0 ? x1 : x0 + 1, pixelLo: frame.left, pixelHi: frame.right, log: false)
            let ys = AxisScale(lo: y0, hi: y1 > y0 ? y1 : y0 + 1, pixelLo: frame.bottom, pixelHi: frame.top, log: false)
            var svg = frame.open(title: title)
            svg += "<defs><clipPath id=\"plot-area\"><rect x=\"\(px(frame.left))\" y=\"\(px(frame.top))\" width=\"\(px(frame.right - frame.left))\" height=\"\(px(frame.bottom - frame.top))\"/></clipPath></defs>\n"
            let lines = contourLines()
            let levelValues = Array(Set(lines.map(\.level))).sorted()
            svg += "<g class=\"contours\" fill=\"none\" stroke-width=\"1\">\n"
            for line in lines {
                let rank = levelValues.firstIndex(of: line.level) ?? 0
                let t = levelValues.count > 1 ? Double(rank) / Double(levelValues.count - 1) : 0
                let d = pathData(line.points.map { (xs($0.x), ys($0.y)) }) + (line.closed ? " Z" : "")
                svg += "<path class=\"contour\" data-level=\"\(SVGPlot.label(line.level, step: abs(line.level) / 1000 + 1e-12))\" d=\"\(d)\" stroke=\"\(Self.levelColor(t))\"/>\n"
            }
            svg += "</g>\n"
            svg += frame.axes(x: xs, y: ys, xLabel: xLabel, yLabel: yLabel)
            svg += "<g class=\"paths\" clip-path=\"url(#plot-area)\">\n"
            for (k, p) in paths.enumerated() {
                let color = palette[k % palette.count]
                let pts = zip(p.xs, p.ys).map { (xs($0.0), ys($0.1)) }
                svg += "<path class=\"series\" data-series=\"\(k)\" d=\"\(pathData(pts))\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"/>\n"
                if let (sx, sy) = pts.first, let sx, let sy {
                    svg += "<circle class=\"path-start\" cx=\"\(px(sx))\" cy=\"\(px(sy))\" r=\"4\" fill=\"#ffffff\" stroke=\"\(color)\" stroke-width=\"2\"/>\n"
                }
                if let (ex, ey) = pts.last(where: { $0.0 != nil && $0.1 != nil }), let ex, let ey {
                    svg += "<circle class=\"path-end\" cx=\"\(px(ex))\" cy=\"\(px(ey))\" r=\"4\" fill=\"\(color)\"/>\n"
                }
            }
            svg += "</g>\n<g class=\"markers\" font-size=\"11\">\n"
            for m in markers {
                guard let cx = xs(m.x), let cy = ys(m.y) else { continue }
                svg += "<g class=\"marker\"><path d=\"M\(px(cx - 5)) \(px(cy - 5))L\(px(cx + 5)) \(px(cy + 5))M\(px(cx - 5)) \(px(cy + 5))L\(px(cx + 5)) \(px(cy - 5))\" stroke=\"#000000\" stroke-width=\"2\"/>"
                let at = frame.labelPosition(x: cx, y: cy)
                svg += "<text class=\"marker-label\" x=\"\(px(at.x))\" y=\"\(px(at.y))\" text-anchor=\"\(at.anchor)\" fill=\"#000000\" stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\">\(escape(m.label))</text></g>\n"
            }
            svg += "</g>\n" + frame.legend(paths.map(\.name))
            return svg + "</svg>\n"
        }

        /// Dark blue (low) to light teal (high), interpolated.
        static func levelColor(_ t: Double) -> String {
            let lo = (22.0, 50.0, 110.0), hi = (120.0, 180.0, 170.0)
            func hex(_ a: Double, _ b: Double) -> String {
                let v = Int((a + (b - a) * t).rounded())
                let s = String(v, radix: 16)
                return s.count == 1 ? "0" + s : s
            }
            return "#" + hex(lo.0, hi.0) + hex(lo.1, hi.1) + hex(lo.2, hi.2)
        }
    }
}
