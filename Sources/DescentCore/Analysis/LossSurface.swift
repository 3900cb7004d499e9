/// Loss values on a 2-D grid: `values[j][i]` is L at (xs[i], ys[j]).
public struct SurfaceGrid: Codable, Sendable, Equatable {
    /// Grid coordinates along the first axis (or the first direction's coefficient).
    public var xs: [Double]
    /// Grid coordinates along the second axis (or the second direction's coefficient).
    public var ys: [Double]
    /// Loss values, one row per y.
    public var values: [[Double]]

    /// Creates a grid.
    public init(xs: [Double], ys: [Double], values: [[Double]]) {
        self.xs = xs; self.ys = ys; self.values = values
    }
}

/// 2-D slices of a loss landscape, over a coordinate rectangle or along two directions.
public enum LossSurface {
    /// L over a rectangle of two coordinates of θ, the others held at `base` (default all zeros).
    ///
    /// `resolution` points per axis, ends included (1 gives the midpoint).
    public static func rectangle(
        _ objective: any Objective, xRange: ClosedRange<Double>, yRange: ClosedRange<Double>,
        resolution: Int, base: [Double]? = nil, axes: (Int, Int) = (0, 1)
    ) -> SurfaceGrid {
        let xs = grid(xRange, resolution), ys = grid(yRange, resolution)
        var theta = base ?? [Double](repeating: 0, count: objective.dimension)
        let values = ys.map { y in
            xs.map { x in
                theta[axes.0] = x
                theta[axes.1] = y
                return objective.value(at: theta, batch: .full)
            }
        }
        return SurfaceGrid(xs: xs, ys: ys, values: values)
    }

    /// L(center + α·d1 + β·d2) for α, β over `range`, `resolution` points each (ends included).
    public static func directions(
        _ objective: any Objective, center: [Double], d1: [Double], d2: [Double],
        range: ClosedRange<Double>, resolution: Int
    ) -> SurfaceGrid {
        let coefficients = grid(range, resolution)
        var theta = center
        let values = coefficients.map { beta in
            coefficients.map { alpha in
                for i in 0..<center.count { theta[i] = center[i] + alpha * d1[i] + beta * d2[i] }
                return objective.value(at: theta, batch: .full)
            }
        }
        return SurfaceGrid(xs: coefficients, ys: coefficients, values: values)
    }

    /// A seeded Gaussian direction, scaled to the parameters it perturbs.
    ///
    /// Without layer sizes the whole direction gets the norm of `center` (or 1 if `center` is 0).
    /// With MLP layer sizes [in, hidden…, out] it is filter-normalised (Li et al., "Visualizing the
    /// Loss Landscape of Neural Nets", 2018): each neuron's incoming weights (a row of W) get the
    /// norm of the same row of `center`, and biases and batch-norm γ, β get 0. The layout is the
    /// MLP's (per layer W row-major, b, then γ, β for batch-normalised hidden layers); if
    /// `center.count` matches neither layout (with or without batch norm) the whole-vector rule applies.
    public static func randomDirection(center: [Double], layerSizes: [Int]?, seed: UInt64) -> [Double] {
        var rng = SeededRandom(seed: seed)
        var d = center.map { _ in rng.nextGaussian() }
        if let sizes = layerSizes, let rows = weightRows(sizes, parameterCount: center.count) {
            var scaled = [Double](repeating: 0, count: center.count)
            for row in rows {
                let dn = VectorMath.norm(Array(d[row])), cn = VectorMath.norm(Array(center[row]))
                if dn > 0 { for i in row { scaled[i] = d[i] / dn * cn } }
            }
            return scaled
        }
        let dn = VectorMath.norm(d), cn = VectorMath.norm(center)
        let target = cn > 0 ? cn : 1
        if dn > 0 { d = d.map { $0 / dn * target } }
        return d
    }

    /// Index ranges of every weight row in the MLP layout, or nil if the count fits no layout.
    static func weightRows(_ sizes: [Int], parameterCount: Int) -> [Range<Int>]? {
        guard sizes.count >= 2, sizes.allSatisfy({ $0 > 0 }) else { return nil }
        let layers = sizes.count - 1
        var plain = 0, normed = 0
        for l in 0..<layers {
            let fanIn = sizes[l], fanOut = sizes[l + 1]
            plain += fanIn * fanOut + fanOut
            if l < layers - 1 { normed += 2 * fanOut }
        }
        normed += plain
        let batchNorm: Bool
        if parameterCount == plain {
            batchNorm = false
        } else if parameterCount == normed {
            batchNorm = true
        } else {
            return nil
        }
        var rows: [Range<Int>] = []
        var offset = 0
        for l in 0..<layers {
            let fanIn = sizes[l], fanOut = sizes[l + 1]
            for r in 0..<fanOut { rows.append((offset + r * fanIn)..<(offset + (r + 1) * fanIn)) }
            offset += fanIn * fanOut + fanOut
            if batchNorm && l < layers - 1 { offset += 2 * fanOut }
        }
        return rows
    }

    /// `count` evenly spaced points over `range`, both ends included; 1 point gives the midpoint.
    static func grid(_ range: ClosedRange<Double>, _ count: Int) -> [Double] {
        let lower = range.lowerBound, upper = range.upperBound
        guard count > 1 else { return [0.5 * (lower + upper)] }
        return (0..<count).map { i in
            i == count - 1 ? upper : lower + (upper - lower) * Double(i) / Double(count - 1)
        }
    }
}
