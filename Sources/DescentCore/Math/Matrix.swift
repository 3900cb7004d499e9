/// A dense row-major matrix of doubles.
public struct Matrix: Sendable, Equatable, Codable {
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let columns: Int
    /// Row-major storage, `rows * columns` values.
    public var storage: [Double]

    /// A rows×columns matrix filled with `value`.
    public init(rows: Int, columns: Int, repeating value: Double = 0) {
        self.rows = rows; self.columns = columns
        storage = Array(repeating: value, count: rows * columns)
    }

    /// A matrix from nested rows (all the same length).
    public init(_ nested: [[Double]]) {
        rows = nested.count
        columns = nested.first?.count ?? 0
        storage = nested.flatMap { $0 }
        precondition(storage.count == rows * columns, "ragged rows")
    }

    /// The n×n identity.
    public static func identity(_ n: Int) -> Matrix {
        var m = Matrix(rows: n, columns: n)
        for i in 0..<n { m[i, i] = 1 }
        return m
    }

    /// Element at row i, column j.
    @inlinable public subscript(i: Int, j: Int) -> Double {
        get { storage[i * columns + j] }
        set { storage[i * columns + j] = newValue }
    }

    /// Rows as nested arrays (for JSON).
    public var nested: [[Double]] {
        (0..<rows).map { Array(storage[($0 * columns)..<(($0 + 1) * columns)]) }
    }

    /// Matrix–vector product.
    public func multiply(_ v: [Double]) -> [Double] {
        precondition(v.count == columns, "dimension mismatch")
        var out = [Double](repeating: 0, count: rows)
        for i in 0..<rows {
            var s = 0.0
            for j in 0..<columns { s += storage[i * columns + j] * v[j] }
            out[i] = s
        }
        return out
    }
}
