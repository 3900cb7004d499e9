import Foundation

extension Client {
    /// The result of `POST /v1/analysis/landscape`: a line, a plane or a run's PCA plane.
    public struct Landscape: Sendable, Equatable, Codable {
        /// Where a point came from; both nil for a point typed in.
        public struct PointUsed: Sendable, Equatable, Codable {
            /// The experiment.
            public var experimentId: String?
            /// Its step.
            public var step: Int?
        }

        /// The loss along the line: `values[i]` at L((1 − αᵢ)·from + αᵢ·to).
        public struct Line: Sendable, Equatable, Codable {
            /// The coefficients α.
            public var alphas: [Double]
            /// The loss at each.
            public var values: [Double]
        }

        /// A PCA plane's path: its steps and coordinates along the two directions.
        public struct Path: Sendable, Equatable, Codable {
            /// Recorded steps.
            public var steps: [Int]
            /// Coordinates along the first direction.
            public var xs: [Double]
            /// Coordinates along the second direction.
            public var ys: [Double]
        }

        /// `line`, `plane` or `pca`.
        public var kind: String
        /// Parameters of the objective.
        public var dimension: Int
        /// `line`: its ends.
        public var from: PointUsed?, to: PointUsed?
        /// `plane`: its centre.
        public var at: PointUsed?
        /// `line`: the profile.
        public var line: Line?
        /// `plane`: `random`, `eigenvectors` or `coordinates`.
        public var directions: String?
        /// `eigenvectors`: the two largest eigenvalues.
        public var eigenvalues: [Double]?
        /// `coordinates`: the two parameter indices.
        public var indices: [Int]?
        /// `plane`, `pca`: the grid.
        public var grid: SurfaceGrid?
        /// `pca`: the run.
        public var experimentId: String?
        /// `pca`: each direction's share of the path's variance.
        public var explainedVariance: [Double]?
        /// `pca`: the projected path.
        public var path: Path?
    }

    /// A loss landscape (`POST /v1/analysis/landscape`) from a raw JSON body.
    public func landscape(json body: Data) async throws(ClientError) -> Landscape {
        try await call(Landscape.self, "POST", "/v1/analysis/landscape", body: body)
    }

    /// The same landscape drawn as SVG (`POST /v1/analysis/landscape.svg`).
    public func landscapeSVG(json body: Data) async throws(ClientError) -> String {
        let response = try await checked("POST", "/v1/analysis/landscape.svg", body: body)
        return String(decoding: response.body, as: UTF8.self)
    }
}
