import DescentCore

/// Typed reads of a JSON object's members with 422 errors that name the field's path
/// (`density.steps`), for request bodies that are not experiment specs.
struct BodyFields {
    /// The object's members.
    let members: [String: SpecValue]
    /// Path of the object itself ("" for the body).
    let path: String

    /// Reads `value` as an object at `path`; rejects members not in `allowed`.
    init(_ value: SpecValue, path: String = "", allowed: [String]) throws(ServiceError) {
        members = try RequestDecoding.object(value, field: path)
        self.path = path
        for key in members.keys.sorted() where !allowed.contains(key) {
            throw .invalid(field: field(key), message: "unknown key; allowed: \(allowed.joined(separator: ", "))", code: "invalid_request")
        }
    }

    /// The full path of member `key`.
    func field(_ key: String) -> String { path.isEmpty ? key : path + "." + key }

    /// The member, treating `null` as absent.
    subscript(key: String) -> SpecValue? {
        guard let v = members[key], v != .null else { return nil }
        return v
    }

    /// An integer in `range`, or `fallback` when absent.
    func int(_ key: String, in range: ClosedRange<Int>, default fallback: Int? = nil) throws(ServiceError) -> Int? {
        guard let v = self[key] else { return fallback }
        guard case .number(let x) = v, x == x.rounded(), x >= Double(range.lowerBound), x <= Double(range.upperBound) else {
            throw .invalid(field: field(key), message: "must be an integer in [\(range.lowerBound), \(range.upperBound)]",
                           code: Self.tooLarge(v, range) ? "too_large" : "out_of_range")
        }
        return Int(x)
    }

    /// A seed: an integer in [0, 2⁵³), or `fallback` when absent.
    func seed(_ key: String, default fallback: UInt64 = 0) throws(ServiceError) -> UInt64 {
        try int(key, in: 0...(1 << 53) - 1).map { UInt64($0) } ?? fallback
    }

    /// A finite number in `range`, or nil when absent.
    func number(_ key: String, in range: ClosedRange<Double>) throws(ServiceError) -> Double? {
        guard let v = self[key] else { return nil }
        guard case .number(let x) = v, x.isFinite, range.contains(x) else {
            throw .invalid(field: field(key), message: "must be a number in [\(range.lowerBound), \(range.upperBound)]", code: "out_of_range")
        }
        return x
    }

    /// One of `choices` (by raw value), or nil when absent.
    func choice<T: RawRepresentable & CaseIterable>(_ key: String, _ type: T.Type) throws(ServiceError) -> T? where T.RawValue == String {
        guard let v = self[key] else { return nil }
        guard case .string(let s) = v, let c = T(rawValue: s) else {
            throw .invalid(field: field(key), message: "must be one of \(T.allCases.map(\.rawValue).joined(separator: ", "))",
                           code: "invalid_value")
        }
        return c
    }

    /// An array of finite numbers, `count` of them when given.
    func numbers(_ key: String, count: Int? = nil) throws(ServiceError) -> [Double]? {
        guard let v = self[key] else { return nil }
        guard case .array(let items) = v else { throw .invalid(field: field(key), message: "must be an array of numbers", code: "invalid_request") }
        var out: [Double] = []
        for (i, item) in items.enumerated() {
            guard case .number(let x) = item, x.isFinite else {
                throw .invalid(field: "\(field(key))[\(i)]", message: "must be a finite number", code: "invalid_request")
            }
            out.append(x)
        }
        if let count, out.count != count {
            throw .invalid(field: field(key), message: "must have \(count) values", code: "invalid_value")
        }
        return out
    }

    private static func tooLarge(_ v: SpecValue, _ range: ClosedRange<Int>) -> Bool {
        if case .number(let x) = v { return x > Double(range.upperBound) }
        return false
    }
}
