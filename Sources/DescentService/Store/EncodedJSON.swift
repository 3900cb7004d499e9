import DescentCore
import Foundation

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
///
/// `@unchecked Sendable`: `entries` and `size` are guarded by `lock`. An `NSLock` (a plain pthread mutex)
/// rather than `Mutex`: on Linux `Mutex` is a priority-inheritance futex that spins before sleeping, and
/// with every reader thread looking up 20 rows per list request on 2 busy cores, the spinning took a
/// third of the process's time. The key is hashed before the lock is taken.
final class DecodedJSONCache<Value: Codable & Equatable & Sendable>: @unchecked Sendable {
    fileprivate struct Key: Hashable {
        let text: String
        let hash: Int
        init(_ text: String) { self.text = text; hash = text.hashValue }
        func hash(into hasher: inout Hasher) { hasher.combine(hash) }
        static func == (a: Key, b: Key) -> Bool { a.hash == b.hash && a.text == b.text }
    }

    private let lock = NSLock()
    private var entries: [Key: EncodedJSON<Value>] = [:]
    private var size = 0
    private let capacityBytes: Int
    private let read: @Sendable (String) throws -> Value
    private let write: @Sendable (Value) throws -> [UInt8]

    /// A cache holding texts and encodings of at most `capacityBytes` together (then it starts afresh); a miss
    /// reads the text with `JSONCoding.decode` (`snakeCase` as there) and writes its encoding with `JSONCoding.encode`.
    convenience init(capacityBytes: Int, snakeCase: Bool) {
        self.init(capacityBytes: capacityBytes, read: { try JSONCoding.decode(Value.self, $0, snakeCase: snakeCase) },
                  write: { try JSONCoding.encode($0) })
    }

    /// A cache whose misses read a text with `read` and encode the value with `write` (both must agree with
    /// `JSONCoding`'s reading and encoding).
    init(capacityBytes: Int, read: @escaping @Sendable (String) throws -> Value, write: @escaping @Sendable (Value) throws -> [UInt8]) {
        self.capacityBytes = capacityBytes
        self.read = read
        self.write = write
    }

    /// The decoded value of `text` and its API encoding.
    func decode(_ text: String) throws -> EncodedJSON<Value> {
        let key = Key(text)
        lock.lock()
        let hit = entries[key]
        lock.unlock()
        if let hit { return hit }
        let value = try read(text)
        let entry = EncodedJSON(value: value, bytes: try write(value))
        add(key, entry)
        return entry
    }

    /// Adds the decoded value of a text (starting afresh when the cache is full).
    fileprivate func add(_ key: Key, _ entry: EncodedJSON<Value>) {
        let added = key.text.utf8.count + entry.bytes.count
        lock.lock()
        defer { lock.unlock() }
        if size + added > capacityBytes {
            entries = [:]
            size = 0
        }
        if entries.updateValue(entry, forKey: key) == nil { size += added }
    }
}

extension DecodedJSONCache where Value == ExperimentSpec {
    /// The text a new record's spec is stored as, remembered with the record's encoding so that its claim
    /// finds the spec decoded (a submission's spec is claimed soon after, usually by this instance).
    func remember(_ record: ExperimentRecord) throws -> String {
        guard let bytes = record.specJSON?.bytes(for: record.spec) else { return try JSONCoding.string(record.spec) }
        let text = String(decoding: bytes, as: UTF8.self)
        add(Key(text), EncodedJSON(value: record.spec, bytes: bytes))
        return text
    }
}

extension DecodedJSONCache where Value == RunSummary {
    /// The text a result's summary is stored as, remembered with its value: the study driver and a study's read then
    /// find it decoded (every summary is a different text, so without this each read of a finished run was a miss).
    func remember(_ summary: RunSummary) -> String {
        let text = SummaryJSON.string(summary)
        add(Key(text), EncodedJSON(value: summary, bytes: Array(text.utf8)))
        return text
    }
}

/// The caches of the experiment table's JSON columns (16 MiB for specs, 8 MiB for summaries), and the readers of the
/// study tables' small JSON columns.
enum StoredJSON {
    /// A stored array of strings (a trial's or study's `experiment_ids`, a study's `labels`), read by the project's
    /// parser. Why not JSONDecoder: a 10,000-trial study's read decodes two such columns per trial, and JSONDecoder
    /// took a fifth of a second for them.
    static func strings(_ text: String) throws -> [String] {
        guard case .array(let items)? = try? SpecValue(parsingJSON: Array(text.utf8)) else { throw unreadable("an array of strings") }
        return try items.map { item in
            guard case .string(let s) = item else { throw unreadable("an array of strings") }
            return s
        }
    }

    /// A stored trial's `params`: spec paths and their values, read by the project's parser (a categorical string
    /// such as "NaN" stays a string, where JSONCoding's decoder, which reads such strings as numbers, would not).
    static func assignment(_ text: String) throws -> SearchAssignment {
        guard case .object(let members)? = try? SpecValue(parsingJSON: Array(text.utf8)) else { throw unreadable("an object") }
        return members
    }

    /// The stored text of a trial's `params`, as `JSONCoding.string` writes it (keys sorted; spec paths have no
    /// capital letter for its snake_case conversion to change; tested), by the project's writer: JSONEncoder for a
    /// trial's `params` and `experiment_ids` (`SpecJSON.tags`) was a twentieth of a long search's driver.
    static func text(assignment: SearchAssignment) -> String {
        var w = JSONWriter(capacity: 64)
        w.value(.object(assignment))
        return String(decoding: w.bytes, as: UTF8.self)
    }

    private static func unreadable(_ what: String) -> ServiceError {
        .internalFailure("a stored study column is not \(what)")
    }

    /// `experiment.spec`.
    static let specs = DecodedJSONCache<ExperimentSpec>(capacityBytes: 16 << 20, snakeCase: false)
    /// `experiment.summary`, read and written by `SummaryJSON` (every summary is a different text, so each read of
    /// a finished run is a miss).
    static let summaries = DecodedJSONCache<RunSummary>(capacityBytes: 8 << 20, read: SummaryJSON.decode,
                                                        write: { Array(SummaryJSON.string($0).utf8) })
}
