import Foundation

extension Client {
    /// The result of `POST /v1/analysis/batch-cost`: CPU time per update and per epoch at each batch size.
    public struct BatchCost: Sendable, Equatable, Codable {
        /// One batch size's figures.
        public struct Row: Sendable, Equatable, Codable {
            /// B.
            public var batchSize: Int
            /// ⌈N/B⌉.
            public var updatesPerEpoch: Int
            /// Updates of the fastest run.
            public var updates: Int
            /// CPU seconds per update.
            public var secondsPerUpdate: Double
            /// CPU seconds per epoch.
            public var secondsPerEpoch: Double
            /// CPU seconds per sample gradient.
            public var secondsPerSampleGradient: Double
        }

        /// The objective's type.
        public var objective: String
        /// Its parameters.
        public var dimension: Int
        /// Training samples N.
        public var samples: Int
        /// The optimizer's type.
        public var optimizer: String
        /// Epochs per run.
        public var epochs: Int
        /// Runs per batch size (the fastest kept).
        public var repeats: Int
        /// Threads a batch is summed on (1).
        public var threads: Int
        /// `thread_cpu`.
        public var clock: String
        /// The split timed beside the in-order sum: `none` or `lanes`.
        public var split: String
        /// Samples the split computes at once (1 for `none`, 4 for `lanes`).
        public var splitWidth: Int
        /// One row per batch size, in increasing order: the batch summed in sample order.
        public var rows: [Row]
        /// The split's rows at the same batch sizes; nil for `none`.
        public var splitRows: [Row]?
    }

    /// Measures cost per update against batch size (`POST /v1/analysis/batch-cost`) from a raw JSON body.
    public func batchCost(json body: Data) async throws(ClientError) -> BatchCost {
        try await call(BatchCost.self, "POST", "/v1/analysis/batch-cost", body: body)
    }

    /// The same measurement drawn as SVG (`POST /v1/analysis/batch-cost.svg`).
    public func batchCostSVG(json body: Data) async throws(ClientError) -> String {
        let response = try await checked("POST", "/v1/analysis/batch-cost.svg", body: body)
        return String(decoding: response.body, as: UTF8.self)
    }
}
