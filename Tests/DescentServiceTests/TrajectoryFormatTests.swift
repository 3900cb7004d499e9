import CBytePlanes
import DescentCore
import Foundation
import GRDB
import Testing
@testable import DescentService

/// The stored trajectory format: columns round-trip bit for bit, summaries agree with the rows they
/// summarise, and views read from chunks and summaries agree with the whole trajectory.
@Suite struct TrajectoryFormatTests {
    /// Doubles that must survive storage exactly.
    static let awkward: [Double] = [
        0, -0.0, 1, -1, .infinity, -.infinity, .nan, -.nan, .signalingNaN,
        Double(bitPattern: 0x7FF8_0000_0000_0001), Double(bitPattern: 0xFFF4_0000_DEAD_BEEF),
        .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .leastNormalMagnitude.nextDown, .greatestFiniteMagnitude,
        -.greatestFiniteMagnitude, 1e-300, 0.1, .pi, .ulpOfOne,
    ]

    /// A trajectory of `rows` rows whose columns exercise every encoding.
    static func sample(rows: Int, dimension: Int = 2, seed: UInt64 = 1) -> Trajectory {
        var rng = SplitMix(seed)
        var t = Trajectory(dimension: dimension)
        for i in 0..<rows {
            t.step.append(i * 3 + (i == rows - 1 ? 1 : 0))
            t.epoch.append(i / 100)
            t.lr.append(i < rows / 2 ? 0.1 : 0.01)
            let smooth = exp(-Double(i) / 500) + 1e-3 * sin(Double(i))
            t.loss.append(i % 97 == 5 ? awkward[i % awkward.count] : smooth)
            t.gradNorm.append(rng.double())
            for j in 0..<dimension { t.params.append(j == 0 ? 1 - smooth : rng.double() * 1e-5 + Double(i)) }
        }
        return t
    }

    static func bits(_ v: [Double]) -> [UInt64] { v.map(\.bitPattern) }

    static func sameRows(_ a: Trajectory, _ b: Trajectory) -> Bool {
        a.step == b.step && a.epoch == b.epoch && bits(a.lr) == bits(b.lr) && bits(a.loss) == bits(b.loss)
            && bits(a.gradNorm) == bits(b.gradNorm) && bits(a.params) == bits(b.params)
    }

    @Test func doubleColumnsRoundTripBitForBitInEveryEncoding() throws {
        var rng = SplitMix(7)
        let columns: [[Double]] = [
            Self.awkward,
            (0..<5000).map { _ in Double(bitPattern: rng.next()) },  // random bit patterns: raw
            Array(repeating: -0.0, count: 3000),  // runs
            (0..<4000).map { Double($0 / 1000) * 1e-3 },  // piecewise constant: runs
            (0..<4000).map { 1 / (1 + Double($0)) },  // smooth: XOR + planes + zstd
            [],
            [.nan],
        ]
        for column in columns {
            var bytes: [UInt8] = []
            let encoding = column.withUnsafeBufferPointer { p in
                ColumnCodec.encode(doubles: p.baseAddress ?? UnsafePointer(bitPattern: 8)!, count: column.count, into: &bytes)
            }
            var back = [Double](repeating: 1, count: column.count)
            try bytes.withUnsafeBytes { raw in
                try ColumnCodec.decodeDoubles(raw, encoding: encoding, rows: column.count) { i, v in back[i] = v }
            }
            #expect(Self.bits(back) == Self.bits(column), "encoding \(encoding)")
        }
    }

