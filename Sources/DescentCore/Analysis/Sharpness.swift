/// Sharpness of the loss at `point`: the largest Hessian eigenvalue λmax.
///
/// Dense Jacobi for n ≤ 64, else Lanczos on Hessian-vector products.
public func sharpness(_ objective: any Objective, at point: [Double]) -> Double {
    if objective.dimension <= 64 {
        return SymmetricEigen(objective.hessian(at: point)).eigenvalues.last ?? 0
    }
    return Lanczos.extremeEigenpairs(of: objective, at: point, count: 1, end: .largest).eigenvalues.first ?? 0
}

/// Sharpness at every k-th point of a trajectory stored flat (`dimension` values per point).
///
/// - Parameters:
///   - every: stride between analysed points (default 1); the last point is always included.
/// - Returns: (index of the point, λmax) pairs in order.
public func sharpnessAlong(_ objective: any Objective, params: [Double], dimension: Int, every: Int = 1) -> [(index: Int, sharpness: Double)] {
    guard dimension > 0 else { return [] }
    let count = params.count / dimension
    guard count > 0 else { return [] }
    var indices = Array(stride(from: 0, to: count, by: max(1, every)))
    if indices.last != count - 1 { indices.append(count - 1) }
    return indices.map { i in
        (i, sharpness(objective, at: Array(params[(i * dimension)..<((i + 1) * dimension)])))
    }
}
