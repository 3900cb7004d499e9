import DescentCore
import DescentService
import Foundation
import Synchronization

// Queue claim latency under contention: fill the queue with N experiments, then C threads claim and
// complete them as fast as they can; report claims/s and the latency of each claim (p50/p99/max).
//
// Usage: descent-store-bench [--url postgres://…|sqlite:PATH] [--jobs 2000] [--claimers 1,2,4,8]
// Each claimer count runs on a fresh store (a new schema for PostgreSQL, a new file for SQLite).

func benchmark() throws {
    var url = "sqlite:"
    var jobs = 2000
    var claimerCounts = [1, 2, 4, 8]
    var args = CommandLine.arguments.dropFirst().makeIterator()
    while let a = args.next() {
        switch a {
        case "--url": url = args.next() ?? url
        case "--jobs": jobs = Int(args.next() ?? "") ?? jobs
        case "--claimers": claimerCounts = (args.next() ?? "").split(separator: ",").compactMap { Int($0) }
        default: FileHandle.standardError.write(Data("unknown argument \(a)\n".utf8)); exit(2)
        }
    }

    func freshStore() throws -> any Store {
        if url.hasPrefix("postgres") {
            let schema = "bench_" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["psql", url, "-q", "-c", "CREATE SCHEMA \(schema)"]
            try p.run(); p.waitUntilExit()
            return try PostgresStore(url: url + (url.contains("?") ? "&" : "?") + "options=-csearch_path%3D\(schema)", poolSize: 16)
        }
        let folder = NSTemporaryDirectory() + "descent-store-bench-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return try SQLiteStore(path: folder + "/descent.sqlite")
    }

    let specJSON = #"{"objective":{"type":"saddle"},"optimizer":{"type":"sgd","lr":0.1},"start":[0.01,0.02],"steps":10}"#
    let spec = try ExperimentSpec(checking: try JSONDecoder().decode(SpecValue.self, from: Data(specJSON.utf8)))
    let summary = try spec.validated().run().summary

    print("backend: \(url.hasPrefix("postgres") ? "postgresql" : "sqlite")   jobs per run: \(jobs)")
    print("claimers  claims/s   p50 ms   p99 ms   max ms")
    for claimers in claimerCounts {
        let store = try freshStore()
        for i in 0..<jobs {
            try store.insert(ExperimentRecord(queued: "exp_\(i)_\(UInt32.random(in: 0...UInt32.max))", spec: spec))
        }
        let latencies = Mutex<[Double]>([])
        let claimedIDs = Mutex<Set<String>>([])
        let group = DispatchGroup()
        let start = ContinuousClock.now
        for c in 0..<claimers {
            group.enter()
            Thread {
                var mine: [Double] = []
                while true {
                    let t = ContinuousClock.now
                    guard let claim = try? store.claim(owner: "bench-\(c)", leaseSeconds: 30) else { break }
                    let d = ContinuousClock.now - t
                    mine.append(Double(d.components.attoseconds) / 1e15 + Double(d.components.seconds) * 1e3)
                    claimedIDs.withLock { _ = $0.insert(claim.lease.id) }
                    _ = try? store.complete(claim.lease, status: .succeeded, summary: summary, error: nil, stepsDone: 10)
                }
                latencies.withLock { $0 += mine }
                group.leave()
            }.start()
        }
        group.wait()
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let l = latencies.withLock { $0 }.sorted()
        let unique = claimedIDs.withLock { $0.count }
        guard l.count == jobs, unique == jobs else { print("ERROR: \(l.count) claims, \(unique) distinct, \(jobs) jobs"); exit(1) }
        func pct(_ p: Double) -> String { String(format: "%.3f", l[min(l.count - 1, Int(Double(l.count) * p))]) }
        print(String(format: "%8d  %8.0f", claimers, Double(jobs) / seconds) + "   " + pct(0.5) + "    " + pct(0.99) + "    " + String(format: "%.3f", l.last ?? 0))
        try store.close()
    }
}

try benchmark()
