/// Ordered header fields; names compare case-insensitively, repeated fields are kept.
public struct HTTPHeaders: Sendable, Sequence, ExpressibleByDictionaryLiteral {
    /// (name, value) pairs; unlabelled, so a dictionary literal's elements are stored as they come, without a copy.
    private var fields: [(String, String)] = []

    /// An empty header list.
    public init() {}
    /// Headers from (name, value) pairs, in order.
    public init(_ pairs: [(String, String)]) { fields = pairs }
    /// Headers from a literal.
    public init(dictionaryLiteral elements: (String, String)...) { self.init(elements) }

    /// First value of `name`; setting replaces every field of that name (nil removes them).
    public subscript(name: String) -> String? {
        get { fields.first { $0.0.caseInsensitiveEquals(name) }?.1 }
        set {
            remove(name)
            if let newValue { fields.append((name, newValue)) }
        }
    }

    /// Every value of `name`, in order.
    public func values(_ name: String) -> [String] {
        fields.filter { $0.0.caseInsensitiveEquals(name) }.map(\.1)
    }

    /// How many fields are named `name` (without collecting their values).
    public func count(of name: String) -> Int {
        var n = 0
        for field in fields where field.0.caseInsensitiveEquals(name) { n += 1 }
        return n
    }

    /// Appends a field, keeping existing ones of the same name.
    public mutating func add(_ name: String, _ value: String) { fields.append((name, value)) }

    /// Removes every field of `name`.
    public mutating func remove(_ name: String) {
        guard fields.contains(where: { $0.0.caseInsensitiveEquals(name) }) else { return }  // no copy of a shared array
        fields.removeAll { $0.0.caseInsensitiveEquals(name) }
    }

    /// Whether a comma-separated header contains `token` (case-insensitive), e.g. Connection: close.
    public func contains(token: String, in name: String) -> Bool {
        values(name).contains { value in
            value.split(separator: ",").contains { $0.trimmingASCIIWhitespace().caseInsensitiveEquals(token) }
        }
    }

    /// Number of fields.
    public var count: Int { fields.count }

    public func makeIterator() -> IndexingIterator<[(String, String)]> { fields.makeIterator() }
}
