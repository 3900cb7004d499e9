import DescentCore
import DescentService
import Foundation

// The in-memory reference for the write path: the same runs a server's workers do, through the core
// with no store. Each of THREADS threads takes runs of SPEC off a shared counter until RUNS are done;
// progress chunks arrive as often as the runner asks for them and are dropped, or with --encode turned
// into stored chunks as a worker does (so the difference to a server is the store and coordination).
//
// Usage: descent-memory-bench SPEC.json [--runs 20] [--threads 2] [--encode]
// Prints one line: runs, threads, wall seconds, runs/s, rows recorded/s.

func benchmark() throws {
    var args = CommandLine.arguments.dropFirst().makeIterator()
    var path: String?
    var runs = 20, threads = 2, encode = false
    while let a = args.next() {
        switch a {
        case "--runs": runs = Int(args.next() ?? "") ?? runs
        case "--threads": threads = Int(args.next() ?? "") ?? threads
        case "--encode": encode = true
        default: path = a
        }
    }
    guard let path else { FileHandle.standardError.write(Data("usage: descent-memory-bench SPEC.json [--runs N] [--threads T] [--encode]\n".utf8)); exit(2) }
    let value = try JSONDecoder().decode(SpecValue.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    let spec = try ExperimentSpec(checking: value)
    let experiment = try spec.validated()
    let steps = experiment.configuration.steps
    let every = min(steps, max(8192, steps / 100))  // as ExperimentRunner asks for chunks
    let next = Counter(), rows = Counter()
    let (total, encoding) = (runs, encode)
    let group = DispatchGroup()
    let start = ContinuousClock.now
    for _ in 0..<threads {
        group.enter()
        let thread = Thread {
            while next.increment() <= total {
                var encoder = TrajectoryEncoder()
                var recorded = 0, bytes = 0
                _ = experiment.run(control: RunControl(), progressEvery: every) { chunk in
                    recorded += chunk.records.count
                    if encoding { bytes += encoder.encode(chunk.records).reduce(0) { $0 + $1.data.count } }
                }
                rows.add(recorded)
                if bytes < 0 { print(bytes) }  // keeps the encoding from being optimised away
            }
            group.leave()
        }
        thread.stackSize = 8 << 20
        thread.start()
    }
    group.wait()
    let d = ContinuousClock.now - start
    let seconds = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    print(String(format: "runs=%d threads=%d encode=%@ seconds=%.3f runs_per_s=%.2f rows_per_s=%.0f",
                 runs, threads, encode ? "yes" : "no", seconds, Double(runs) / seconds, Double(rows.value) / seconds))
}

/// A shared counter (the threads' only shared state).
final class Counter: @unchecked Sendable {  // guarded by `lock`
    private let lock = NSLock()
    private var count = 0
    func increment() -> Int { lock.withLock { count += 1; return count } }
    func add(_ n: Int) { lock.withLock { count += n } }
    var value: Int { lock.withLock { count } }
}

try benchmark()
