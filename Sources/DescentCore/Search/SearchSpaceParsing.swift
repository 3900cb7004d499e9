extension SearchSpace {
    /// Most parameters one space may have.
    public static let maxParameters = 32
    /// Most categories one categorical parameter may have, and most grid points per axis.
    public static let maxChoices = 1000

    /// Parses `{"optimizer.lr": {"type": "log_uniform", "low": 1e-4, "high": 1}, …}`.
    ///
    /// Each key is a dotted spec path; its value is an object with `type` — `uniform` or `log_uniform`
    /// (`low`, `high`; `points` for the grid sampler, default 5), `int` (`low`, `high`, `log` default false),
    /// `categorical` (`choices`) — and optionally `when: {"path": value or [values]}` naming one unconditional
    /// parameter of the space and the values for which this one is active. A bare array is a categorical.
    /// - Parameter field: the path of `value` in the request, for errors ("search.space").
    public init(parsing value: SpecValue, field: String) throws(SearchError) {
        guard let members = value.object, !members.isEmpty else { throw SearchError(field, "must be a non-empty object of spec paths to domains") }
        guard members.count <= Self.maxParameters else { throw SearchError(field, "has \(members.count) parameters; at most \(Self.maxParameters)") }
        var parameters: [SearchParameter] = []
        for path in members.keys.sorted() {
            let where_ = "\(field)[\(path)]"
            guard !path.isEmpty, !path.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty) else {
                throw SearchError(where_, "is not a dotted spec path")
            }
            parameters.append(try Self.parameter(path, members[path] ?? .null, field: where_))
        }
        let space = SearchSpace(parameters)
        for p in space.parameters {
            guard let c = p.condition else { continue }
            guard let parent = space.parameters.first(where: { $0.path == c.path }) else {
                throw SearchError("\(field)[\(p.path)].when", "names '\(c.path)', which is not a parameter of the space")
            }
            guard parent.condition == nil else { throw SearchError("\(field)[\(p.path)].when", "'\(c.path)' is itself conditional; one level only") }
        }
        self = space
    }

    private static func parameter(_ path: String, _ value: SpecValue, field: String) throws(SearchError) -> SearchParameter {
        if let choices = value.array { return SearchParameter(path: path, domain: try categorical(choices, field: field), condition: nil, gridPoints: 5) }
        guard let o = value.object else { throw SearchError(field, "must be an object with a type, or an array of choices") }
        let allowed = ["type", "low", "high", "log", "choices", "when", "points"]
        for key in o.keys.sorted() where !allowed.contains(key) {
            throw SearchError("\(field).\(key)", "unknown key; allowed: \(allowed.joined(separator: ", "))")
        }
        guard let type = o["type"]?.string else { throw SearchError("\(field).type", "is required: uniform, log_uniform, int or categorical") }
        let points = try o["points"].map { v throws(SearchError) in
            guard let n = v.integer, n >= 1, n <= maxChoices else { throw SearchError("\(field).points", "must be an integer in 1…\(maxChoices)") }
            return n
        } ?? 5
        let domain: SearchDomain
        switch type {
        case "uniform", "log_uniform":
            guard let low = o["low"]?.number, low.isFinite else { throw SearchError("\(field).low", "must be a finite number") }
            guard let high = o["high"]?.number, high.isFinite, high > low else { throw SearchError("\(field).high", "must be a finite number above low") }
            if type == "log_uniform" && low <= 0 { throw SearchError("\(field).low", "must be positive for log_uniform") }
            domain = type == "uniform" ? .uniform(low: low, high: high) : .logUniform(low: low, high: high)
        case "int":
            guard let low = o["low"]?.integer else { throw SearchError("\(field).low", "must be an integer") }
            guard let high = o["high"]?.integer, high > low else { throw SearchError("\(field).high", "must be an integer above low") }
            let log = o["log"]?.bool ?? false
            if o["log"] != nil && o["log"]?.bool == nil { throw SearchError("\(field).log", "must be true or false") }
            if log && low < 1 { throw SearchError("\(field).low", "must be at least 1 with log") }
            domain = .integer(low: low, high: high, log: log)
        case "categorical":
            domain = try categorical(o["choices"]?.array ?? [], field: "\(field).choices")
        default:
            throw SearchError("\(field).type", "unknown type '\(type)'; one of uniform, log_uniform, int, categorical")
        }
        return SearchParameter(path: path, domain: domain, condition: try condition(o["when"], field: "\(field).when"), gridPoints: points)
    }

    private static func categorical(_ choices: [SpecValue], field: String) throws(SearchError) -> SearchDomain {
        guard !choices.isEmpty, choices.count <= maxChoices else { throw SearchError(field, "must list 1…\(maxChoices) choices") }
        for (i, c) in choices.enumerated() where choices[..<i].contains(c) { throw SearchError("\(field)[\(i)]", "repeats an earlier choice") }
        return .categorical(choices)
    }

    private static func condition(_ value: SpecValue?, field: String) throws(SearchError) -> SearchCondition? {
        guard let value else { return nil }
        guard let o = value.object, o.count == 1, let (path, v) = o.first else {
            throw SearchError(field, "must be an object naming one parameter: {\"optimizer.type\": \"sgd\"}")
        }
        return SearchCondition(path: path, values: v.array ?? [v])
    }
}
