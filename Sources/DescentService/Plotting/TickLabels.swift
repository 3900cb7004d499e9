import Foundation

/// Tick labels: each label carries the digits its axis' tick step needs, so neighbouring ticks always read
/// differently and no label shows a rounded number as if it were exact.
///
/// The rule, shared digit for digit with `tickLabels` in the dashboard's `charts.js` (both are checked
/// against `Tests/Fixtures/tick-labels.json`). Write the step as `s · 10^k` (s = 1, 2 or 5). When the
/// largest tick magnitude lies in [10^-3, 10^5), every tick is written in decimals with `max(0, -k)`
/// digits after the point ("0.0005", "15000"); otherwise every non-zero tick `v = m · 10^E` is written
/// "<m>e<E>" with the `E - k` mantissa decimals the step needs, trailing zeros dropped ("2.5e-6", "3e-6",
/// "1.5e5"). Zero is "0".
extension SVGPlot {
    /// Labels of `ticks`, which are `step` apart (a 1-2-5 step; on a log axis, pass each decade as its own step).
    static func tickLabels(_ ticks: [Double], step: Double) -> [String] {
        let largest = ticks.filter(\.isFinite).map(abs).max() ?? 0
        let decimal = largest >= 1e-3 && largest < 1e5
        let k = Int(log10Floor(step.isFinite && step > 0 ? step : largest))
        return ticks.map { v in
            guard v.isFinite else { return String(v) }
            if v == 0 { return "0" }
            if decimal { return String(format: "%.*f", max(0, -k), v) }
            return scientific(v, digits: max(0, Int(log10Floor(abs(v))) - k))
        }
    }

    /// Label of one value `v` on an axis whose ticks are `step` apart.
    static func label(_ v: Double, step: Double) -> String { tickLabels([v], step: step)[0] }

    /// `v` as "<m>e<E>" with `digits` mantissa decimals, trailing zeros (and a bare point) dropped: "2.5e-6", "1e0".
    static func scientific(_ v: Double, digits: Int = 0) -> String {
        let text = String(format: "%.*e", min(17, digits), v)  // "2.50e-06"
        guard let e = text.firstIndex(of: "e"), let exponent = Int(text[text.index(after: e)...]) else { return text }
        var mantissa = String(text[..<e])
        if mantissa.contains(".") {
            while mantissa.hasSuffix("0") { mantissa.removeLast() }
            if mantissa.hasSuffix(".") { mantissa.removeLast() }
        }
        return "\(mantissa)e\(exponent)"
    }
}
