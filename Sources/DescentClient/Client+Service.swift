import Foundation

extension Client {
    /// Creates a study from a raw JSON body (`POST /v1/studies`): `{"name","base","grid"}` or `{"name","experiments"}`.
    public func createStudy(json body: Data) async throws(ClientError) -> Study {
        try await call(Study.self, "POST", "/v1/studies", body: body)
    }

    /// Creates a study from any encodable body.
    public func createStudy(_ body: some Encodable) async throws(ClientError) -> Study {
        try await createStudy(json: Self.encode(body))
    }

    /// One study (`GET /v1/studies/{id}`).
    public func study(id: String) async throws(ClientError) -> Study {
        try await call(Study.self, "GET", "/v1/studies/\(Self.segment(id))")
    }

    /// A search study's trials as CSV text (`GET /v1/studies/{id}/trials.csv`).
    public func studyTrialsCSV(id: String) async throws(ClientError) -> String {
        try await checked("GET", "/v1/studies/\(Self.segment(id))/trials.csv", headers: ["Accept: text/csv"]).text
    }

    /// The per-step spread of a search trial's replicate loss curves, as JSON
    /// (`GET /v1/studies/{id}/trials/{number}/curves`): `{"trial","curves":{"runs","step","loss_mean",…}}`.
    public func trialCurves(studyID: String, trial: Int, maxPoints: Int? = nil) async throws(ClientError) -> JSONValue {
        try await call(JSONValue.self, "GET", Self.path("/v1/studies/\(Self.segment(studyID))/trials/\(trial)/curves",
                                                        [("max_points", maxPoints.map(String.init))]))
    }

    /// A comparison's leaderboard as JSON (the `comparison` block of `GET /v1/studies/{id}`):
    /// `{"confirm","target","problems":[{"problem","winner","entries":[{"rank","optimizer","value",…}]}]}`; null for
    /// other studies.
    public func leaderboard(studyID: String) async throws(ClientError) -> JSONValue {
        let study = try await call(JSONValue.self, "GET", "/v1/studies/\(Self.segment(studyID))")
        return study["comparison"] ?? .null
    }

    /// A comparison's leaderboard for one problem as SVG (`GET /v1/studies/{id}/leaderboard.svg`; `problem` nil: the first).
    public func leaderboardSVG(studyID: String, problem: String? = nil) async throws(ClientError) -> String {
        try await checked("GET", Self.path("/v1/studies/\(Self.segment(studyID))/leaderboard.svg", [("problem", problem)])).text
    }

    /// The preset list (`GET /v1/presets`).
    public func presets() async throws(ClientError) -> [Preset] {
        struct Items: Decodable { var items: [Preset] }
        return try await call(Items.self, "GET", "/v1/presets").items
    }

    /// Runs preset `name` (`POST /v1/presets/{name}/run`); returns the experiment or study it started.
    public func runPreset(name: String) async throws(ClientError) -> PresetLaunch {
        let response = try await checked("POST", "/v1/presets/\(Self.segment(name))/run")
        let data = Data(response.body)
        if case .object(let members)? = try? ResponseDecoding.decode(JSONValue.self, from: data),
           case .array? = members["experiments"] {
            return .study(try ResponseDecoding.decode(Study.self, from: data))
        }
        return .experiment(try ResponseDecoding.decode(Experiment.self, from: data))
    }

    /// Critical-point analysis (`POST /v1/analysis/critical-point`) of a raw JSON body.
    public func criticalPoint(json body: Data) async throws(ClientError) -> CriticalPointReport {
        try await call(CriticalPointReport.self, "POST", "/v1/analysis/critical-point", body: body)
    }

    /// Critical-point analysis of any encodable body.
    public func criticalPoint(_ body: some Encodable) async throws(ClientError) -> CriticalPointReport {
        try await criticalPoint(json: Self.encode(body))
    }

    /// Loss-surface grid (`POST /v1/analysis/surface`) of a raw JSON body.
    public func surface(json body: Data) async throws(ClientError) -> SurfaceGrid {
        try await call(SurfaceGrid.self, "POST", "/v1/analysis/surface", body: body)
    }

    /// Loss-surface grid of any encodable body.
    public func surface(_ body: some Encodable) async throws(ClientError) -> SurfaceGrid {
        try await surface(json: Self.encode(body))
    }

    /// The catalog of objectives, optimizers, schedules and datasets (`GET /v1/catalog`).
    public func catalog() async throws(ClientError) -> JSONValue {
        try await call(JSONValue.self, "GET", "/v1/catalog")
    }

    /// Liveness (`GET /healthz`): true when the server answers `{"status":"ok"}`.
    public func health() async throws(ClientError) -> Bool {
        try await call(JSONValue.self, "GET", "/healthz")["status"]?.string == "ok"
    }

    /// Readiness (`GET /readyz`): true on a 2xx answer.
    public func ready() async throws(ClientError) -> Bool {
        (200..<300).contains(try await send("GET", "/readyz").status)
    }

    /// Prometheus metrics text (`GET /metrics`).
    public func metrics() async throws(ClientError) -> String {
        try await checked("GET", "/metrics").text
    }

    /// The OpenAPI document (`GET /openapi.yaml`).
    public func openAPI() async throws(ClientError) -> String {
        try await checked("GET", "/openapi.yaml").text
    }
}
