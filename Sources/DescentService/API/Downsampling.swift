/// Picks which rows of a long series to send so the plotted curve keeps its shape.
///
/// Largest-Triangle-Three-Buckets (Steinarsson 2013, §4.2) chooses one row per bucket; the
/// minimum and maximum of each bucket are kept too, so spikes and dips survive. The first and last
/// rows are always kept. Non-finite values are treated as extremes.
enum Downsampling {
    /// Sorted row indices, at most about `maxPoints`, of `values` (x = row index).
    static func indices(_ values: [Double], maxPoints: Int) -> [Int] {
        let n = values.count
        guard n > maxPoints, maxPoints >= 3 else { return Array(0..<n) }
        let buckets = max(1, (maxPoints - 2) / 3)
        let width = Double(n - 2) / Double(buckets)
        var chosen: [Int] = [0]
        var previous = 0
        func y(_ i: Int) -> Double { values[i].isFinite ? values[i] : (values[i] > 0 || values[i].isNaN ? 1e308 : -1e308) }
        for b in 0..<buckets {
            let start = 1 + Int(Double(b) * width)
            let end = min(n - 1, 1 + Int(Double(b + 1) * width))
            guard start < end else { continue }
            // Average of the next bucket (or the last point) as the third triangle vertex.
            let nextStart = end, nextEnd = min(n, 1 + Int(Double(b + 2) * width))
            var avgX = Double(n - 1), avgY = y(n - 1)
            if nextStart < nextEnd && b + 1 < buckets {
                avgX = 0; avgY = 0
                for i in nextStart..<nextEnd { avgX += Double(i); avgY += y(i) }
                avgX /= Double(nextEnd - nextStart); avgY /= Double(nextEnd - nextStart)
            }
            var best = start, bestArea = -1.0, lo = start, hi = start
            for i in start..<end {
                let area = abs((Double(previous) - avgX) * (y(i) - y(previous)) - (Double(previous) - Double(i)) * (avgY - y(previous)))
                if area > bestArea { bestArea = area; best = i }
                if y(i) < y(lo) { lo = i }
                if y(i) > y(hi) { hi = i }
            }
            for i in Set([best, lo, hi]).sorted() { chosen.append(i) }
            previous = best
        }
        chosen.append(n - 1)
        var unique: [Int] = []
        for i in chosen where unique.last != i { unique.append(i) }
        return unique
    }
}
