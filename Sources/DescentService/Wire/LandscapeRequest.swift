import DescentCore

/// A checked body of `POST /v1/analysis/landscape` (and its `.svg` twin).
struct LandscapeRequest {
    /// What to draw.
    enum Kind: String, CaseIterable { case line, plane, pca }
    /// The directions of a `plane`.
    enum Directions: String, CaseIterable { case random, eigenvectors, coordinates }
    /// A point typed in, or an experiment's recorded step (nil: its final point).
    enum PointSource {
        case values([Double])
        case experiment(id: String, step: Int?)
    }

    var kind: Kind
    /// The `objective`, `dataset` and `seed` members, when the body names an objective.
    var objective: [String: SpecValue]?
    /// `line`: the segment's ends (α = 0 and α = 1).
    var from: PointSource?, to: PointSource?
    /// `plane`: the grid's centre.
    var at: PointSource?
    /// `pca`: the experiment whose recorded path is analysed.
    var experiment: String?
    var directions = Directions.random
    /// Seed of the first random direction (the second uses seed + 1).
    var directionSeed: UInt64 = 0
    /// `coordinates`: the two parameter indices.
    var indices = (0, 1)
    /// α range (`line`, default [−0.5, 1.5]) or coefficient range of both axes (`plane`, default [−1, 1];
    /// `pca`, default the projected path's bounds padded by a fifth of the larger span).
    var range: ClosedRange<Double>?
    /// Points along the line (default 101) or grid side (default 21).
    var resolution: Int
    /// `pca`: most path points read (evenly chosen along the path's geometry; default 200).
    var pathPoints: Int

    private static let common = ["kind", "objective", "dataset", "seed", "range", "resolution"]
    private static let byKind: [Kind: [String]] = [
        .line: ["from", "to"], .plane: ["at", "directions", "direction_seed", "indices"], .pca: ["experiment", "path_points"],
    ]

    /// Checks every member against `limits`.
    init(_ body: SpecValue, limits: AnalysisLimits) throws(ServiceError) {
        let head = try RequestDecoding.object(body)
        guard case .string(let k)? = head["kind"], let kind = Kind(rawValue: k) else {
            throw .invalid(field: "kind", message: "is required: one of line, plane, pca", code: "invalid_value")
        }
        self.kind = kind
        let m = try BodyFields(body, allowed: Self.common + (Self.byKind[kind] ?? []))
        if m["objective"] != nil { objective = m.members }
        if let r = try m.numbers("range", count: 2) {
            guard r[0] < r[1] else { throw .invalid(field: "range", message: "must be [low, high] with low < high", code: "invalid_value") }
            range = r[0]...r[1]
        }
        let maxResolution = kind == .line ? limits.maxLinePoints : limits.maxGridSide
        resolution = try m.int("resolution", in: 2...maxResolution, default: kind == .line ? 101 : 21) ?? 21
        pathPoints = try m.int("path_points", in: 2...limits.maxPathPoints, default: 200) ?? 200
        switch kind {
        case .line:
            from = try Self.point(m, "from")
            to = try Self.point(m, "to")
        case .plane:
            at = try Self.point(m, "at")
            directions = try m.choice("directions", Directions.self) ?? .random
            directionSeed = try m.seed("direction_seed")
            if let v = try m.numbers("indices", count: 2) {
                guard v.allSatisfy({ $0 >= 0 && $0 == $0.rounded() && $0 < 1e9 }), v[0] != v[1] else {
                    throw .invalid(field: "indices", message: "must be two different parameter indices", code: "invalid_value")
                }
                indices = (Int(v[0]), Int(v[1]))
            }
        case .pca:
            guard case .string(let id)? = m["experiment"] else {
                throw .invalid(field: "experiment", message: "is required: the id of a run that recorded parameters", code: "invalid_value")
            }
            experiment = id
        }
    }

    /// A required point: an array of numbers or `{"experiment": id, "step"?: n}`.
    private static func point(_ m: BodyFields, _ key: String) throws(ServiceError) -> PointSource {
        guard let v = m[key] else {
            throw .invalid(field: key, message: #"is required: an array of numbers or {"experiment": id, "step"?: n}"#, code: "invalid_value")
        }
        if case .array = v { return .values(try m.numbers(key) ?? []) }
        let p = try BodyFields(v, path: key, allowed: ["experiment", "step"])
        guard case .string(let id)? = p["experiment"] else {
            throw .invalid(field: p.field("experiment"), message: "must be an experiment id", code: "invalid_value")
        }
        return .experiment(id: id, step: try p.int("step", in: 0...Int(Int32.max)))
    }
}
