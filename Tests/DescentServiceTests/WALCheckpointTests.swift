import DescentCore
import Foundation
import GRDB
import Testing
@testable import DescentService

/// The SQLite store's checkpoints (`WALCheckpointer`): none at commit, the background ones copy the WAL into the
/// database file, and the data reads the same before and after.
@Suite struct WALCheckpointTests {
    private func folder() throws -> String {
        let folder = NSTemporaryDirectory() + "descent-wal-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    private func size(_ path: String) -> Int { (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? -1 }

    @Test func commitsDoNotCheckpointAndTheBackgroundCheckpointCopiesTheWALIntoTheDatabase() throws {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/descent.sqlite"
        let store = try SQLiteStore(path: path)
        #expect(try store.pool.read { try Int.fetchOne($0, sql: "PRAGMA wal_autocheckpoint") } == 0)
        // Enough rows to pass SQLite's automatic threshold (1,000 pages of 16 KiB) several times over.
        let records = try (0..<3_000).map { _ in try makeRecord() }
        for group in Swift.stride(from: 0, to: records.count, by: 100) {
            try store.insert(Array(records[group..<min(records.count, group + 100)]), queueCapacity: nil)
        }
        // Every row is in the WAL; a passive checkpoint (the background one, or this loop's) moves them into the file.
        let deadline = ContinuousClock.now + .seconds(20)
        var last = try store.checkpointer.checkpoint()
        while last.walFrames > 0 && last.checkpointed < last.walFrames && ContinuousClock.now < deadline {
            Thread.sleep(forTimeInterval: 0.02)
            last = try store.checkpointer.checkpoint()
        }
        #expect(last.walFrames > 0 && last.checkpointed == last.walFrames, "\(last)")
        #expect(size(path) > 500_000, "the database file holds the rows after the checkpoint")
        #expect(try store.experiment(records[2_999].id)?.id == records[2_999].id)
        try store.close()
        // Reopened: the same rows.
        let reopened = try SQLiteStore(path: path)
        #expect(try reopened.queuedCount() == 3_000)
        try reopened.close()
    }

    /// The timer checkpoints without being asked: a fresh database's file grows while nothing else runs.
    @Test func theTimerCheckpointsOnItsOwn() throws {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/descent.sqlite"
        let store = try SQLiteStore(path: path)
        let before = size(path)
        let records = try (0..<3_000).map { _ in try makeRecord() }
        try store.insert(records, queueCapacity: nil)
        let deadline = ContinuousClock.now + .seconds(20)
        while size(path) <= before + 500_000 && ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.02) }
        #expect(size(path) > before + 500_000, "the database file did not grow: no checkpoint ran")
        try store.close()
    }
}
