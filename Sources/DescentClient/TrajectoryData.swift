extension Client {
    /// End-of-epoch losses in a trajectory response.
    public struct EpochPoint: Sendable, Equatable, Codable {
        /// Epoch number.
        public var epoch: Int
        /// Optimizer steps done when the epoch ended.
        public var step: Int
        /// Loss over the training set.
        public var trainLoss: Double?
        /// Loss over the validation set, if any.
        public var validationLoss: Double?
        /// Validation accuracy, if any.
        public var validationAccuracy: Double?
    }

    /// A sharpness record in a trajectory response (`analysis.sharpness_every`).
    public struct SharpnessPoint: Sendable, Equatable, Codable {
        /// Optimizer step (θ before that step's update).
        public var step: Int
        /// Learning rate of that step.
        public var lr: Double
        /// Largest eigenvalue of the full training loss's Hessian.
        public var lambdaMax: Double
        /// |cos| of the angle between the full gradient and the top eigenvector.
        public var alignment: Double
    }

    /// One hidden layer's pre-activation statistics at one evaluation (`analysis.layer_stats`).
    public struct LayerStatsPoint: Sendable, Equatable, Codable {
        /// Optimizer step of the evaluation.
        public var step: Int
        /// Hidden layer, 0 for the first.
        public var layer: Int
        /// Mean of the affine outputs (before batch normalisation).
        public var mean: Double
        /// Standard deviation of the affine outputs.
        public var std: Double
        /// With batch norm: mean of γx̂ + β; nil without.
        public var normalizedMean: Double?
        /// With batch norm: standard deviation of γx̂ + β; nil without.
        public var normalizedStd: Double?
    }

    /// Columns of `GET /v1/experiments/{id}/trajectory`; a column is nil when not requested.
    public struct TrajectoryData: Sendable, Equatable, Codable {
        /// Experiment id.
        public var id: String
        /// Experiment status when read.
        public var status: ExperimentStatus?
        /// Parameters per params row.
        public var dimension: Int
        /// Rows recorded in total.
        public var total: Int
        /// Rows in this response.
        public var count: Int
        /// Step of each row.
        public var step: [Int]?
        /// Epoch of each row.
        public var epoch: [Int]?
        /// Learning rate of each row.
        public var lr: [Double]?
        /// Loss of each row.
        public var loss: [Double]?
        /// Gradient norm of each row.
        public var gradNorm: [Double]?
        /// Parameters of each row.
        public var params: [[Double]]?
        /// End-of-epoch records.
        public var epochs: [EpochPoint]?
        /// Sharpness records; nil when the run has none.
        public var sharpness: [SharpnessPoint]?
        /// Per-hidden-layer pre-activation statistics; nil when the run has none.
        public var layerStats: [LayerStatsPoint]?
        /// Names of the optimizer internals of each row (`record_internals`); nil when the run has none.
        public var internalNames: [String]?
        /// The optimizer internals of each row, in the order of `internalNames`; nil when the run has none.
        public var internals: [[Double]]?
        /// Whether rows were thinned to `max_points`.
        public var downsampled: Bool?

        /// The column of internal `name` (e.g. `m[0]`, `update_norm`); nil when the response has no such internal.
        public func internalColumn(_ name: String) -> [Double]? {
            guard let j = internalNames?.firstIndex(of: name), let rows = internals else { return nil }
            return rows.map { $0[j] }
        }
    }

    /// Row range, columns and thinning for trajectory reads.
    public struct TrajectoryQuery: Sendable, Equatable {
        /// First step (inclusive).
        public var from: Int?
        /// Last step.
        public var to: Int?
        /// Columns: any of `loss`, `lr`, `grad_norm`, `params`, `epoch`; nil for the server default.
        public var fields: [String]?
        /// Keep every n-th row.
        public var every: Int?
        /// Downsample to at most this many rows.
        public var maxPoints: Int?

        /// Creates a query; every part is optional.
        public init(from: Int? = nil, to: Int? = nil, fields: [String]? = nil, every: Int? = nil, maxPoints: Int? = nil) {
            self.from = from; self.to = to; self.fields = fields; self.every = every; self.maxPoints = maxPoints
        }

        var items: [(String, String?)] {
            [("from", from.map(String.init)), ("to", to.map(String.init)), ("fields", fields?.joined(separator: ",")),
             ("every", every.map(String.init)), ("max_points", maxPoints.map(String.init))]
        }
    }
}
