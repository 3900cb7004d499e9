import CLibPQ
import Foundation

/// An error reported by PostgreSQL or libpq.
public struct PostgresError: Error, CustomStringConvertible, Sendable {
    /// The SQLSTATE code ("23505" is a unique violation), when the server sent one.
    public let sqlState: String?
    /// The server's or libpq's message.
    public let message: String
    /// "message (SQLSTATE code)".
    public var description: String { sqlState.map { "\(message) (SQLSTATE \($0))" } ?? message }
}

/// One statement parameter: text (PostgreSQL parses it into the column type), raw bytes (bytea, sent in
/// binary) or NULL.
enum PGValue {
    case text(String)
    case bytes(Data)
    case null

    init(_ v: String?) { self = v.map(PGValue.text) ?? .null }
    init(_ v: Int) { self = .text(String(v)) }
    init(_ v: Int64) { self = .text(String(v)) }
    init(_ v: Bool) { self = .text(v ? "true" : "false") }
    /// Doubles travel as their shortest round-trip text, which PostgreSQL parses back exactly.
    init(_ v: Double?) { self = v.map { PGValue.text(String($0)) } ?? .null }
}

/// The rows of a result, copied out of libpq. Text results hold strings; binary results raw bytes.
struct PGRows {
    private let columns: [String: Int]
    private let cells: [[Data?]]
    /// Rows changed by an INSERT/UPDATE/DELETE.
    let affected: Int

    fileprivate init(_ result: OpaquePointer) {
        let n = Int(PQnfields(result))
        var columns: [String: Int] = [:]
        for i in 0..<n { columns[String(cString: PQfname(result, Int32(i)))] = i }
        self.columns = columns
        var rows: [[Data?]] = []
        let count = Int(PQntuples(result))
        rows.reserveCapacity(count)
        for r in 0..<count {
            var row: [Data?] = []
            row.reserveCapacity(n)
            for c in 0..<n {
                if PQgetisnull(result, Int32(r), Int32(c)) == 1 { row.append(nil); continue }
                let length = Int(PQgetlength(result, Int32(r), Int32(c)))
                row.append(Data(bytes: PQgetvalue(result, Int32(r), Int32(c)), count: length))
            }
            rows.append(row)
        }
        cells = rows
        affected = Int(String(cString: PQcmdTuples(result))) ?? 0
    }

    /// Number of rows.
    var count: Int { cells.count }
    /// Whether there are no rows.
    var isEmpty: Bool { cells.isEmpty }

    /// The raw bytes of a cell (binary results), nil for NULL.
    func bytes(_ row: Int, _ column: String) -> Data? { columns[column].flatMap { cells[row][$0] } }
    /// A text cell, nil for NULL.
    func string(_ row: Int, _ column: String) -> String? { bytes(row, column).map { String(decoding: $0, as: UTF8.self) } }
    /// An integer text cell.
    func int(_ row: Int, _ column: String) -> Int? { string(row, column).flatMap { Int($0) } }
    /// A double text cell.
    func double(_ row: Int, _ column: String) -> Double? { string(row, column).flatMap { Double($0) } }
    /// A boolean text cell ("t"/"f").
    func bool(_ row: Int, _ column: String) -> Bool? { string(row, column).map { $0 == "t" } }
}

/// One libpq connection. `@unchecked Sendable`: it may move between threads, but only one uses it at a
/// time (`PostgresPool` hands it out; the notification listener owns its own).
final class PGConnection: @unchecked Sendable {
    private let raw: OpaquePointer

    /// Connects with a libpq connection string or `postgres://` URL.
    init(url: String) throws {
        guard let conn = PQconnectdb(url) else { throw PostgresError(sqlState: nil, message: "out of memory") }
        // Checked before `raw` is set: a throw after it would run deinit and finish the connection twice.
        guard PQstatus(conn) == CONNECTION_OK else {
            let message = Self.trimmed(PQerrorMessage(conn))
            PQfinish(conn)
            throw PostgresError(sqlState: nil, message: "cannot connect to PostgreSQL: \(message)")
        }
        raw = conn
        // Server notices (e.g. "relation already exists, skipping") are not errors; keep them off stderr.
        PQsetNoticeProcessor(conn, { _, _ in }, nil)
    }

    deinit { PQfinish(raw) }

    /// Whether the connection was lost (the pool then replaces it).
    var isBroken: Bool { PQstatus(raw) != CONNECTION_OK }

    /// The socket, for waiting on notifications.
    var socket: Int32 { PQsocket(raw) }

    /// Runs one statement with `$1…` parameters. `binary` asks for binary result cells (used for bytea).
    @discardableResult
    func execute(_ sql: String, _ parameters: [PGValue] = [], binary: Bool = false) throws -> PGRows {
        let count = parameters.count
        var values: [UnsafeMutablePointer<CChar>?] = []
        var lengths: [Int32] = []
        var formats: [Int32] = []
        values.reserveCapacity(count)
        defer { for v in values { free(v) } }
        for p in parameters {
            switch p {
            case .null:
                values.append(nil); lengths.append(0); formats.append(0)
            case .text(let s):
                values.append(strdup(s)); lengths.append(0); formats.append(0)
            case .bytes(let d):
                let buffer = malloc(max(d.count, 1))!.assumingMemoryBound(to: CChar.self)
                d.withUnsafeBytes { if d.count > 0 { memcpy(buffer, $0.baseAddress!, d.count) } }
                values.append(buffer); lengths.append(Int32(d.count)); formats.append(1)
            }
        }
        let result: OpaquePointer? = values.withUnsafeBufferPointer { v in
            lengths.withUnsafeBufferPointer { l in
                formats.withUnsafeBufferPointer { f in
                    v.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: max(count, 1)) { vp in
                        PQexecParams(raw, sql, Int32(count), nil, count == 0 ? nil : vp, l.baseAddress, f.baseAddress, binary ? 1 : 0)
                    }
                }
            }
        }
        guard let result else { throw PostgresError(sqlState: nil, message: Self.trimmed(PQerrorMessage(raw))) }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK:
            return PGRows(result)
        default:
            let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            throw PostgresError(sqlState: state, message: Self.trimmed(PQresultErrorMessage(result)))
        }
    }

    /// Runs several `;`-separated statements without parameters (schema migrations).
    func executeScript(_ sql: String) throws {
        guard let result = PQexec(raw, sql) else { throw PostgresError(sqlState: nil, message: Self.trimmed(PQerrorMessage(raw))) }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            throw PostgresError(sqlState: state, message: Self.trimmed(PQresultErrorMessage(result)))
        }
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN")
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            _ = try? execute("ROLLBACK")
            throw error
        }
    }

    /// Reads whatever arrived on the socket and returns the notifications received, as (channel, payload).
    func notifications() throws -> [(channel: String, payload: String)] {
        guard PQconsumeInput(raw) == 1 else {
            throw PostgresError(sqlState: nil, message: Self.trimmed(PQerrorMessage(raw)))
        }
        var out: [(String, String)] = []
        while let n = PQnotifies(raw) {
            out.append((String(cString: n.pointee.relname), String(cString: n.pointee.extra)))
            PQfreemem(n)
        }
        return out
    }

    private static func trimmed(_ message: UnsafePointer<CChar>?) -> String {
        message.map { String(cString: $0) }?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "unknown error"
    }
}
