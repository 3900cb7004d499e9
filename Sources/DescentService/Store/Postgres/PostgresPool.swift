import Foundation

/// A fixed-size pool of libpq connections, opened on demand. A caller holds a connection for one
/// closure; a connection found broken afterwards is dropped and a new one opened next time.
///
/// `@unchecked Sendable`: all state is guarded by `condition`; a connection is used by one thread at a time.
final class PostgresPool: @unchecked Sendable {
    private let url: String
    private let size: Int
    private let setup: String?
    private let condition = NSCondition()
    private var idle: [PGConnection] = []
    private var open = 0
    private var closed = false

    /// A pool of at most `size` connections to `url`, each running `setup` (session settings) once
    /// connected; opens one now so a bad URL fails at start.
    init(url: String, size: Int, setup: String? = nil) throws {
        self.url = url
        self.size = max(1, size)
        self.setup = setup
        idle.append(try Self.connect(url, setup))
        open = 1
    }

    private static func connect(_ url: String, _ setup: String?) throws -> PGConnection {
        let c = try PGConnection(url: url)
        if let setup { try c.execute(setup) }
        return c
    }

    /// Runs `body` with a connection, waiting for one when all are in use. When the connection turns
    /// out to be dead (the server restarted, or the backend was terminated), `body` runs once more on a
    /// fresh one: a statement sent on a dead connection never ran, and an unfinished transaction was
    /// rolled back by the server.
    @discardableResult
    func with<T>(_ body: (PGConnection) throws -> T) throws -> T {
        let connection = try acquire()
        do {
            let value = try body(connection)
            give(back: connection)
            return value
        } catch {
            let broken = connection.isBroken
            give(back: connection)
            guard broken else { throw error }
            dropIdle()
        }
        let fresh = try acquire()
        defer { give(back: fresh) }
        return try body(fresh)
    }

    private func acquire() throws -> PGConnection {
        condition.lock()
        while true {
            if closed {
                condition.unlock()
                throw PostgresError(sqlState: nil, message: "the store is closed")
            }
            if let c = idle.popLast() {
                condition.unlock()
                return c
            }
            if open < size {
                open += 1
                condition.unlock()
                do { return try Self.connect(url, setup) } catch {
                    condition.lock(); open -= 1; condition.signal(); condition.unlock()
                    throw error
                }
            }
            condition.wait()
        }
    }

    /// Closes every idle connection: one found broken usually means the server restarted or terminated them
    /// all, so the retry must not take another dead one from the idle list (with several idle, it would).
    private func dropIdle() {
        condition.lock()
        open -= idle.count
        idle.removeAll()
        condition.signal()
        condition.unlock()
    }

    private func give(back connection: PGConnection) {
        condition.lock()
        if connection.isBroken || closed { open -= 1 } else { idle.append(connection) }
        condition.signal()
        condition.unlock()
    }

    /// Closes the idle connections; connections in use close when given back. Later calls fail.
    func close() {
        condition.lock()
        closed = true
        open -= idle.count
        idle.removeAll()
        condition.broadcast()
        condition.unlock()
    }
}
