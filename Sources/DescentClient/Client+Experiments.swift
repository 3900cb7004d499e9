import Foundation

extension Client {
    /// Submits a spec given as raw JSON (`POST /v1/experiments`); returns the queued experiment.
    ///
    /// - Parameter idempotencyKey: resubmitting with the same key returns the same experiment.
    public func submit(json spec: Data, idempotencyKey: String? = nil) async throws(ClientError) -> Experiment {
        let headers = idempotencyKey.map { ["Idempotency-Key: \($0)"] } ?? []
        return try await call(Experiment.self, "POST", "/v1/experiments", body: spec, headers: headers)
    }

    /// Submits any encodable spec (for example a `JSONValue`); returns the queued experiment.
    public func submit(_ spec: some Encodable, idempotencyKey: String? = nil) async throws(ClientError) -> Experiment {
        try await submit(json: Self.encode(spec), idempotencyKey: idempotencyKey)
    }

    /// One experiment (`GET /v1/experiments/{id}`).
    public func experiment(id: String) async throws(ClientError) -> Experiment {
        try await call(Experiment.self, "GET", "/v1/experiments/\(Self.segment(id))")
    }

    /// A page of experiments (`GET /v1/experiments`).
    public func experiments(_ query: ExperimentQuery = ExperimentQuery()) async throws(ClientError) -> ExperimentPage {
        try await call(ExperimentPage.self, "GET", Self.path("/v1/experiments", query.items))
    }

    /// Replaces an experiment's tags and/or sets its note (`.some(nil)` removes it): `PATCH /v1/experiments/{id}`.
    public func annotate(id: String, tags: [String]? = nil, note: String?? = nil) async throws(ClientError) -> Experiment {
        struct Body: Encodable {
            var tags: [String]?
            var note: String??
            enum CodingKeys: CodingKey { case tags, note }
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encodeIfPresent(tags, forKey: .tags)
                if let note { try c.encode(note, forKey: .note) }  // .some(nil) is an explicit null
            }
        }
        return try await call(Experiment.self, "PATCH", "/v1/experiments/\(Self.segment(id))", body: try Self.encode(Body(tags: tags, note: note)))
    }

    /// Requests cancellation (`POST /v1/experiments/{id}/cancel`); returns the experiment after the request.
    public func cancel(id: String) async throws(ClientError) -> Experiment {
        try await call(Experiment.self, "POST", "/v1/experiments/\(Self.segment(id))/cancel")
    }

    /// Deletes an experiment and its trajectory (`DELETE /v1/experiments/{id}`).
    public func delete(id: String) async throws(ClientError) {
        _ = try await checked("DELETE", "/v1/experiments/\(Self.segment(id))")
    }

    /// The path and query of a trajectory read, for `send`/`checked`.
    public static func trajectoryPath(id: String, _ query: TrajectoryQuery = TrajectoryQuery()) -> String {
        path("/v1/experiments/\(segment(id))/trajectory", query.items)
    }

    /// Trajectory columns (`GET /v1/experiments/{id}/trajectory`).
    public func trajectory(id: String, _ query: TrajectoryQuery = TrajectoryQuery()) async throws(ClientError) -> TrajectoryData {
        try await call(TrajectoryData.self, "GET", Self.trajectoryPath(id: id, query))
    }

    /// The trajectory as CSV text (`Accept: text/csv`): `step,epoch,lr,loss,grad_norm,p0,p1,…`.
    public func trajectoryCSV(id: String, _ query: TrajectoryQuery = TrajectoryQuery()) async throws(ClientError) -> String {
        try await checked("GET", Self.trajectoryPath(id: id, query), headers: ["Accept: text/csv"]).text
    }

    /// Live events of one experiment (`GET /v1/experiments/{id}/events`), ending after `.end`.
    ///
    /// The stream runs on its own thread and easy handle; it throws `ClientError` on failure and
    /// stops the transfer when the consumer stops iterating.
    public func events(id: String) -> AsyncThrowingStream<ExperimentEvent, any Error> {
        EventStreamReader.start(request("GET", "/v1/experiments/\(Self.segment(id))/events",
                                        headers: ["Accept: text/event-stream"], timeout: 0))
    }
}
