import DescentCore
import DescentHTTP
import Foundation

/// Synchronous analysis: critical points and loss surfaces.
struct AnalysisHandlers: Sendable {
    let limits: SpecLimits
    /// Largest surface grid side.
    static let maxResolution = 201
    /// Largest dimension for which the dense Hessian is returned.
    static let maxDenseDimension = 64

    /// The objective named by a body's `objective`, `dataset` and `seed` members.
    func objective(_ m: [String: SpecValue]) throws -> any Objective {
        guard let o = m["objective"] else { throw ServiceError.invalid(field: "objective", message: "is required", code: "invalid_request") }
        do {
            let spec = try ObjectiveSpec(checking: o, path: "objective")
            let dataset = try m["dataset"].flatMap { $0 == .null ? nil : $0 }.map { v throws(SpecError) in try DatasetSpec(checking: v, path: "dataset") }
            var seed: UInt64 = 0
            if case .number(let s)? = m["seed"], s >= 0, s < 9_007_199_254_740_992, s == s.rounded() { seed = UInt64(s) }
            return try spec.build(dataset: dataset, seed: seed, limits: limits)
        } catch {
            throw ServiceError.spec(error)
        }
    }

    private func numbers(_ v: SpecValue?, field: String, count: Int? = nil) throws -> [Double] {
        guard case .array(let items)? = v else { throw ServiceError.invalid(field: field, message: "must be an array of numbers", code: "invalid_request") }
        var out: [Double] = []
        for (i, item) in items.enumerated() {
            guard case .number(let x) = item, x.isFinite else {
                throw ServiceError.invalid(field: "\(field)[\(i)]", message: "must be a finite number", code: "invalid_request")
            }
            out.append(x)
        }
        if let count, out.count != count {
            throw ServiceError.invalid(field: field, message: "must have \(count) values (the objective's dimension)", code: "invalid_request")
        }
        return out
    }

    func criticalPoint(_ request: HTTPRequest) throws -> HTTPResponse {
        let m = try RequestDecoding.object(RequestDecoding.json(request))
        for key in m.keys where !["objective", "dataset", "point", "step_length", "seed"].contains(key) {
            throw ServiceError.invalid(field: key, message: "unknown key; allowed: objective, dataset, point, step_length, seed", code: "invalid_request")
        }
        let f = try objective(m)
        let point = try numbers(m["point"], field: "point", count: f.dimension)
        var options = CriticalPointOptions()
        if let s = m["step_length"] {
            guard case .number(let x) = s, x.isFinite, x > 0 else { throw ServiceError.invalid(field: "step_length", message: "must be a positive number", code: "invalid_request") }
            options.stepLength = x
        }
        let report = analyzeCriticalPoint(f, at: point, options: options)
        return .json(try JSONCoding.encode(report))
    }

    func surface(_ request: HTTPRequest) throws -> HTTPResponse {
        let m = try RequestDecoding.object(RequestDecoding.json(request))
        for key in m.keys where !["objective", "dataset", "x_range", "y_range", "resolution", "base", "axes", "seed"].contains(key) {
            throw ServiceError.invalid(field: key, message: "unknown key; allowed: objective, dataset, x_range, y_range, resolution, base, axes, seed", code: "invalid_request")
        }
        let f = try objective(m)
        let xr = try numbers(m["x_range"] ?? .array([.number(-2), .number(2)]), field: "x_range", count: 2)
        let yr = try numbers(m["y_range"] ?? .array([.number(-2), .number(2)]), field: "y_range", count: 2)
        guard xr[0] < xr[1] else { throw ServiceError.invalid(field: "x_range", message: "must be [low, high] with low < high", code: "invalid_request") }
        guard yr[0] < yr[1] else { throw ServiceError.invalid(field: "y_range", message: "must be [low, high] with low < high", code: "invalid_request") }
        var resolution = 50
        if let r = m["resolution"] {
            guard case .number(let x) = r, x == x.rounded(), x >= 2, x <= Double(Self.maxResolution) else {
                throw ServiceError.invalid(field: "resolution", message: "must be an integer in [2, \(Self.maxResolution)]", code: "invalid_request")
            }
            resolution = Int(x)
        }
        let base = try m["base"].map { try numbers($0, field: "base", count: f.dimension) }
        var axes = (0, 1)
        if let a = m["axes"] {
            let v = try numbers(a, field: "axes", count: 2)
            guard v.allSatisfy({ $0 == $0.rounded() && $0 >= 0 && Int($0) < f.dimension }), v[0] != v[1] else {
                throw ServiceError.invalid(field: "axes", message: "must be two different parameter indices below \(f.dimension)", code: "invalid_request")
            }
            axes = (Int(v[0]), Int(v[1]))
        }
        guard f.dimension >= 2 else { throw ServiceError.invalid(field: "objective", message: "a surface needs at least 2 parameters", code: "invalid_request") }
        if f.dimension > 2 && base == nil {
            throw ServiceError.invalid(field: "base", message: "is required when the objective has more than 2 parameters", code: "invalid_request")
        }
        let grid = LossSurface.rectangle(f, xRange: xr[0]...xr[1], yRange: yr[0]...yr[1], resolution: resolution, base: base, axes: axes)
        return .json(try JSONCoding.encode(grid))
    }
}
