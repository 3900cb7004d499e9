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
