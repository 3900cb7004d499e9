import Foundation

/// The rows of a parameter path to draw when it has more rows than a budget: chosen by the path's own
/// geometry in the (w1, w2) plane, not by the loss curve's shape, so that a bend of the path is kept even
/// where the loss hardly changes (a long run crawling along Rosenbrock's valley).
///
/// Method: coordinates are scaled by the extent of the finite points on each axis (the plots scale each
/// axis to its range, so distances are measured as drawn). A radial-distance pass then drops points
/// closer than `L / (16 · budget)` to the last point kept (L: the scaled path length), which bounds the
/// candidates by 16 × budget + the points that must stay. Among the candidates, Ramer–Douglas–Peucker
/// (Douglas & Peucker, "Algorithms for the reduction of the number of points required to represent a
/// digitized line or its caricature", 1973) is run best-first: the segment whose farthest candidate
/// lies farthest from it is split at that candidate, until the budget is reached or every candidate lies
/// on its segment. Non-finite points break the path: each finite stretch keeps its ends, and the first
/// non-finite point after a stretch is kept so that the line still breaks there.
enum PathSelection {
    /// Indices (ascending) of at most `budget` rows of `params` (rows of `dimension` values), chosen by
    /// the path of their first two coordinates (the first alone when `dimension` is 1).
    static func select(params: [Double], dimension d: Int, budget: Int) -> [Int] {
        guard d > 0 else { return [] }
        let n = params.count / d
        return select(xs: (0..<n).map { params[$0 * d] }, ys: d > 1 ? (0..<n).map { params[$0 * d + 1] } : [Double](repeating: 0, count: n), budget: budget)
    }

    /// Indices (ascending) of at most `budget` of the points (xs[i], ys[i]); every index when they fit.
    static func select(xs: [Double], ys: [Double], budget: Int) -> [Int] {
        let n = min(xs.count, ys.count)
        guard n > max(budget, 0) else { return Array(0..<n) }
        guard budget >= 2 else { return budget == 1 ? [n - 1] : [] }
        let finite = (0..<n).map { xs[$0].isFinite && ys[$0].isFinite }
        // Scale: each axis by the extent of its finite values.
        var lo = (Double.infinity, Double.infinity), hi = (-Double.infinity, -Double.infinity)
        for i in 0..<n where finite[i] {
            lo = (min(lo.0, xs[i]), min(lo.1, ys[i])); hi = (max(hi.0, xs[i]), max(hi.1, ys[i]))
        }
        let sx = hi.0 > lo.0 ? 1 / (hi.0 - lo.0) : 1, sy = hi.1 > lo.1 ? 1 / (hi.1 - lo.1) : 1
        let px = (0..<n).map { finite[$0] ? (xs[$0] - lo.0) * sx : 0 }, py = (0..<n).map { finite[$0] ? (ys[$0] - lo.1) * sy : 0 }

        // Finite stretches, the points that must stay, and the path length.
        var stretches: [Range<Int>] = []
        var must: [Int] = []
        var length = 0.0
        var i = 0
        while i < n {
            guard finite[i] else { i += 1; continue }
            var j = i
            while j + 1 < n && finite[j + 1] { j += 1; length += hypot(px[j] - px[j - 1], py[j] - py[j - 1]) }
            stretches.append(i..<(j + 1))
            must += j > i ? [i, j] : [i]
            if j + 1 < n { must.append(j + 1) }
            i = j + 1
        }
        if must.isEmpty { must = [0, n - 1] }
        guard must.count <= budget else { return evenly(must, budget) }

        // Candidates: radial-distance filter per stretch, its ends always kept.
        let tolerance = length / (16 * Double(budget))
        var segments = Heap()
        var chosen = Set(must)
        for s in stretches where s.count > 2 {
            var candidates = [s.lowerBound]
            for k in (s.lowerBound + 1)..<(s.upperBound - 1) {
                let last = candidates[candidates.count - 1]
                if hypot(px[k] - px[last], py[k] - py[last]) >= tolerance { candidates.append(k) }
            }
            candidates.append(s.upperBound - 1)
            segments.push(farthest(candidates, 0, candidates.count - 1, px, py))
        }
        while chosen.count < budget, let top = segments.pop(), top.distance > flat {
            chosen.insert(top.candidates[top.split])
            segments.push(farthest(top.candidates, top.from, top.split, px, py))
            segments.push(farthest(top.candidates, top.split, top.to, px, py))
        }
        return chosen.sorted()
    }

    /// A candidate this close to its segment (in scaled coordinates) lies on it: rounding, not a bend.
    static let flat = 1e-9

    /// `budget` of `indices` spread evenly, the first and last among them.
    static func evenly(_ indices: [Int], _ budget: Int) -> [Int] {
        guard indices.count > budget, budget >= 2 else { return Array(indices.prefix(max(budget, 0))) }
        return (0..<budget).map { indices[$0 * (indices.count - 1) / (budget - 1)] }
    }

    /// The segment from candidate `a` to candidate `b` with its candidate farthest from it.
    private static func farthest(_ c: [Int], _ a: Int, _ b: Int, _ px: [Double], _ py: [Double]) -> Segment {
        var best = Segment(candidates: c, from: a, to: b, split: a, distance: 0)
        guard b - a > 1 else { return best }
        let (x0, y0, x1, y1) = (px[c[a]], py[c[a]], px[c[b]], py[c[b]])
        let dx = x1 - x0, dy = y1 - y0, len2 = dx * dx + dy * dy
        for k in (a + 1)..<b {
            let x = px[c[k]], y = py[c[k]]
            // Distance to the segment (not the line): a path that turns back past an end is kept.
            let t = len2 > 0 ? min(1, max(0, ((x - x0) * dx + (y - y0) * dy) / len2)) : 0
            let d = hypot(x - (x0 + t * dx), y - (y0 + t * dy))
            if d > best.distance { best.distance = d; best.split = k }
        }
        return best
    }

    /// A piece of the path between two kept candidates, with the candidate farthest from it.
    struct Segment {
        var candidates: [Int]
        var from: Int, to: Int, split: Int
        var distance: Double
    }

    /// A max-heap of segments by distance.
    struct Heap {
        private var items: [Segment] = []

        mutating func push(_ s: Segment) {
            guard s.distance > PathSelection.flat else { return }
            items.append(s)
            var i = items.count - 1
            while i > 0, items[(i - 1) / 2].distance < items[i].distance { items.swapAt(i, (i - 1) / 2); i = (i - 1) / 2 }
        }

        mutating func pop() -> Segment? {
            guard let top = items.first else { return nil }
            let last = items.removeLast()
            guard !items.isEmpty else { return top }
            items[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < items.count, items[l].distance > items[m].distance { m = l }
                if r < items.count, items[r].distance > items[m].distance { m = r }
                if m == i { break }
                items.swapAt(i, m); i = m
            }
            return top
        }
    }
}
