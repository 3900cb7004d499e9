extension Client {
    /// An experiment's lifecycle state: queued → running → succeeded | failed | diverged | cancelled.
    public struct ExperimentStatus: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
        /// The wire value.
        public var rawValue: String
        /// Wraps a wire value.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// Single-value decoding of the wire string.
        public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
        /// Single-value encoding of the wire string.
        public func encode(to encoder: any Encoder) throws { var c = encoder.singleValueContainer(); try c.encode(rawValue) }

        /// Waiting for a worker.
        public static let queued = ExperimentStatus(rawValue: "queued")
        /// Being trained.
        public static let running = ExperimentStatus(rawValue: "running")
        /// Finished normally.
        public static let succeeded = ExperimentStatus(rawValue: "succeeded")
        /// Stopped by an error.
        public static let failed = ExperimentStatus(rawValue: "failed")
        /// Stopped because the loss became non-finite or exploded.
        public static let diverged = ExperimentStatus(rawValue: "diverged")
        /// Stopped on request.
        public static let cancelled = ExperimentStatus(rawValue: "cancelled")

        /// Whether no further change will happen.
        public var isTerminal: Bool { self != .queued && self != .running }
        /// The wire value.
        public var description: String { rawValue }
    }

    /// Steps done out of the budget.
    public struct ExperimentProgress: Sendable, Equatable, Codable {
        /// Optimizer steps completed.
        public var stepsDone: Int
        /// Step budget.
        public var stepsTotal: Int
    }

    /// The outcome of a finished run.
    public struct ExperimentSummary: Sendable, Equatable, Codable {
        /// `budget`, `grad_norm_tol`, `loss_target`, `diverged` or `cancelled`.
        public var stopReason: String
        /// Optimizer steps performed.
        public var stepsRun: Int
        /// Loss at the last step.
        public var finalLoss: Double
        /// Lowest full training-set loss evaluated (every step for closed forms; step 0, every
        /// `evaluationEvery` steps and the end for dataset objectives).
        public var bestLoss: Double?
        /// Step of the lowest loss.
        public var bestStep: Int?
        /// Lowest single mini-batch loss (dataset objectives).
        public var bestBatchLoss: Double?
        /// Step of the lowest mini-batch loss.
        public var bestBatchStep: Int?
        /// Steps between full training-set evaluations (dataset objectives).
        public var evaluationEvery: Int?
        /// Parameters after the last step.
        public var finalParams: [Double]?
        /// Gradient norm at the last step.
        public var finalGradNorm: Double?
        /// Loss over the whole training set (dataset objectives).
        public var trainLoss: Double?
        /// Loss over the validation set, if any.
        public var validationLoss: Double?
        /// Validation accuracy for classifiers, if any.
        public var validationAccuracy: Double?
        /// Training-set loss with batch norm's batch statistics instead of its running averages (batch-normalised models).
        public var trainLossBatchStats: Double?
        /// The parameter average after the last update: an `ema` or `polyak` transform's, or ASGD's `ax`.
        public var averagedParams: [Double]?
        /// The full training-set loss at `averagedParams`.
        public var averagedLoss: Double?
        /// L-BFGS: loss-and-gradient evaluations over the run's steps.
        public var functionEvaluations: Int?
    }

    /// An experiment resource as `GET /v1/experiments/{id}` returns it.
    public struct Experiment: Sendable, Equatable, Codable {
        /// Server-assigned identifier.
        public var id: String
        /// Lifecycle state.
        public var status: ExperimentStatus
        /// Name from the spec.
        public var name: String?
        /// Tags from the spec.
        public var tags: [String]?
        /// RFC 3339 creation time.
        public var createdAt: String?
        /// RFC 3339 start time, once running.
        public var startedAt: String?
        /// RFC 3339 end time, once terminal.
        public var finishedAt: String?
        /// Steps done / total.
        public var progress: ExperimentProgress?
        /// The submitted spec.
        public var spec: JSONValue?
        /// Result summary, once finished.
        public var summary: ExperimentSummary?
        /// Why it failed, for failed runs.
        public var error: APIError?
        /// The study it belongs to, if any.
        public var studyId: String?
        /// Runs started: 0 while queued, 1 normally, more when a run was taken over from a stopped or dead instance.
        public var attempts: Int?
        /// Free text set with `annotate(id:tags:note:)`.
        public var note: String?
    }

    /// One page of `GET /v1/experiments`.
    public struct ExperimentPage: Sendable, Equatable, Codable {
        /// Experiments on this page.
        public var items: [Experiment]
        /// Cursor for the next page; nil on the last page.
        public var nextCursor: String?
    }

    /// Filters and paging for `GET /v1/experiments`.
    public struct ExperimentQuery: Sendable, Equatable {
        /// Only this status.
        public var status: ExperimentStatus?
        /// Only experiments with this tag.
        public var tag: String?
        /// Only this objective type.
        public var objective: String?
        /// Only this optimizer type.
        public var optimizer: String?
        /// Field conditions joined by commas (`optimizer.lr:0.001..0.1,optimizer.type:adam`; docs/api.md).
        public var filter: String?
        /// `created_at`, a summary metric (`summary.final_loss`) or a spec path, optionally after `-` (descending).
        public var sort: String?
        /// Page size (server default 50).
        public var limit: Int?
        /// Cursor from the previous page.
        public var cursor: String?

        /// Creates a query; every filter is optional.
        public init(status: ExperimentStatus? = nil, tag: String? = nil, objective: String? = nil, optimizer: String? = nil,
                    filter: String? = nil, sort: String? = nil, limit: Int? = nil, cursor: String? = nil) {
            self.status = status; self.tag = tag; self.objective = objective; self.optimizer = optimizer
            self.filter = filter; self.sort = sort; self.limit = limit; self.cursor = cursor
        }

        var items: [(String, String?)] {
            [("status", status?.rawValue), ("tag", tag), ("objective", objective), ("optimizer", optimizer),
             ("filter", filter), ("sort", sort), ("limit", limit.map(String.init)), ("cursor", cursor)]
        }
    }
}
