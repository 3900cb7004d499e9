/// The loss along a segment: `values[i]` is L((1 − αᵢ)·a + αᵢ·b).
public struct LossProfile: Codable, Sendable, Equatable {
    /// Interpolation coefficients (0 at `a`, 1 at `b`).
    public var alphas: [Double]
    /// The loss at each coefficient.
    public var values: [Double]
}

/// The plane through a trajectory's last point spanned by its path's top two principal directions.
public struct TrajectoryPlane: Sendable, Equatable {
    /// The plane's origin: the path's last point.
    public var center: [Double]
    /// First and second principal directions of the centred path (unit, orthogonal).
    public var directions: [[Double]]
    /// Share of the centred path's variance along each direction (sums to ≤ 1).
    public var explainedVariance: [Double]
    /// The path's coordinates along the first direction, (θᵢ − center)·d₁.
    public var xs: [Double]
    /// The path's coordinates along the second direction, (θᵢ − center)·d₂.
    public var ys: [Double]
}

/// Directions and profiles for loss-landscape plots (Li et al., "Visualizing the Loss Landscape of
/// Neural Nets", 2018): 1-D interpolation, planes of random, eigen- or coordinate directions, and the
/// PCA plane of a trajectory.
public enum Landscape {
    /// L((1 − α)·a + α·b) for `points` values of α evenly over `alphas`, ends included.
    public static func line(_ objective: any Objective, from a: [Double], to b: [Double],
                            alphas: ClosedRange<Double>, points: Int) -> LossProfile {
        let coefficients = LossSurface.grid(alphas, points)
        var theta = a
        let values = coefficients.map { alpha in
            for i in 0..<a.count { theta[i] = (1 - alpha) * a[i] + alpha * b[i] }
            return objective.value(at: theta, batch: .full)
        }
        return LossProfile(alphas: coefficients, values: values)
    }

    /// L(center + x·d₁ + y·d₂) over a `resolution` × `resolution` grid (`values[j][i]` at (xs[i], ys[j])).
    public static func plane(_ objective: any Objective, center: [Double], directions d: [[Double]],
                             xRange: ClosedRange<Double>, yRange: ClosedRange<Double>, resolution: Int) -> SurfaceGrid {
        let xs = LossSurface.grid(xRange, resolution), ys = LossSurface.grid(yRange, resolution)
        var theta = center
        let values = ys.map { y in
            xs.map { x in
                for i in 0..<center.count { theta[i] = center[i] + x * d[0][i] + y * d[1][i] }
                return objective.value(at: theta, batch: .full)
            }
        }
        return SurfaceGrid(xs: xs, ys: ys, values: values)
    }

    /// Two seeded random directions around `center`, filter-normalised for MLPs: the first from `seed`,
    /// the second from `seed &+ 1` (see `LossSurface.randomDirection`).
    public static func randomDirections(_ objective: any Objective, center: [Double], seed: UInt64) -> [[Double]] {
        let sizes = (objective as? any DatasetModel)?.layerSizes
        return [LossSurface.randomDirection(center: center, layerSizes: sizes, seed: seed),
                LossSurface.randomDirection(center: center, layerSizes: sizes, seed: seed &+ 1)]
    }

    /// Unit vectors along parameters `i` and `j`.
    public static func coordinateDirections(dimension: Int, _ i: Int, _ j: Int) -> [[Double]] {
        var d1 = [Double](repeating: 0, count: dimension), d2 = d1
        d1[i] = 1
        d2[j] = 1
        return [d1, d2]
    }

    /// The unit eigenvectors of the two largest Hessian eigenvalues at `point`, largest first, with
    /// those eigenvalues: dense Jacobi for n ≤ 64, else Lanczos on Hessian-vector products.
    public static func topEigenvectors(_ objective: any Objective, at point: [Double]) -> (values: [Double], vectors: [[Double]]) {
        if objective.dimension <= 64 {
            let eigen = SymmetricEigen(objective.hessian(at: point))
            return (eigen.eigenvalues.suffix(2).reversed(), eigen.eigenvectors.suffix(2).reversed())
        }
        let r = Lanczos.extremeEigenpairs(of: objective, at: point, count: 2, end: .largest)
        return (r.eigenvalues, r.eigenvectors)
    }

    /// The PCA plane of `path` (one parameter vector per point, at least one point).
    ///
    /// With X the path centred on its mean (m × n), the principal directions are dₖ = Xᵀvₖ/√λₖ for the
    /// top eigenpairs (λₖ, vₖ) of the Gram matrix XXᵀ (m × m, so the cost is O(m²n + m³) whatever n);
    /// each gets the sign of `VectorMath.fixSign`. When the path spans fewer than two directions the
    /// missing ones are completed with coordinate axes made orthogonal (Gram–Schmidt). The plane's
    /// origin is the last point, as in Li et al.; `explainedVariance[k]` is λₖ / tr(XXᵀ) (0 for a point).
    public static func pcaPlane(path: [[Double]]) -> TrajectoryPlane {
        let m = path.count, n = path.first?.count ?? 0
        var mean = [Double](repeating: 0, count: n)
        for p in path { VectorMath.axpy(1 / Double(m), p, &mean) }
        let centred = path.map { p in (0..<n).map { p[$0] - mean[$0] } }
        var gram = Matrix(rows: m, columns: m)
        for i in 0..<m { for j in 0...i {
            let g = VectorMath.dot(centred[i], centred[j])
            gram[i, j] = g
            gram[j, i] = g
        } }
        let eigen = SymmetricEigen(gram)
        let total = max(eigen.eigenvalues.reduce(0) { $0 + max($1, 0) }, 0)
        var directions: [[Double]] = [], variance: [Double] = []
        for k in eigen.eigenvalues.indices.reversed().prefix(2) where eigen.eigenvalues[k] > 1e-12 * max(total, .leastNormalMagnitude) {
            var d = [Double](repeating: 0, count: n)
            for i in 0..<m { VectorMath.axpy(eigen.eigenvectors[k][i], centred[i], &d) }
            d = VectorMath.normalized(d)
            VectorMath.fixSign(&d)
            directions.append(d)
            variance.append(eigen.eigenvalues[k] / total)
        }
        var axis = 0
        while directions.count < min(2, n), axis < n {
            var e = [Double](repeating: 0, count: n)
            e[axis] = 1
            axis += 1
            for d in directions { VectorMath.axpy(-VectorMath.dot(d, e), d, &e) }
            guard VectorMath.norm(e) > 1e-6 else { continue }
            directions.append(VectorMath.normalized(e))
            variance.append(0)
        }
        let center = path.last ?? []
        let offsets = path.map { p in (0..<n).map { p[$0] - center[$0] } }
        let coordinate = { (k: Int) in offsets.map { k < directions.count ? VectorMath.dot($0, directions[k]) : 0 } }
        return TrajectoryPlane(center: center, directions: directions, explainedVariance: variance, xs: coordinate(0), ys: coordinate(1))
    }
}