    /// The C byte-plane split gives the planes the byte-at-a-time definition gives, for every length around the
    /// eight-value blocks, every stride the columns use, and values with every byte set.
    @Test func bytePlanesMatchTheirDefinition() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state }
        for stride in [1, 2, 3, 7] {
            for n in 0..<41 {
                var values = (0..<(n * stride)).map { _ in Double(bitPattern: next()) }
                if n > 2 { values[stride] = Self.awkward[n % Self.awkward.count] }
                var expected = [UInt8](repeating: 0, count: n * 8)
                var previous: UInt64 = 0
                for i in 0..<n {
                    let b = values[i * stride].bitPattern
                    for p in 0..<8 { expected[p * n + i] = UInt8(truncatingIfNeeded: (b ^ previous) >> UInt64(8 * p)) }
                    previous = b
                }
                var planes = [UInt8](repeating: 0xAA, count: n * 8)
                values.withUnsafeBufferPointer { v in
                    planes.withUnsafeMutableBufferPointer { p in
                        if let base = v.baseAddress, let out = p.baseAddress { descent_xor_byte_planes(base, n, stride, out) }
                    }
                }
                #expect(planes == expected, "n \(n), stride \(stride)")
            }
        }
    }

    @Test func integerColumnsRoundTripInEveryEncoding() throws {
        let columns: [[Int]] = [
            Array(stride(from: 0, to: 100_000, by: 7)), [5], [], [Int.min, Int.max, 0, -1, Int.max],
            (0..<1000).map { $0 < 999 ? $0 * 10 : 9_995 }, (0..<1000).map { $0 / 32 },
        ]
        for column in columns {
            var bytes: [UInt8] = []
            let encoding = column.withUnsafeBufferPointer { ColumnCodec.encode(ints: $0, into: &bytes) }
            var back: [Int] = []
            try bytes.withUnsafeBytes { try ColumnCodec.decodeInts($0, encoding: encoding, rows: column.count, into: &back) }
            #expect(back == column)
        }
        var arithmetic: [UInt8] = []
        let e = Array(stride(from: 0, through: 1_000_000, by: 1)).withUnsafeBufferPointer { ColumnCodec.encode(ints: $0, into: &arithmetic) }
        #expect(e == .arithmetic && arithmetic.count == 16)
    }

    /// A float column written by builds that compressed at zstd level 1 (bytes made by libzstd 1.5.4's
    /// `ZSTD_compress` at level 1 from the column's XOR-ed byte planes): 1 + i·2⁻²⁰ + (i mod 7)·2⁻⁴⁰, i < 80.
    static let levelOneColumn = "28b52ffd6080012d0200e8000010301070103060010301070103010f1f0f3f0f1f0f7f0ff0003f0010000b28ae142877c920038e0127c01d700c3801ee8063c089159701a658904141a9a086518005"

    @Test func columnsCompressedAtLevelOneStillDecode() throws {
        var hex = Substring(Self.levelOneColumn)
        var bytes: [UInt8] = []
        while !hex.isEmpty { bytes.append(try #require(UInt8(hex.prefix(2), radix: 16))); hex = hex.dropFirst(2) }
        let expected: [Double] = (0..<80).map { (i: Int) -> Double in
            let step: Double = Double(i) * 0x1p-20
            let wobble: Double = Double(i % 7) * 0x1p-40
            return 1 + step + wobble
        }
        var back = [Double](repeating: 0, count: 80)
        try bytes.withUnsafeBytes { raw in
            try ColumnCodec.decodeDoubles(raw, encoding: .xorShuffleZstd, rows: 80) { i, v in back[i] = v }
        }
        #expect(Self.bits(back) == Self.bits(expected))
        // The current encoder writes the same column in the same encoding, at its own level.
        var now: [UInt8] = []
        #expect(expected.withUnsafeBufferPointer { ColumnCodec.encode(doubles: $0.baseAddress!, count: 80, into: &now) } == .xorShuffleZstd)
    }

    @Test func doubleColumnsOfEverySizeRoundTripOnManyThreadsAtOnce() async throws {
        // Sizes below, at and above a context's kept scratch memory (1 MiB of planes is 131,072 values), so reused,
        // grown and temporary scratch buffers are all exercised, by several threads sharing the contexts.
        let sizes = [8192, 100, 200_000, 5000, 131_072, 64]
        let failures = await withTaskGroup(of: Int.self) { group in
            for task in 0..<8 {
                group.addTask {
                    var failed = 0
                    for (k, n) in sizes.enumerated() {
                        let column = (0..<n).map { 1 + 1 / (2 + Double($0 + task + k)) + sin(Double($0)) * 1e-6 }  // in (1, 2): compressible
                        var bytes: [UInt8] = [0xAB]  // an encoding appends after what is there
                        let encoding = column.withUnsafeBufferPointer { ColumnCodec.encode(doubles: $0.baseAddress!, count: n, into: &bytes) }
                        var back = [Double](repeating: 0, count: n)
                        do {
                            try bytes.withUnsafeBytes { raw in
                                try ColumnCodec.decodeDoubles(UnsafeRawBufferPointer(rebasing: raw[1...]), encoding: encoding, rows: n) { i, v in back[i] = v }
                            }
                        } catch { failed += 1 }
                        if (n >= 5000 && encoding != .xorShuffleZstd) || bytes[0] != 0xAB || Self.bits(back) != Self.bits(column) { failed += 1 }
                    }
                    return failed
                }
            }
            return await group.reduce(0, +)
        }
        #expect(failures == 0)
    }

    @Test func chunksRoundTripAndDecodeColumnsSeparately() throws {
        let t = Self.sample(rows: 3000, dimension: 3)
        let bytes = TrajectoryCodec.encode(t)
        var back = Trajectory(dimension: 3)
        try TrajectoryCodec.decode(Data(bytes), into: &back)
        #expect(Self.sameRows(back, t))
        var lossOnly = Trajectory(dimension: 3)
        try bytes.withUnsafeBytes {
            try TrajectoryCodec.decode($0, step: false, epoch: false, lr: false, gradNorm: false, params: false, into: &lossOnly)
        }
        #expect(Self.bits(lossOnly.loss) == Self.bits(t.loss) && lossOnly.step.isEmpty && lossOnly.params.isEmpty)
        var noParams = t
        noParams.params = []
        var back2 = Trajectory(dimension: 3)
        try TrajectoryCodec.decode(Data(TrajectoryCodec.encode(noParams)), into: &back2)
        #expect(Self.sameRows(back2, noParams))
        #expect(throws: (any Error).self) { try TrajectoryCodec.decode(Data(bytes.prefix(bytes.count - 3)), into: &back2) }
    }

    @Test func epochRecordsRoundTrip() throws {
        let epochs = [EpochRecord(epoch: 0, step: 32, trainLoss: .nan, validationLoss: nil, validationAccuracy: 0.5),
                      EpochRecord(epoch: 1, step: 64, trainLoss: 0.25, validationLoss: -0.0, validationAccuracy: nil)]
        let back = try TrajectoryCodec.decodeEpochs(TrajectoryCodec.encodeEpochs(epochs))
        #expect(back.map(\.step) == [32, 64] && back[0].trainLoss.isNaN && back[0].validationAccuracy == 0.5)
        #expect(back[1].validationLoss?.sign == .minus && back[1].validationAccuracy == nil)
    }

    /// A bucket is what the plain loop over its rows with `Double.minimum`/`maximum` gives, bit for bit (NaN sums: NaN):
    /// on rows with NaN (the general loop) and without (the branch-free one), with ±0 ties, infinities and repeated
    /// extremes.
    @Test func bucketsMatchThePlainLoopWithAndWithoutNaN() {
        var rng = SplitMix(7)
        let specials: [Double] = [0, -0.0, .infinity, -.infinity, 1, 1, -1, .leastNonzeroMagnitude, -0.0, 0]
        for withNaN in [false, true] {
            var t = Trajectory(dimension: 1)
            for i in 0..<3000 {
                let pick = { (k: Int) -> Double in i % 7 == k ? specials[(i / 7) % specials.count] : rng.double() * 2 - 1 }
                t.step.append(i); t.epoch.append(0); t.params.append(0)
                // lr: both zeros among positive values (ties at the minimum); gradient norm: both zeros among negative
                // values (ties at the maximum); loss: infinities, repeated values and ±1 among random values.
                t.lr.append(i % 11 == 0 ? -0.0 : i % 13 == 0 ? 0.0 : rng.double() + 0.5)
                t.loss.append(withNaN && i % 501 == 250 ? .nan : pick(2))
                t.gradNorm.append(withNaN && i % 777 == 3 ? -.nan : i % 5 == 0 ? 0.0 : i % 17 == 0 ? -0.0 : -rng.double() - 0.5)
            }
            for range in [0..<3000, 0..<1, 5..<6, 7..<263, 250..<251, 1000..<2024] {
                let b = TrajectorySummary.Bucket(t, rows: range)
                var lowest = range.lowerBound, highest = range.lowerBound
                var mins = [Double](repeating: .nan, count: 3), maxs = mins, sums = [0.0, 0.0, 0.0]
                for i in range {
                    let l = t.loss[i]
                    if TrajectorySummary.Bucket.key(l) < TrajectorySummary.Bucket.key(t.loss[lowest]) { lowest = i }
                    if TrajectorySummary.Bucket.higher(l, than: t.loss[highest]) { highest = i }
                    for (k, v) in [t.lr[i], l, t.gradNorm[i]].enumerated() {
                        mins[k] = .minimum(mins[k], v); maxs[k] = .maximum(maxs[k], v); sums[k] += v
                    }
                }
                #expect(b.lowest == lowest && b.highest == highest && b.rows == range.count, "\(range) nan=\(withNaN)")
                #expect(Self.bits([b.lrMin, b.lossMin, b.gradMin]) == Self.bits(mins), "\(range) nan=\(withNaN)")
                #expect(Self.bits([b.lrMax, b.lossMax, b.gradMax]) == Self.bits(maxs), "\(range) nan=\(withNaN)")
                // A sum that met NaN (or ∞ − ∞) is NaN; which NaN depends on the order the compiler gives an addition's
                // operands, so only its NaN-ness is compared.
                let got = [b.lrSum, b.lossSum, b.gradSum].map { $0.isNaN ? Double.nan : $0 }
                #expect(Self.bits(got) == Self.bits(sums.map { $0.isNaN ? Double.nan : $0 }), "\(range) nan=\(withNaN)")
            }
        }
    }

    @Test func summaryBucketsAgreeWithTheirRows() throws {
        let t = Self.sample(rows: 5000)
        let levels = TrajectorySummary.levels(of: t)
        #expect(levels.count == 4 && levels.last?.count == 1)  // 256, 1024, 4096 rows, then the whole chunk
        for (level, buckets) in levels.enumerated() {
            let size = TrajectorySummary.bucketRows(level: level)
            var pool = TrajectorySummary.Pool(dimension: 2)
            let decoded = try pool.decode(TrajectorySummary.encode(buckets, of: t), params: true)
            #expect(decoded.count == buckets.count)
            for (k, (b, d)) in zip(buckets, decoded).enumerated() {
                let rows = (k * size)..<min(t.count, (k + 1) * size)
                #expect(b.rows == rows.count && d.rows == rows.count)
                #expect(b.first == rows.lowerBound && b.last == rows.upperBound - 1)
                let losses = rows.map { t.loss[$0] }
                let keys = losses.map(TrajectorySummary.Bucket.key)
                #expect(TrajectorySummary.Bucket.key(t.loss[b.lowest]) == keys.min())
                #expect(TrajectorySummary.Bucket.key(t.loss[b.highest]) == keys.max())
                if losses.contains(where: \.isNaN) { #expect(t.loss[b.highest].isNaN) }
                #expect(b.lossMin == losses.filter { !$0.isNaN }.min())
                // The decoded bucket's rows are the same rows, parameters included.
                for (i, j) in [(b.first, d.first), (b.last, d.last), (b.lowest, d.lowest), (b.highest, d.highest)] {
                    #expect(pool.rows.step[j] == t.step[i] && pool.rows.loss[j].bitPattern == t.loss[i].bitPattern)
                    #expect(Self.bits(Array(pool.rows.parameters(atRow: j))) == Self.bits(Array(t.parameters(atRow: i))))
                }
                #expect(Self.bits(d.stats) == Self.bits(b.stats))
            }
        }
    }

    /// A store holding `t` as one run's chunks, written as a run writes them.
    static func stored(_ t: Trajectory, backend: StoreBackend) throws -> (any Store, String) {
        let store = try backend.makeStore()
        let r = try makeRecord()
        try store.insert(r)
        let c = try #require(try store.claim(owner: "w", leaseSeconds: 60))
        var encoder = TrajectoryEncoder()
        var start = 0
        while start < t.count {
            let end = min(t.count, start + 10_000)
            for chunk in encoder.encode(t.rows(start..<end)) {
                #expect(try store.appendChunk(c.lease, chunk: chunk, stepsDone: end, leaseSeconds: 60))
            }
            start = end
        }
        return (store, r.id)
    }

    @Test(arguments: StoreBackend.available) func viewsAgreeWithTheWholeTrajectory(_ backend: StoreBackend) throws {
        let t = Self.sample(rows: 40_000)
        let (store, id) = try Self.stored(t, backend: backend)
        #expect(Self.sameRows(try store.trajectory(id, dimension: 2), t))
        var slice = TrajectoryView()
        slice.from = 30_000; slice.to = 33_001
        let page = try store.view(id, dimension: 2, slice)
        let expected = t.step.indices.filter { (30_000...33_001).contains(t.step[$0]) }
        #expect(page.rows.step == expected.map { t.step[$0] } && page.total == 40_000 && !page.downsampled)
        #expect(Self.bits(page.rows.params) == Self.bits(expected.flatMap { t.parameters(atRow: $0) }))
        slice.every = 7
        #expect(try store.view(id, dimension: 2, slice).rows.step == stride(from: 0, to: expected.count, by: 7).map { t.step[expected[$0]] })
        for maxPoints in [3, 40, 1500, 39_999] {
            var v = TrajectoryView()
            v.maxPoints = maxPoints
            let rows = try store.view(id, dimension: 2, v).rows
            #expect(rows.count <= maxPoints && rows.count >= min(maxPoints, 4) / 2)
            #expect(rows.step.first == 0 && rows.step.last == t.step.last && rows.step == rows.step.sorted())
            let index = Dictionary(uniqueKeysWithValues: t.step.enumerated().map { ($1, $0) })
            for (k, s) in rows.step.enumerated() {
                let i = try #require(index[s])
                #expect(rows.loss[k].bitPattern == t.loss[i].bitPattern && rows.params[2 * k] == t.params[2 * i])
            }
            // The smallest loss is among the points, and from four points on, the largest (a NaN here) too.
            #expect(maxPoints < 4 || rows.loss.contains { $0.isNaN })
            #expect(rows.loss.contains(t.loss.filter { !$0.isNaN }.min() ?? 0))
        }
    }

    /// `sample` with two optimizer-internal columns per row (one smooth, one awkward).
    static func withInternals(_ t: Trajectory) -> Trajectory {
        var t = t
        t.internalNames = ["m[0]", "update_norm"]
        for i in 0..<t.count { t.internals += [1 / (1 + Double(i)), awkward[i % awkward.count]] }
        return t
    }

    @Test func internalColumnsRoundTripWithTheirNamesAndDecodeSeparately() throws {
        let t = Self.withInternals(Self.sample(rows: 3000, dimension: 3))
        let bytes = TrajectoryCodec.encode(t)
        var back = Trajectory(dimension: 3)
        try TrajectoryCodec.decode(Data(bytes), into: &back)
        #expect(Self.sameRows(back, t) && back.internalNames == t.internalNames && Self.bits(back.internals) == Self.bits(t.internals))
        var without = Trajectory(dimension: 3)
        try bytes.withUnsafeBytes { try TrajectoryCodec.decode($0, internals: false, into: &without) }
        #expect(Self.sameRows(without, t) && without.internals.isEmpty && without.internalNames.isEmpty)
        // A chunk without internals is the format as it was: the header byte after the flags stays 0.
        let plain = TrajectoryCodec.encode(Self.sample(rows: 10))
        #expect(plain[13] == 0 && bytes[13] == 2)
        #expect(throws: (any Error).self) { try TrajectoryCodec.decode(Data(bytes.prefix(bytes.count - 3)), into: &back) }
    }

    @Test(arguments: StoreBackend.available) func viewsKeepEachRowsInternals(_ backend: StoreBackend) throws {
        let t = Self.withInternals(Self.sample(rows: 20_000))
        let (store, id) = try Self.stored(t, backend: backend)
        let whole = try store.trajectory(id, dimension: 2)
        #expect(whole.internalNames == t.internalNames && Self.bits(whole.internals) == Self.bits(t.internals))
        let index = Dictionary(uniqueKeysWithValues: t.step.enumerated().map { ($1, $0) })
        var slice = TrajectoryView()
        slice.from = 9_000; slice.to = 15_000; slice.every = 3
        for view in [slice, { var v = TrajectoryView(); v.maxPoints = 200; return v }()] {
            let rows = try store.view(id, dimension: 2, view).rows
            #expect(rows.count > 0 && rows.internals.count == 2 * rows.count)
            for (k, s) in rows.step.enumerated() {
                let i = try #require(index[s])
                #expect(Self.bits(Array(rows.internals(atRow: k))) == Self.bits(Array(t.internals(atRow: i))))
            }
        }
        var lossOnly = TrajectoryView()
        lossOnly.maxPoints = 200; lossOnly.fields = [.loss]
        #expect(try store.view(id, dimension: 2, lossOnly).rows.internals.isEmpty)
    }

    @Test func viewsOfEmptyRangesAndOfOneCutChunk() throws {
        let t = Self.sample(rows: 20_000)
        let (store, id) = try Self.stored(t, backend: .sqlite)
        #expect(try store.chunkIndex(id).allSatisfy { $0.dimension == 2 })
        var v = TrajectoryView()
        v.from = 1_000_000
        #expect(try store.view(id, dimension: 2, v).rows.count == 0)
        v.from = 500; v.to = 400
        #expect(try store.view(id, dimension: 2, v).rows.count == 0)
        // A range inside one chunk, cut at both ends, downsampled from the decoded rows.
        v.from = 9000; v.to = 18_000; v.maxPoints = 50
        let page = try store.view(id, dimension: 2, v)
        #expect(page.downsampled && page.rows.count <= 50 && page.rows.step.first == 9000 && page.rows.step.last == 18_000)
        #expect(try store.view("exp_none", dimension: 2, TrajectoryView()).rows.count == 0)
    }

    @Test(arguments: StoreBackend.available) func firstStepBelowATargetSkipsChunksBySummary(_ backend: StoreBackend) throws {
        var t = Self.sample(rows: 30_000)
        t.loss = t.loss.map { $0.isFinite && $0 >= 0 ? $0 : 1 }
        let (store, id) = try Self.stored(t, backend: backend)
        for target in [0.5, 0.01, 0.0011] {
            let i = t.loss.firstIndex { $0 <= target }
            #expect(try store.firstStep(id, dimension: 2, lossAtMost: target) == i.map { t.step[$0] })
        }
        #expect(try store.firstStep(id, dimension: 2, lossAtMost: -5) == nil)
    }

    @Test func storedSizeIsUnderFourBytesPerValueForASmoothRun() throws {
        let spec = #"{"objective":{"type":"rosenbrock"},"optimizer":{"type":"adam","lr":0.001},"start":[-1.2,1],"steps":200000}"#
        let run = try ExperimentSpec(checking: try JSONDecoder().decode(SpecValue.self, from: Data(spec.utf8))).validated().run()
        var encoder = TrajectoryEncoder()
        let chunks = encoder.encode(run.trajectory)
        let bytes = chunks.reduce(0) { $0 + $1.data.count + $1.summaries.reduce(0) { $0 + $1.count } }
        let values = run.trajectory.count * 7
        #expect(Double(bytes) / Double(values) < 4)
        var back = Trajectory(dimension: 2)
        for c in chunks { try TrajectoryCodec.decode(Data(c.data), into: &back) }
        #expect(Self.sameRows(back, run.trajectory))
    }

    @Test func v1ChunksAreConvertedWhenASQLiteStoreOpens() throws {
        let folder = NSTemporaryDirectory() + "descent-migrate-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/descent.sqlite"
        let t = Self.sample(rows: 9000)
        let r = try makeRecord()
        try SQLiteStore.createLegacyStore(path: path, id: r.id, spec: try JSONCoding.string(r.spec), chunks: [
            TrajectoryCodec.encodeLegacy(t.rows(0..<100)), TrajectoryCodec.encodeLegacy(t.rows(100..<9000)),
        ])
        let store = try SQLiteStore(path: path)
        #expect(Self.sameRows(try store.trajectory(r.id, dimension: 2), t))
        #expect(try store.chunkIndex(r.id).map(\.rows) == [100, 8192, 708])
    }

    @Test func trialsKeepTheirRowsWhenTheirTableBecomesClustered() throws {
        let folder = NSTemporaryDirectory() + "descent-migrate-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/descent.sqlite"
        let pool = try DatabasePool(path: path)
        try SQLiteStore.migrator.migrate(pool, upTo: "v8-chunk-files")
        try pool.write { db in
            try db.execute(sql: "INSERT INTO study (id, name, created_at, experiment_ids, labels, definition, search_state) VALUES ('std_1', 's', 0, '[]', '[]', '{}', 'searching')")
            try db.execute(sql: """
                INSERT INTO study_trial (study_id, number, experiment_ids, params, state, value, reports) VALUES
                  ('std_1', 1, '["exp_b"]', '{"optimizer.lr":0.5}', 'pruned', NULL, '[{"step":10,"value":0.75}]'),
                  ('std_1', 0, '["exp_a"]', '{"optimizer.lr":0.1}', 'complete', 0.25, NULL)
                """)
        }
        try pool.close()
        let store = try SQLiteStore(path: path)
        let trials = try store.trials("std_1")
        #expect(trials.map(\.number) == [0, 1] && trials.map(\.experimentIDs) == [["exp_a"], ["exp_b"]])
        #expect(trials[0].state == .complete && trials[0].value == 0.25 && trials[0].params == ["optimizer.lr": .number(0.1)])
        #expect(trials[1].state == .pruned && trials[1].value == nil && trials[1].reports == [PruneReport(step: 10, value: 0.75)])
        let sql = try store.pool.read { db in try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'study_trial'") }
        #expect(sql?.contains("WITHOUT ROWID") == true)
        // Deleting the study still takes its trials (the foreign key survived the rename).
        try store.pool.write { db in try db.execute(sql: "DELETE FROM study WHERE id = 'std_1'") }
        #expect(try store.trials("std_1").isEmpty)
    }
}

/// A small seeded generator for test data.
struct SplitMix {
    var state: UInt64
    init(_ seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func double() -> Double { Double(next() >> 11) / Double(1 << 53) }
}

extension SQLiteStore {
    /// A database at schema v2 (before the chunk format changed) holding one finished experiment whose
    /// trajectory is `chunks` in the v1 format.
    static func createLegacyStore(path: String, id: String, spec: String, chunks: [[UInt8]]) throws {
        let pool = try DatabasePool(path: path)
        try migrator.migrate(pool, upTo: "v2-leases")
        try pool.write { db in
            try db.execute(sql: """
                INSERT INTO experiment (id, status, name, tags, objective, optimizer, spec, created_at, steps_done)
                VALUES (?, 'succeeded', 'old', '[]', 'saddle', 'sgd', ?, 0, 0)
                """, arguments: [id, spec])
            for (i, c) in chunks.enumerated() {
                try db.execute(sql: "INSERT INTO trajectory_chunk (experiment_id, chunk_index, data) VALUES (?,?,?)",
                               arguments: [id, i, Data(c)])
            }
        }
        try pool.close()
    }
}
