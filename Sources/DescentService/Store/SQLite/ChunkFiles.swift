import CFileSync
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The data of a SQLite store's large trajectory chunks, kept in files beside the database: one append-only file per
/// experiment attempt (`<folder>/<id>.<attempt>`), each chunk's bytes at an offset its `trajectory_chunk_data` row
/// records (`file_attempt`, `file_offset`, `file_length`; the row's `data` is then empty).
///
/// Why: SQLite writes every byte of a blob twice — into the WAL at commit and into the database file at the
/// checkpoint, one page per system call — and that copy bounded a 64-member study that records every step (about
/// 150 MB of chunks; BENCHMARKS.md, "The service's study"). A file is written once. Chunks smaller than `threshold`
/// (short runs: a 100-step run's trajectory is a few KiB) stay in their rows, so small experiments make no files.
///
/// Writes happen only in the store's write transaction, after the run's fence has passed (`SQLiteStore.commit`):
/// SQLite has one writer, so a run whose lease was taken over writes nothing, and the claim, release, delete and
/// recovery that drop an attempt's rows remove its file once their transaction has committed. A file written in a
/// transaction is flushed (`fdatasync`) before the transaction's commit, so a committed row never points past what
/// is on disk; each append starts its own write to disk at once (`sync_file_range`), so those flushes overlap the
/// rest of the transaction instead of writing every file's bytes in turn at its end. A file left by a crash between
/// its write and the commit has no rows and is removed with the experiment's other attempts.
struct ChunkFiles: Sendable {
    /// The folder of the files.
    let folder: String

    /// Chunks of at least this many bytes are written to files.
    static let threshold = 16 << 10

    /// Files in `folder`, created if missing.
    init(folder: String) throws {
        self.folder = folder
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    /// The file of experiment `id`'s attempt `attempt`.
    func path(_ id: String, attempt: Int) -> String { "\(folder)/\(id).\(attempt)" }

    /// The files one write transaction appends to, open until `finish()` flushes and closes them (one transaction,
    /// one thread: not shared).
    final class Appends {
        let files: ChunkFiles
        private var open: [String: (fd: Int32, end: Int)] = [:]

        init(_ files: ChunkFiles) { self.files = files }

        /// Appends `bytes` to experiment `id`'s attempt file; returns their offset.
        func append(_ bytes: [UInt8], id: String, attempt: Int) throws(ChunkFileError) -> Int {
            let path = files.path(id, attempt: attempt)
            var file: (fd: Int32, end: Int)
            if let f = open[path] {
                file = f
            } else {
                let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
                guard fd >= 0 else { throw .io("open", path, errno) }
                var st = stat()
                guard fstat(fd, &st) == 0 else {
                    let e = errno
                    close(fd)
                    throw .io("fstat", path, e)
                }
                file = (fd, Int(st.st_size))
            }
            let offset = file.end
            // Kept open from here: `finish()` (or deinit) closes it even when the write fails.
            open[path] = (file.fd, offset + bytes.count)
            let failure = bytes.withUnsafeBytes { raw in
                ChunkFiles.transfer(raw.count, "write", path, offset: offset) { done in
                    pwrite(file.fd, raw.baseAddress! + done, raw.count - done, off_t(offset + done))
                }
            }
            if let failure { throw failure }
            // The disk write starts now, while the transaction appends the other chunks and the workers go on: the
            // flush in `finish()` then waits for writes mostly done, not for every file's bytes one file after another.
            _ = descent_start_writeback(file.fd, Int64(offset), Int64(bytes.count))
            return offset
        }

        /// Flushes every file appended to and closes it; throws if any flush failed (the transaction must not commit).
        func finish() throws(ChunkFileError) {
            var failure: ChunkFileError?
            for (path, file) in open {
                if failure == nil && fdatasync(file.fd) != 0 { failure = .io("fdatasync", path, errno) }
                close(file.fd)
            }
            open = [:]
            if let failure { throw failure }
        }

        deinit {
            for file in open.values { close(file.fd) }
        }
    }

    /// `length` bytes at `offset` of experiment `id`'s attempt file.
    func read(_ id: String, attempt: Int, offset: Int, length: Int) throws(ChunkFileError) -> [UInt8] {
        let path = self.path(id, attempt: attempt)
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .io("open", path, errno) }
        defer { close(fd) }
        var out = [UInt8](repeating: 0, count: length)
        let failure = out.withUnsafeMutableBytes { raw in
            Self.transfer(length, "read", path, offset: offset) { done in
                pread(fd, raw.baseAddress! + done, length - done, off_t(offset + done))
            }
        }
        if let failure { throw failure }
        return out
    }

    /// Calls `move(done)` — a `pread` or `pwrite` of the bytes from `done` on — until `count` bytes have moved, again
    /// after an interrupted call; the failure, if any (a read that meets the end of the file at `offset + done` is
    /// `truncated`).
    private static func transfer(_ count: Int, _ call: String, _ path: String, offset: Int,
                                 _ move: (Int) -> Int) -> ChunkFileError? {
        var done = 0
        while done < count {
            let n = move(done)
            if n < 0 {
                if errno == EINTR { continue }
                return .io(call, path, errno)
            }
            if n == 0 { return .truncated(path, expected: offset + count, found: offset + done) }
            done += n
        }
        return nil
    }

    /// Removes experiment `id`'s files of attempts 1 … `attempts` (those that exist).
    func remove(_ id: String, attempts: ClosedRange<Int>) {
        for attempt in attempts { unlink(path(id, attempt: attempt)) }
    }
}

/// A chunk file could not be written or read.
enum ChunkFileError: Error, CustomStringConvertible {
    /// A system call failed.
    case io(String, String, Int32)
    /// The file ends before a chunk its rows record.
    case truncated(String, expected: Int, found: Int)

    var description: String {
        switch self {
        case .io(let call, let path, let code): "\(call) \(path): \(String(cString: strerror(code)))"
        case .truncated(let path, let expected, let found): "\(path) ends at byte \(found), a chunk ends at \(expected)"
        }
    }
}
