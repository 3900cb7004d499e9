/// What one searched spec path ranges over.
public enum SearchDomain: Sendable, Equatable {
    /// Uniform on [low, high].
    case uniform(low: Double, high: Double)
    /// Uniform in log on [low, high] (0 < low < high).
    case logUniform(low: Double, high: Double)
    /// The integers low…high, uniform, or uniform in log when `log` (then low ≥ 1).
    case integer(low: Int, high: Int, log: Bool)
    /// One of these values (any JSON), equally likely.
    case categorical([SpecValue])
}

/// A parameter is searched only while another one takes one of some values
/// (`optimizer.momentum` only when `optimizer.type` is `sgd`).
public struct SearchCondition: Sendable, Equatable {
    /// The parameter it depends on (a path of the same space, itself unconditional).
    public var path: String
    /// The values of that parameter for which this one is active.
    public var values: [SpecValue]

    /// Active while `path` takes one of `values`.
    public init(path: String, values: [SpecValue]) { self.path = path; self.values = values }
}

/// One searched spec path.
public struct SearchParameter: Sendable, Equatable {
    /// Dotted spec path ("optimizer.lr").
    public var path: String
    /// Its range.
    public var domain: SearchDomain
    /// When it is active (nil: always).
    public var condition: SearchCondition?
    /// Points per axis for the grid sampler on a continuous domain (default 5, evenly spaced, in log for log domains).
    public var gridPoints: Int

    /// A parameter at `path`.
    public init(path: String, domain: SearchDomain, condition: SearchCondition? = nil, gridPoints: Int = 5) {
        self.path = path; self.domain = domain; self.condition = condition; self.gridPoints = gridPoints
    }
}

/// Hyperparameter values chosen for one trial: spec path → value. Inactive parameters are absent.
public typealias SearchAssignment = [String: SpecValue]

/// The parameters of a search, in path order (unconditional ones first), checked when parsed.
public struct SearchSpace: Sendable, Equatable {
    /// Parameters: unconditional ones by path, then conditional ones by path.
    public let parameters: [SearchParameter]

    /// A space of these parameters, put in canonical order.
    public init(_ parameters: [SearchParameter]) {
        self.parameters = parameters.filter { $0.condition == nil }.sorted { $0.path < $1.path }
            + parameters.filter { $0.condition != nil }.sorted { $0.path < $1.path }
    }

    /// Whether `parameter` is active given the values chosen so far.
    public func isActive(_ parameter: SearchParameter, in assignment: SearchAssignment) -> Bool {
        guard let c = parameter.condition else { return true }
        guard let v = assignment[c.path] else { return false }
        return c.values.contains(v)
    }

    /// `assignment` with the parameters that its own values make inactive removed.
    public func pruned(_ assignment: SearchAssignment) -> SearchAssignment {
        var out: SearchAssignment = [:]
        for p in parameters where isActive(p, in: assignment) {
            if let v = assignment[p.path] { out[p.path] = v }
        }
        return out
    }
}

extension SearchDomain {
    /// The value at `u` ∈ [0, 1) of the domain's uniform (or log-uniform) scale: the inverse CDF of its
    /// prior. Integers and categories split [0, 1) into equal cells.
    public func value(atUnit u: Double) -> SpecValue {
        let u = min(max(u, 0), 0x1.fffffffffffffp-1)
        switch self {
        case let .uniform(low, high): return .number(min(high, low + u * (high - low)))
        case let .logUniform(low, high): return .number(min(high, max(low, LibM.exp(LibM.log(low) + u * (LibM.log(high) - LibM.log(low))))))
        case let .integer(low, high, log):
            if log {
                let lo = LibM.log(Double(low) - 0.5), hi = LibM.log(Double(high) + 0.5)
                let x = LibM.exp(lo + u * (hi - lo)).rounded()
                return .number(min(Double(high), max(Double(low), x)))
            }
            return .number(Double(low + min(high - low, Int(u * Double(high - low + 1)))))
        case let .categorical(choices): return choices[min(choices.count - 1, Int(u * Double(choices.count)))]
        }
    }

    /// The values the grid sampler visits, in order: every category or integer, or `points` evenly spaced
    /// values from low to high (in log for log domains).
    public func gridValues(points: Int) -> [SpecValue] {
        func spaced(_ lo: Double, _ hi: Double) -> [Double] {
            points == 1 ? [lo] : (0..<points).map { i in i == points - 1 ? hi : lo + Double(i) * (hi - lo) / Double(points - 1) }
        }
        switch self {
        case let .uniform(low, high): return spaced(low, high).map(SpecValue.number)
        case let .logUniform(low, high):
            return spaced(LibM.log(low), LibM.log(high)).enumerated().map { i, x in
                .number(i == 0 ? low : i == points - 1 ? high : LibM.exp(x))
            }
        case let .integer(low, high, _): return (low...high).map { .number(Double($0)) }
        case let .categorical(choices): return choices
        }
    }
}
