import Foundation

extension SVGPlot {
    /// One named line: x and y values of equal length; non-finite points break the line.
    public struct Series: Sendable, Equatable {
        /// Legend text.
        public var name: String
        /// x values.
        public var xs: [Double]
        /// y values.
        public var ys: [Double]

        /// A series named `name`.
        public init(name: String, xs: [Double], ys: [Double]) {
            self.name = name; self.xs = xs; self.ys = ys
        }
    }

    /// A line chart: several series, axes with nice ticks, axis labels, legend, optional log y.
    public struct LineChart: Sendable {
        /// Title drawn above the plot (and the SVG `<title>`).
        public var title: String
        /// x-axis label.
        public var xLabel: String
        /// y-axis label.
        public var yLabel: String
        /// The lines.
        public var series: [Series]
        /// Logarithmic y axis; points with y ≤ 0 are left out (they have no place on it).
        public var logY: Bool
        /// Size in pixels (default 720 × 420).
        public var width: Double = 720, height: Double = 420

        /// A chart with the given content.
        public init(title: String, xLabel: String, yLabel: String, series: [Series], logY: Bool = false) {
            self.title = title; self.xLabel = xLabel; self.yLabel = yLabel; self.series = series; self.logY = logY
        }

        /// The chart as a standalone SVG document.
        public func render() -> String {
            let frame = PlotFrame(width: width, height: height, legendRows: series.count)
            let xsAll = series.flatMap { s in zip(s.xs, s.ys).filter { $0.1.isFinite && $0.0.isFinite }.map(\.0) }
            var ysAll = series.flatMap { s in zip(s.xs, s.ys).filter { $0.0.isFinite }.map(\.1) }.filter(\.isFinite)
            let useLog = logY && ysAll.contains { $0 > 0 }
            if useLog { ysAll = ysAll.filter { $0 > 0 } }
            let (x0, x1) = Self.bounds(xsAll, log: false)
            let (y0, y1) = Self.bounds(ysAll, log: useLog)
            let xs = AxisScale(lo: x0, hi: x1, pixelLo: frame.left, pixelHi: frame.right, log: false)
            let ys = AxisScale(lo: y0, hi: y1, pixelLo: frame.bottom, pixelHi: frame.top, log: useLog)
            var svg = frame.open(title: title)
            svg += frame.axes(x: xs, y: ys, xLabel: xLabel, yLabel: yLabel + (useLog ? " (log)" : ""))
            for (k, s) in series.enumerated() {
                let color = palette[k % palette.count]
                let d = SVGPlot.pathData(zip(s.xs, s.ys).map { (xs($0.0), ys($0.1)) })
                if !d.isEmpty {
                    svg += "<path class=\"series\" data-series=\"\(k)\" d=\"\(d)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.6\"/>\n"
                }
            }
            svg += frame.legend(series.map(\.name))
            return svg + "</svg>\n"
        }

        /// Data bounds padded so a flat line still gets a visible range.
        static func bounds(_ values: [Double], log: Bool) -> (Double, Double) {
            guard var lo = values.min(), var hi = values.max() else { return log ? (0.1, 10) : (0, 1) }
            if log {
                if lo == hi { lo /= 10; hi *= 10 }
                return (lo, hi)
            }
            if lo == hi {
                let pad = lo == 0 ? 1 : abs(lo) * 0.1
                lo -= pad; hi += pad
            }
            return (lo, hi)
        }
    }

    /// Path data "M x y L x y …" from pixel points; a nil point ends the current run.
    static func pathData(_ points: [(Double?, Double?)]) -> String {
        var parts: [String] = []
        var pen = false
        for (x, y) in points {
            guard let x, let y else { pen = false; continue }
            parts.append((pen ? "L" : "M") + px(x) + " " + px(y))
            pen = true
        }
        return parts.joined(separator: " ")
    }
}

/// Layout of one plot: margins, the plot rectangle, axes and legend drawing.
struct PlotFrame {
    var width: Double
    var height: Double
    var legendRows: Int
    var left: Double { 70 }
    var right: Double { width - 20 }
    var top: Double { 36 }
    var bottom: Double { height - 46 - Double(min(legendRows, 8)) * 16 }

    /// The SVG header with title, font and background.
    func open(title: String) -> String {
        let t = SVGPlot.escape(title)
        return """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" width="\(SVGPlot.px(width))" height="\(SVGPlot.px(height))" \
        viewBox="0 0 \(SVGPlot.px(width)) \(SVGPlot.px(height))" role="img" aria-label="\(t)" \
        font-family="system-ui, sans-serif" font-size="12">
        <title>\(t)</title>
        <rect width="100%" height="100%" fill="#ffffff"/>
        <text class="plot-title" x="\(SVGPlot.px(left))" y="22" font-size="14" font-weight="bold" fill="#1a1a1a">\(t)</text>

        """
    }

