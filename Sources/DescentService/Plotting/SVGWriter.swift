import Foundation

/// Shared pieces of the server-rendered plots: text escaping, number formatting, ticks, scales.
public enum SVGPlot {
    /// Escapes text for XML character data and attribute values (`& < > " '`).
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            // XML 1.0 forbids most control characters, even escaped.
            case _ where c.value < 0x20 && c != "\n" && c != "\t" && c != "\r": out += " "
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// A pixel coordinate with two decimals (enough for screens, short output).
    static func px(_ v: Double) -> String {
        guard v.isFinite else { return "0" }
        let r = (v * 100).rounded() / 100
        if r == r.rounded(), abs(r) < 1e15 { return String(Int(r)) }
        return String(r)
    }

    static func pow10(_ e: Int) -> Double { pow(10, Double(e)) }

    /// ⌊log10 v⌋ for finite v > 0 (0 otherwise), corrected for rounding at exact powers of ten.
    static func log10Floor(_ v: Double) -> Double {
        guard v > 0, v.isFinite else { return 0 }
        var e = Foundation.log10(v).rounded(.down)
        if pow(10, e + 1) <= v { e += 1 } else if pow(10, e) > v { e -= 1 }
        return e
    }

    /// "Nice" ticks (1, 2, 5 × 10ᵏ spacing) covering [lo, hi], about `count` of them.
    public static func niceTicks(_ lo: Double, _ hi: Double, count: Int = 6) -> [Double] {
        guard lo.isFinite, hi.isFinite, count >= 2 else { return [] }
        if lo == hi { return [lo] }
        let (a, b) = (min(lo, hi), max(lo, hi))
        let step = niceStep(a, b, count: count)
        var ticks: [Double] = []
        var k = (a / step).rounded(.up)
        while k * step <= b + step * 1e-9, ticks.count < 100 {
            let t = k * step
            ticks.append(abs(t) < step * 1e-9 ? 0 : t)
            k += 1
        }
        return ticks
    }

    /// The spacing of `niceTicks(lo, hi, count:)`: 1, 2 or 5 × 10ᵏ (0 when the range is empty or not finite).
    static func niceStep(_ lo: Double, _ hi: Double, count: Int = 6) -> Double {
        let raw = abs(hi - lo) / Double(max(1, count - 1))
        guard raw > 0, raw.isFinite else { return 0 }
        let base = pow10(Int(log10Floor(raw)))
        let frac = raw / base
        // Nearest nice factor (Heckbert, "Nice numbers for graph labels", Graphics Gems, 1990).
        return (frac < 1.5 ? 1 : frac < 3 ? 2 : frac < 7 ? 5 : 10) * base
    }

    /// A named colour cycle with enough contrast on white (all ≥ 3:1).
    static let palette = ["#1f5fbf", "#c0392b", "#1e8449", "#8e44ad", "#b9770e", "#117a8b", "#5d6d7e", "#a93266"]
}

/// A linear or logarithmic map from data values to pixels.
struct AxisScale {
    var lo: Double
    var hi: Double
    var pixelLo: Double
    var pixelHi: Double
    var log: Bool

    /// The pixel of `v`, or nil when it cannot be drawn (non-finite, or ≤ 0 on a log axis).
    func callAsFunction(_ v: Double) -> Double? {
        guard v.isFinite else { return nil }
        let t: Double
        if log {
            guard v > 0 else { return nil }
            t = (Self.log10(v) - Self.log10(lo)) / (Self.log10(hi) - Self.log10(lo))
        } else {
            t = (v - lo) / (hi - lo)
        }
        guard t.isFinite else { return nil }
        return pixelLo + t * (pixelHi - pixelLo)
    }

    static func log10(_ x: Double) -> Double { Foundation.log10(x) }
}
