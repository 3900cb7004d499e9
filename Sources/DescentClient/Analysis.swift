import Foundation

extension Client {
    /// The result of `POST /v1/experiments/{id}/analysis`: the Hessian spectrum at one point of a run.
    public struct ExperimentAnalysis: Sendable, Equatable, Codable {
        /// The samples the loss was over.
        public struct Batch: Sendable, Equatable, Codable {
            /// `full`, `epoch` or `indices`.
            public var kind: String
            /// Epoch of an `epoch` batch.
            public var epoch: Int?
            /// Index of an `epoch` batch within its epoch.
            public var index: Int?
            /// Samples in the batch (0 for closed forms).
            public var size: Int
        }

        /// The trace, exact or Hutchinson's estimate.
        public struct Trace: Sendable, Equatable, Codable {
            /// tr(H).
            public var value: Double
            /// Its standard error (0 when exact).
            public var standardError: Double?
            /// `exact` or `hutchinson`.
            public var method: String
            /// Probes used.
            public var probes: Int
        }

        /// The eigenvalue density by stochastic Lanczos quadrature.
        public struct Density: Sendable, Equatable, Codable {
            /// Quadrature nodes, ascending.
            public var nodes: [Double]
            /// Their weights, summing to 1.
            public var weights: [Double]
            /// Grid of the smoothed density.
            public var grid: [Double]
            /// The density at each grid point.
            public var density: [Double]
            /// Gaussian width.
            public var sigma: Double
            /// Σ wθᵖ for p = 1…4.
            public var moments: [Double]
            /// `rademacher` or `basis`.
            public var probeKind: String
            /// Probes.
            public var probes: Int
            /// Lanczos steps per probe.
            public var steps: Int
        }

        /// The spectrum at the point.
        public struct Spectrum: Sendable, Equatable, Codable {
            /// Loss at the point.
            public var value: Double
            /// Gradient norm at the point.
            public var gradientNorm: Double
            /// Parameters.
            public var dimension: Int
            /// `dense` or `lanczos`.
            public var method: String
            /// Largest eigenvalues, largest first.
            public var topEigenvalues: [Double]
            /// Their eigenvectors.
            public var topEigenvectors: [[Double]]
            /// Smallest eigenvalues, smallest first.
            public var bottomEigenvalues: [Double]
            /// Their eigenvectors.
            public var bottomEigenvectors: [[Double]]
            /// Whether Lanczos converged (true for dense).
            public var converged: Bool
            /// The trace.
            public var trace: Trace
            /// The density, when asked for.
            public var density: Density?
            /// Fraction of negative eigenvalues, when known.
            public var negativeFraction: Double?
            /// `exact` or `slq`.
            public var negativeFractionMethod: String?
            /// max|λ| / min|λ|, when known.
            public var conditionNumber: Double?
        }

        /// The experiment.
        public var experimentId: String
        /// The analysed step.
        public var step: Int
        /// Whether it is the final point.
        public var final: Bool
        /// The samples.
        public var batch: Batch
        /// The spectrum.
        public var spectrum: Spectrum
    }

    /// Hessian spectrum of experiment `id` (`POST /v1/experiments/{id}/analysis`) from a raw JSON body.
    public func analyzeExperiment(id: String, json body: Data) async throws(ClientError) -> ExperimentAnalysis {
        try await call(ExperimentAnalysis.self, "POST", "/v1/experiments/\(Self.segment(id))/analysis", body: body)
    }
}
