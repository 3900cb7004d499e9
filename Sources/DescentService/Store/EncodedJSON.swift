import DescentCore
import Synchronization

/// A value decoded from a stored JSON column together with the bytes the API writes for it, so a read
/// neither decodes the column with JSONDecoder nor re-encodes the value with JSONEncoder each time.
///
/// It compares equal to any other: it is a cache beside a record's field, not part of the record's value.
public struct EncodedJSON<Value: Equatable & Sendable>: Sendable, Equatable {
    /// The value the bytes encode.
    let value: Value
    /// `JSONCoding.encode(value)`.
    let bytes: [UInt8]

    /// The bytes, if they still encode `current` (a record's field may have been changed since reading).
    func bytes(for current: Value) -> [UInt8]? { current == value ? bytes : nil }

    public static func == (lhs: Self, rhs: Self) -> Bool { true }
}

/// Stored JSON texts already decoded, by text. A stored spec never changes and the same few texts are
/// read again and again, so a hit replaces a JSONDecoder run and a JSONEncoder run by one lookup.
final class DecodedJSONCache<Value: Codable & Equatable & Sendable>: Sendable {
    private let entries = Mutex<(map: [String: EncodedJSON<Value>], bytes: Int)>(([:], 0))
    private let capacityBytes: Int
    private let snakeCase: Bool

    /// A cache holding texts and encodings of at most `capacityBytes` together (then it starts afresh);
    /// `snakeCase` as in `JSONCoding.decode`.
    init(capacityBytes: Int, snakeCase: Bool) {
        self.capacityBytes = capacityBytes
        self.snakeCase = snakeCase
    }

    /// The decoded value of `text` and its API encoding.
    func decode(_ text: String) throws -> EncodedJSON<Value> {
        if let hit = entries.withLock({ $0.map[text] }) { return hit }
        let value = try JSONCoding.decode(Value.self, text, snakeCase: snakeCase)
        let entry = EncodedJSON(value: value, bytes: try JSONCoding.encode(value))
        let size = text.utf8.count + entry.bytes.count
        entries.withLock { state in
            if state.bytes + size > capacityBytes { state = ([:], 0) }
            state.map[text] = entry
            state.bytes += size
        }
        return entry
    }
}

/// The caches of the experiment table's JSON columns (16 MiB for specs, 8 MiB for summaries).
enum StoredJSON {
    /// `experiment.spec`.
    static let specs = DecodedJSONCache<ExperimentSpec>(capacityBytes: 16 << 20, snakeCase: false)
    /// `experiment.summary`.
    static let summaries = DecodedJSONCache<RunSummary>(capacityBytes: 8 << 20, snakeCase: true)
}
