/// Decoded query parameters of a request target, in order ('+' decodes to a space).
public struct QueryParameters: Sendable {
    /// The decoded (name, value) pairs in order.
    public let items: [(name: String, value: String)]

    /// Parses a raw query string (without the '?'); undecodable escapes are kept literally.
    public init(rawQuery: String) {
        items = rawQuery.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = PercentDecoding.decode(parts[0], plusAsSpace: true)
            let value = parts.count > 1 ? PercentDecoding.decode(parts[1], plusAsSpace: true) : ""
            return (name: name, value: value)
        }
    }

    /// First value of `name`.
    public subscript(name: String) -> String? { items.first { $0.name == name }?.value }
    /// Every value of `name`.
    public func values(_ name: String) -> [String] { items.filter { $0.name == name }.map(\.value) }
}
