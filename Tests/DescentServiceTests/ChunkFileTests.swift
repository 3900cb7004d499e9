import DescentCore
import Foundation
import Testing
@testable import DescentService

/// The SQLite store's chunk files (`ChunkFiles`): large chunks are written once to a file per experiment attempt, read
/// back bit for bit, and the files go with the rows that point at them.
@Suite struct ChunkFileTests {
    /// A store in a fresh folder, and the folder of its chunk files.
    private func store() throws -> (SQLiteStore, String) {
        let folder = NSTemporaryDirectory() + "descent-chunkfiles-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return (try SQLiteStore(path: folder + "/descent.sqlite"), folder + "/descent.sqlite-chunks")
    }

    /// `rows` rows from `first` whose values do not compress (pseudo-random), so the stored chunk is large.
    private func chunk(_ first: Int, rows: Int, seed: UInt64 = 1) -> Trajectory {
        var random = SeededRandom(seed: seed)
        var t = Trajectory(dimension: 2)
        for s in first..<(first + rows) {
            t.step.append(s); t.epoch.append(0); t.lr.append(0.01); t.loss.append(random.nextDouble())
            t.gradNorm.append(random.nextDouble()); t.params += [random.nextDouble(), -random.nextDouble()]
        }
        return t
    }

    private func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    private func size(_ path: String) throws -> Int { (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? -1 }

    @Test func largeChunksAreWrittenToTheAttemptsFileAndReadBackBitExactly() throws {
        let (store, files) = try store()
        let r = try makeRecord()
        try store.insert(r)
        let c = try #require(try store.claim(owner: "w", leaseSeconds: 30))
        let big0 = StoredChunk(index: 0, records: chunk(0, rows: 4000)), big1 = StoredChunk(index: 1, records: chunk(4000, rows: 4000, seed: 2))
        let small = StoredChunk(index: 2, records: chunk(8000, rows: 5, seed: 3))
        #expect(big0.data.count >= ChunkFiles.threshold && small.data.count < ChunkFiles.threshold)
        #expect(try store.commit([.chunk(c.lease, big0, stepsDone: 4000), .chunk(c.lease, big1, stepsDone: 8000)], leaseSeconds: 30) == [true, true])
        #expect(try store.appendChunk(c.lease, chunk: small, stepsDone: 8005, leaseSeconds: 30))
        let file = files + "/\(r.id).1"
        #expect(try size(file) == big0.data.count + big1.data.count, "the two large chunks, back to back; the small one stays in its row")
        #expect(try store.chunkData(r.id, indices: 0...2) == [big0.data, big1.data, small.data])
        var whole = chunk(0, rows: 4000)
        for part in [chunk(4000, rows: 4000, seed: 2), chunk(8000, rows: 5, seed: 3)] {
            whole.step += part.step; whole.epoch += part.epoch; whole.lr += part.lr; whole.loss += part.loss
            whole.gradNorm += part.gradNorm; whole.params += part.params
        }
        #expect(try store.trajectory(r.id, dimension: 2) == whole)
        let inRows = try store.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT sum(length(data)) FROM trajectory_chunk_data WHERE experiment_id = ?", arguments: [r.id])
        }
        #expect(inRows == small.data.count)
    }

    @Test func filesGoWithTheAttemptsTheirRowsBelongTo() throws {
        let (store, files) = try store()
        let r = try makeRecord()
        try store.insert(r)
        let first = try #require(try store.claim(owner: "w", leaseSeconds: 30))
        #expect(try store.appendChunk(first.lease, index: 0, chunk: chunk(0, rows: 3000), stepsDone: 3000, leaseSeconds: 30))
        #expect(exists(files + "/\(r.id).1"))
        // Released: the attempt's rows and file go; the old lease can write nothing, so no file comes back.
        #expect(try store.release(first.lease))
        #expect(!exists(files + "/\(r.id).1"))
        #expect(try !store.appendChunk(first.lease, index: 0, chunk: chunk(0, rows: 3000), stepsDone: 3000, leaseSeconds: 30))
        #expect(!exists(files + "/\(r.id).1"))
        let second = try #require(try store.claim(owner: "w", leaseSeconds: 30))
        #expect(second.lease.attempt == 2)
        #expect(try store.appendChunk(second.lease, index: 0, chunk: chunk(0, rows: 3000, seed: 5), stepsDone: 3000, leaseSeconds: 30))
        #expect(exists(files + "/\(r.id).2"))
        #expect(try store.trajectory(r.id, dimension: 2) == chunk(0, rows: 3000, seed: 5))
        // Recovery at start re-queues running runs and drops what they wrote.
        #expect(try store.requeueRunning() == 1)
        #expect(!exists(files + "/\(r.id).2"))
        // A file a crash left without rows (written, never committed) goes with the experiment.
        let third = try #require(try store.claim(owner: "w", leaseSeconds: 30))
        #expect(FileManager.default.createFile(atPath: files + "/\(r.id).3", contents: Data([1, 2, 3])))
        #expect(try store.appendChunk(third.lease, index: 0, chunk: chunk(0, rows: 3000), stepsDone: 3000, leaseSeconds: 30))
        #expect(try store.trajectory(r.id, dimension: 2) == chunk(0, rows: 3000), "appended after the stray bytes, read at its offset")
        try store.delete(r.id)
        #expect(try FileManager.default.contentsOfDirectory(atPath: files).isEmpty)
    }

    @Test func aChunkFileCutShortIsAnErrorNotGarbage() throws {
        let (store, files) = try store()
        let r = try makeRecord()
        try store.insert(r)
        let c = try #require(try store.claim(owner: "w", leaseSeconds: 30))
        #expect(try store.appendChunk(c.lease, index: 0, chunk: chunk(0, rows: 3000), stepsDone: 3000, leaseSeconds: 30))
        let file = files + "/\(r.id).1"
        #expect(truncate(file, off_t(try size(file) - 1)) == 0)
        #expect(throws: ChunkFileError.self) { try store.chunkData(r.id, indices: 0...0) }
        #expect(throws: ChunkFileError.self) { try store.trajectory(r.id, dimension: 2) }
        unlink(file)
        #expect(throws: ChunkFileError.self) { try store.chunkData(r.id, indices: 0...0) }
    }
}