    /// Frame, ticks with labels, grid lines and axis labels.
    func axes(x: AxisScale, y: AxisScale, xLabel: String, yLabel: String) -> String {
        var s = "<g class=\"axes\" stroke=\"#444\" fill=\"#1a1a1a\">\n"
        s += "<rect x=\"\(SVGPlot.px(left))\" y=\"\(SVGPlot.px(top))\" width=\"\(SVGPlot.px(right - left))\" height=\"\(SVGPlot.px(bottom - top))\" fill=\"none\"/>\n"
        let xt = SVGPlot.niceTicks(x.lo, x.hi)
        for (v, text) in zip(xt, SVGPlot.tickLabels(xt, step: SVGPlot.niceStep(x.lo, x.hi))) {
            guard let p = x(v) else { continue }
            s += "<line class=\"tick x-tick\" x1=\"\(SVGPlot.px(p))\" y1=\"\(SVGPlot.px(bottom))\" x2=\"\(SVGPlot.px(p))\" y2=\"\(SVGPlot.px(bottom + 5))\"/>"
            s += "<text class=\"tick-label\" x=\"\(SVGPlot.px(p))\" y=\"\(SVGPlot.px(bottom + 18))\" text-anchor=\"middle\" stroke=\"none\">\(SVGPlot.escape(text))</text>\n"
        }
        for (v, text) in yTicks(y) {
            guard let p = y(v) else { continue }
            s += "<line class=\"tick y-tick\" x1=\"\(SVGPlot.px(left - 5))\" y1=\"\(SVGPlot.px(p))\" x2=\"\(SVGPlot.px(left))\" y2=\"\(SVGPlot.px(p))\"/>"
            s += "<line class=\"grid\" x1=\"\(SVGPlot.px(left))\" y1=\"\(SVGPlot.px(p))\" x2=\"\(SVGPlot.px(right))\" y2=\"\(SVGPlot.px(p))\" stroke=\"#e3e3e3\"/>"
            s += "<text class=\"tick-label\" x=\"\(SVGPlot.px(left - 8))\" y=\"\(SVGPlot.px(p + 4))\" text-anchor=\"end\" stroke=\"none\">\(SVGPlot.escape(text))</text>\n"
        }
        let midY = (top + bottom) / 2
        s += "<text class=\"axis-label\" x=\"\(SVGPlot.px((left + right) / 2))\" y=\"\(SVGPlot.px(bottom + 36))\" text-anchor=\"middle\" stroke=\"none\">\(SVGPlot.escape(xLabel))</text>\n"
        s += "<text class=\"axis-label\" x=\"16\" y=\"\(SVGPlot.px(midY))\" text-anchor=\"middle\" stroke=\"none\" transform=\"rotate(-90 16 \(SVGPlot.px(midY)))\">\(SVGPlot.escape(yLabel))</text>\n"
        return s + "</g>\n"
    }

    /// Linear nice ticks, or decades (thinned to at most 8) on a log axis.
    private func yTicks(_ y: AxisScale) -> [(Double, String)] {
        guard y.log else {
            let t = SVGPlot.niceTicks(y.lo, y.hi)
            return Array(zip(t, SVGPlot.tickLabels(t, step: SVGPlot.niceStep(y.lo, y.hi))))
        }
        let e0 = Int(SVGPlot.log10Floor(y.lo)), e1 = Int(SVGPlot.log10Floor(y.hi))
        var exps = Array(e0...max(e0, e1))
        if exps.count > 8 { let k = (exps.count + 7) / 8; exps = exps.filter { ($0 - e0) % k == 0 } }
        let decades = exps.map(SVGPlot.pow10).filter { $0 >= y.lo * (1 - 1e-12) && $0 <= y.hi * (1 + 1e-12) }
        if decades.count >= 2 { return decades.map { ($0, SVGPlot.scientific($0)) } }
        // Less than a decade: fall back to linear nice ticks inside the range.
        let all = SVGPlot.niceTicks(y.lo, y.hi)
        let t = all.filter { $0 > 0 }
        return Array(zip(t, SVGPlot.tickLabels(t, step: SVGPlot.niceStep(y.lo, y.hi))))
    }

    /// Where the label of a point marked at pixel (x, y) goes so that it stays inside the plot area: beside
    /// the point on the side with more room (text anchored at its end in the right half), above it unless
    /// that would cross the top edge.
    func labelPosition(x: Double, y: Double) -> (x: Double, y: Double, anchor: String) {
        let rightHalf = x > (left + right) / 2
        return (rightHalf ? x - 8 : x + 8, y - 18 < top ? y + 16 : y - 6, rightHalf ? "end" : "start")
    }

    /// One legend row per name under the x-axis label, coloured like its series.
    func legend(_ names: [String]) -> String {
        guard !names.isEmpty else { return "" }
        var s = "<g class=\"legend\">\n"
        for (k, name) in names.prefix(8).enumerated() {
            let y = bottom + 54 + Double(k) * 16
            let color = SVGPlot.palette[k % SVGPlot.palette.count]
            s += "<line x1=\"\(SVGPlot.px(left))\" y1=\"\(SVGPlot.px(y - 4))\" x2=\"\(SVGPlot.px(left + 24))\" y2=\"\(SVGPlot.px(y - 4))\" stroke=\"\(color)\" stroke-width=\"3\"/>"
            s += "<text class=\"legend-label\" x=\"\(SVGPlot.px(left + 30))\" y=\"\(SVGPlot.px(y))\" fill=\"#1a1a1a\">\(SVGPlot.escape(name))</text>\n"
        }
        return s + "</g>\n"
    }
}
