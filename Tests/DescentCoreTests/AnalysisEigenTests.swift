import DescentCore
import Testing

@Suite struct AnalysisEigenTests {
    /// A random symmetric n×n matrix (B + Bᵀ)/2 with standard normal B.
    static func randomSymmetric(_ n: Int, seed: UInt64) -> Matrix {
        var rng = SeededRandom(seed: seed)
        var b = Matrix(rows: n, columns: n)
        for i in 0..<n { for j in 0..<n { b[i, j] = rng.nextGaussian() } }
        var a = Matrix(rows: n, columns: n)
        for i in 0..<n { for j in 0..<n { a[i, j] = 0.5 * (b[i, j] + b[j, i]) } }
        return a
    }

    private func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }

    @Test func jacobiOfTwoOneOneTwoGivesOneAndThree() {
        let e = SymmetricEigen(Matrix([[2, 1], [1, 2]]))
        let r = 0.5.squareRoot()
        #expect(abs(e.eigenvalues[0] - 1) < 1e-15 && abs(e.eigenvalues[1] - 3) < 1e-15)
        #expect(FiniteDifference.relativeError(e.eigenvectors[0], [r, -r]) < 1e-15)
        #expect(FiniteDifference.relativeError(e.eigenvectors[1], [r, r]) < 1e-15)
    }

    @Test func jacobiOfDiagonalMatrixSortsItsDiagonal() {
        let e = SymmetricEigen(Matrix([[5, 0, 0], [0, -1, 0], [0, 0, 2]]))
        #expect(e.eigenvalues == [-1, 2, 5])
        #expect(e.eigenvectors == [[0, 1, 0], [0, 0, 1], [1, 0, 0]])
    }

    @Test func jacobiFlipsEigenvectorsSoTheLargestComponentIsPositive() {
        // [[1, 2], [2, 1]] has eigenvector (1, −1)/√2 for −1 and the largest-magnitude entry comes first.
        let e = SymmetricEigen(Matrix([[0, 0, 0], [0, 4, -3], [0, -3, 4]]))
        for v in e.eigenvectors {
            let largest = v.map(abs).max() ?? 0
            let first = v.first { abs($0) >= largest * (1 - 1e-12) } ?? 0
            #expect(first > 0)
        }
    }

    @Test(arguments: [1, 2, 5, 20, 64])
    func jacobiSatisfiesEigenEquationOnRandomSymmetricMatrices(_ n: Int) {
        let a = Self.randomSymmetric(n, seed: UInt64(100 + n))
        let e = SymmetricEigen(a)
        for k in 0..<n {
            let v = e.eigenvectors[k]
            let av = a.multiply(v), lv = v.map { $0 * e.eigenvalues[k] }
            #expect(FiniteDifference.relativeError(av, lv) < 1e-10, "pair \(k)")
            #expect(abs(dot(v, v) - 1) < 1e-13)
            if k + 1 < n { #expect(abs(dot(v, e.eigenvectors[k + 1])) < 1e-10) }
            if k > 0 { #expect(e.eigenvalues[k - 1] <= e.eigenvalues[k]) }
        }
        let trace = (0..<n).reduce(0.0) { $0 + a[$1, $1] }
        #expect(abs(e.eigenvalues.reduce(0, +) - trace) < 1e-10 * Double(n))
    }

    @Test func jacobiOfIdentityKeepsTheStandardBasis() {
        let e = SymmetricEigen(Matrix.identity(4))
        #expect(e.eigenvalues == [1, 1, 1, 1])
        #expect(e.eigenvectors == Matrix.identity(4).nested)
    }

    @Test(arguments: [1, 2, 7, 40])
    func tridiagonalQLAgreesWithJacobi(_ m: Int) {
        var rng = SeededRandom(seed: UInt64(m))
        let d = (0..<m).map { _ in rng.nextGaussian() }
        var off = (0..<max(0, m - 1)).map { _ in rng.nextGaussian() }
        if m > 4 { off[m / 2] = 0 }  // a split into two blocks
        var full = Matrix(rows: m, columns: m)
        for i in 0..<m {
            full[i, i] = d[i]
            if i + 1 < m { full[i, i + 1] = off[i]; full[i + 1, i] = off[i] }
        }
        let t = TridiagonalEigen(diagonal: d, offDiagonal: off)
        let j = SymmetricEigen(full)
        for k in 0..<m {
            #expect(abs(t.eigenvalues[k] - j.eigenvalues[k]) < 1e-12)
            let residual = zip(full.multiply(t.eigenvectors[k]), t.eigenvectors[k]).map { $0 - t.eigenvalues[k] * $1 }
            #expect(residual.allSatisfy { abs($0) < 1e-12 })
            #expect(abs(dot(t.eigenvectors[k], t.eigenvectors[k]) - 1) < 1e-14)
        }
    }

    @Test func lanczosAgreesWithJacobiOnARandomHundredDimensionalQuadratic() {
        let n = 100
        let a = Self.randomSymmetric(n, seed: 7)
        let q = QuadraticObjective(a: a, b: [Double](repeating: 0, count: n))
        let exact = SymmetricEigen(a)
        let point = [Double](repeating: 0, count: n)
        let top = Lanczos.extremeEigenpairs(of: q, at: point, count: 3, end: .largest)
        let bottom = Lanczos.extremeEigenpairs(of: q, at: point, count: 3, end: .smallest)
        #expect(top.converged && bottom.converged)
        for i in 0..<3 {
            #expect(abs(top.eigenvalues[i] - exact.eigenvalues[n - 1 - i]) < 1e-8)
            #expect(abs(bottom.eigenvalues[i] - exact.eigenvalues[i]) < 1e-8)
            #expect(abs(abs(dot(top.eigenvectors[i], exact.eigenvectors[n - 1 - i])) - 1) < 1e-8)
            #expect(abs(abs(dot(bottom.eigenvectors[i], exact.eigenvectors[i])) - 1) < 1e-8)
        }
    }

    @Test func lanczosFindsRepeatedEigenvaluesByRestarting() {
        // diag(1, 1, 1, 5, 5): the Krylov space from one start vector is only 2-dimensional.
        let d: [Double] = [1, 1, 1, 5, 5]
        let r = Lanczos.extremeEigenpairs(dimension: 5, count: 4, end: .smallest) { v in zip(d, v).map { $0 * $1 } }
        #expect(r.eigenvalues.count == 4)
        for (got, want) in zip(r.eigenvalues, [1.0, 1, 1, 5]) { #expect(abs(got - want) < 1e-12) }
    }

    @Test func lanczosReportsNonConvergenceWhenStoppedEarly() {
        let a = Self.randomSymmetric(100, seed: 11)
        let r = Lanczos.extremeEigenpairs(dimension: 100, count: 3, end: .smallest, maxIterations: 10) { a.multiply($0) }
        #expect(r.iterations == 10 && !r.converged && r.eigenvalues.count == 3)
    }

    @Test func lanczosIsDeterministic() {
        let a = Self.randomSymmetric(80, seed: 9)
        let run = { Lanczos.extremeEigenpairs(dimension: 80, count: 2, end: .largest) { a.multiply($0) } }
        #expect(run() == run())
    }
}
