import DescentTestSupport
import Foundation
import Synchronization
import Testing
@testable import DescentService

/// PostgreSQL-only behaviour (the shared contract is in StoreContractTests).
@Suite(.enabled(if: StoreBackend.postgresURL != nil, "needs DESCENT_TEST_POSTGRES_URL (make test starts a throwaway PostgreSQL)"))
struct PostgresStoreTests {
    @Test func instancesStartingTogetherApplyEachMigrationOnce() async throws {
        let url = try StoreBackend.freshSchemaURL()
        let errors = Mutex<[String]>([])
        let group = DispatchGroup()
        for _ in 0..<4 {
            group.enter()
            Thread {
                do { try PostgresStore(url: url, poolSize: 1).close() } catch { errors.withLock { $0.append("\(error)") } }
                group.leave()
            }.start()
        }
        await withCheckedContinuation { done in group.notify(queue: .global()) { done.resume() } }
        #expect(errors.withLock { $0 }.isEmpty)
        let store = try PostgresStore(url: url, poolSize: 1)
        #expect(try store.appliedMigrations() == PostgresStore.migrations.map(\.version))
        #expect(PostgresStore.migrations.map(\.version) == Array(1...PostgresStore.migrations.count))
    }

    @Test func v1ChunksAreConvertedByMigrationFour() throws {
        let url = try StoreBackend.freshSchemaURL()
        let c = try PGConnection(url: url)
        try PostgresStore.migrate(c, upTo: 3)
        let t = TrajectoryFormatTests.sample(rows: 9000)
        let r = try makeRecord()
        try c.execute("""
            INSERT INTO experiment (id, status, name, tags, objective, optimizer, spec, created_at)
            VALUES ($1, 'succeeded', 'old', '[]', 'saddle', 'sgd', $2, 0)
            """, [.text(r.id), .text(try JSONCoding.string(r.spec))])
        for (i, part) in [t.rows(0..<100), t.rows(100..<9000)].enumerated() {
            try c.execute("INSERT INTO trajectory_chunk (experiment_id, chunk_index, data) VALUES ($1, $2, $3)",
                          [.text(r.id), PGValue(i), .bytes(Data(TrajectoryCodec.encodeLegacy(part)))])
        }
        let store = try PostgresStore(url: url, poolSize: 1)
        #expect(TrajectoryFormatTests.sameRows(try store.trajectory(r.id, dimension: 2), t))
        #expect(try store.chunkIndex(r.id).map(\.rows) == [100, 8192, 708])
        #expect(try store.appliedMigrations() == Array(1...PostgresStore.migrations.count))  // 4 and every later one
    }

    @Test func aBadURLFailsAtOpenWithTheReason() {
        do {
            _ = try PostgresStore(url: "postgres://nobody@127.0.0.1:1/none?connect_timeout=2")
            Issue.record("opened a store on a closed port")
        } catch {
            #expect("\(error)".contains("cannot connect to PostgreSQL"))
        }
    }

    @Test func queuingARowNotifiesTheWorkChannel() async throws {
        let url = try StoreBackend.freshSchemaURL()
        let store = try PostgresStore(url: url, poolSize: 2)
        let listener = try PGConnection(url: url)
        try listener.execute("LISTEN \(PostgresCoordination.workChannel)")
        let record = try makeRecord()
        try store.insert(record)
        // Channels are per database, so other tests' notifications arrive too: look for this row's.
        var heard: [(channel: String, payload: String)] = []
        try await waitUntil("the row's notification arrives", timeout: 10) {
            heard += try listener.notifications()
            return heard.contains { $0.payload == record.id }
        }
        #expect(heard.contains { $0.channel == PostgresCoordination.workChannel && $0.payload == record.id })
    }
}
