extension Client {
    /// One member of a study with its headline results.
    public struct StudyEntry: Sendable, Equatable, Codable {
        /// Experiment id.
        public var id: String
        /// Label naming the grid point, e.g. `optimizer.type=adam`.
        public var label: String?
        /// Experiment status.
        public var status: ExperimentStatus
        /// Loss at the last step, once finished.
        public var finalLoss: Double?
        /// Lowest loss, once finished.
        public var bestLoss: Double?
        /// Steps performed.
        public var stepsRun: Int?
        /// First step at which the loss target was reached, if any.
        public var stepsToTarget: Int?
        /// Wall-clock run time in milliseconds.
        public var durationMs: Double?
    }

    /// A study resource (`POST /v1/studies`, `GET /v1/studies/{id}`).
    public struct Study: Sendable, Equatable, Codable {
        /// Study id.
        public var id: String
        /// Name from the request.
        public var name: String?
        /// Aggregate status.
        public var status: String?
        /// Loss the `stepsToTarget` column counts to, when the study has one.
        public var lossTarget: Double?
        /// Member experiments in grid order.
        public var experiments: [StudyEntry]

        /// Whether every member has reached a final state.
        public var isFinished: Bool { experiments.allSatisfy { $0.status.isTerminal } }
    }

    /// A named, ready-to-run experiment or study (`GET /v1/presets`).
    public struct Preset: Sendable, Equatable, Codable {
        /// Identifier used in `/v1/presets/{name}/run`.
        public var name: String
        /// Short title.
        public var title: String?
        /// What it demonstrates.
        public var description: String?
        /// `experiment` or `study`.
        public var kind: String
        /// The spec or study request it submits.
        public var body: JSONValue?
    }

    /// What running a preset started.
    public enum PresetLaunch: Sendable, Equatable {
        /// A single experiment.
        case experiment(Experiment)
        /// A study.
        case study(Study)
    }

    /// The result of `POST /v1/analysis/critical-point`.
    public struct CriticalPointReport: Sendable, Equatable, Codable {
        /// Objective value at the point.
        public var value: Double
        /// Gradient at the point.
        public var gradient: [Double]
        /// Its Euclidean norm.
        public var gradientNorm: Double
        /// Whether the gradient is (numerically) zero.
        public var isCritical: Bool
        /// Number of parameters.
        public var dimension: Int
        /// Hessian rows (small problems only).
        public var hessian: [[Double]]?
        /// Hessian eigenvalues, ascending (all, or both ends of the spectrum; see `eigenvaluesComplete`).
        public var eigenvalues: [Double]
        /// Unit eigenvectors, one per eigenvalue.
        public var eigenvectors: [[Double]]?
        /// Whether `eigenvalues` is the whole spectrum (false above 64 parameters: only its ends).
        public var eigenvaluesComplete: Bool
        /// Position of each listed eigenvalue in the whole ascending spectrum, 0-based.
        public var eigenvalueIndices: [Int]
        /// `not_critical`, `local_minimum`, `local_maximum`, `saddle` or `degenerate`.
        public var kind: String
        /// The Hessian's definiteness: `positive_definite`, `negative_definite`, `indefinite`,
        /// `positive_semidefinite`, `negative_semidefinite` or `zero`.
        public var curvature: String
        /// What the kind and curvature mean at this point, in words.
        public var note: String
        /// Direction of most negative curvature, turned downhill.
        public var escapeDirection: [Double]?
        /// Its eigenvalue.
        public var escapeEigenvalue: Double?
        /// Predicted change of the loss for a step along it (negative: a decrease).
        public var predictedChange: Double?
    }

    /// The result of `POST /v1/analysis/surface`: `values[j][i]` is the loss at `(xs[i], ys[j])`.
    public struct SurfaceGrid: Sendable, Equatable, Codable {
        /// Grid abscissae.
        public var xs: [Double]
        /// Grid ordinates.
        public var ys: [Double]
        /// Loss values, one row per y.
        public var values: [[Double]]
    }
}
