/// A problem with a study's search definition (space, sampler, objective, pruner), naming the field.
public struct SearchError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Path of the offending field; a searched spec path is written in brackets ("search.space[optimizer.lr].high").
    public var field: String
    /// What is wrong and what is allowed.
    public var message: String

    /// A problem at `field`.
    public init(_ field: String, _ message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(field): \(message)" }
}
