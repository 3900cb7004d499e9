/// An HTTP request method (RFC 9110 §9); any token is accepted, the common ones are named.
public struct HTTPMethod: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The method token as sent, e.g. "GET".
    public let rawValue: String
    /// Wraps a method token.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// Wraps a method token given as a literal.
    public init(stringLiteral value: String) { rawValue = value }
    public var description: String { rawValue }

    public static let get: HTTPMethod = "GET"
    public static let head: HTTPMethod = "HEAD"
    public static let post: HTTPMethod = "POST"
    public static let put: HTTPMethod = "PUT"
    public static let delete: HTTPMethod = "DELETE"
    public static let patch: HTTPMethod = "PATCH"
    public static let options: HTTPMethod = "OPTIONS"
}
