/// The sharpness of the full training loss at one step of a run (`"analysis": {"sharpness_every": k}`).
///
/// Recorded at θ before the step's update, from the full training set's Hessian (inference mode), so the
/// records read θ only and the run is the same with or without them.
public struct SharpnessRecord: Sendable, Equatable, Codable {
    /// Optimizer step (θ before that step's update).
    public var step: Int
    /// Learning rate of that step (the plot compares λmax with 2/η).
    public var lr: Double
    /// Largest Hessian eigenvalue λmax.
    public var lambdaMax: Double
    /// |cos| of the angle between the full gradient and the top eigenvector, in [0, 1] (the eigenvector's
    /// sign is arbitrary); 0 when the gradient is 0.
    public var alignment: Double

    /// Creates a record.
    public init(step: Int, lr: Double, lambdaMax: Double, alignment: Double) {
        self.step = step; self.lr = lr; self.lambdaMax = lambdaMax; self.alignment = alignment
    }

    /// The record at `theta`: λmax and its eigenvector from the dense Hessian by Jacobi when n ≤ 64 (exact),
    /// else by Lanczos on Hessian-vector products (full reorthogonalisation, residual ≤ 1e-10 relative, at most
    /// 300 products); the gradient is the full training set's. NaN for both at a non-finite θ (a diverged run).
    static func measure<O: Objective>(_ objective: O, at theta: [Double], step: Int, lr: Double) -> SharpnessRecord {
        let n = objective.dimension
        guard theta.allSatisfy(\.isFinite) else { return SharpnessRecord(step: step, lr: lr, lambdaMax: .nan, alignment: .nan) }
        let value: Double, vector: [Double]
        if n <= 64 {
            let eigen = SymmetricEigen(objective.hessian(at: theta))
            value = eigen.eigenvalues.last ?? 0
            vector = eigen.eigenvectors.last ?? []
        } else {
            let top = Lanczos.extremeEigenpairs(dimension: n, count: 1, end: .largest) { objective.hessianVectorProduct(at: theta, $0) }
            value = top.eigenvalues.first ?? 0
            vector = top.eigenvectors.first ?? []
        }
        var gradient = [Double](repeating: 0, count: n)
        _ = objective.valueAndGradient(at: theta, batch: .full, gradient: &gradient)
        var dot = 0.0, squares = 0.0, vectorSquares = 0.0
        for i in 0..<min(n, vector.count) {
            dot += gradient[i] * vector[i]; squares += gradient[i] * gradient[i]; vectorSquares += vector[i] * vector[i]
        }
        let norms = (squares * vectorSquares).squareRoot()
        return SharpnessRecord(step: step, lr: lr, lambdaMax: value, alignment: norms > 0 ? min(1, abs(dot) / norms) : 0)
    }
}
