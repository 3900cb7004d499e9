@testable import DescentCore
import Foundation
import Testing
@testable import DescentService

/// The hand-written experiment JSON must be byte for byte what Foundation's encoder writes.
@Suite struct ExperimentJSONTests {
    private func record(name: String, tags: [String], finished: Bool, studyID: String?) throws -> ExperimentRecord {
        let spec = try ExperimentSpec.check(try SpecValue(parsingJSON: Array("""
            {"name":\(String(decoding: try JSONCoding.encode(name), as: UTF8.self)),"tags":\(String(decoding: try JSONCoding.encode(tags), as: UTF8.self)),
             "objective":{"type":"rosenbrock","a":1.5},"optimizer":{"type":"adam","lr":0.001,"betas":[0.9,0.999]},
             "schedule":{"type":"cosine","t_max":100},"steps":250,"stop":{"loss_target":1e-9}}
            """.utf8)))
        var r = ExperimentRecord(queued: "exp_00ff00ff00ff00ff", spec: spec, createdAt: Date(timeIntervalSince1970: 1_764_418_800.123_456),
                                 studyID: studyID)
        r.sequence = 7
        r.attempt = 2
        r.stepsDone = 120
        if finished {
            r.status = .diverged
            r.startedAt = Date(timeIntervalSince1970: 1_764_418_801.999_9)
            r.finishedAt = Date(timeIntervalSince1970: 1_764_418_802.000_4)
            r.errorCode = "diverged"
            r.errorMessage = "loss \"exploded\"\n at step 120 / 250"
            r.summary = RunSummary(stopReason: .diverged, stepsRun: 120, finalLoss: .infinity, bestLoss: 0.25, bestStep: 3,
                                   finalParams: [1e300, -0.0, 0.1], finalGradNorm: .nan, trainLoss: nil, validationLoss: 2.5,
                                   validationAccuracy: nil)
        }
        return r
    }

    @Test(arguments: [
        ("plain", ["a"], false, nil),
        ("quotes \" back\\slash / slash\u{8}\u{c}\n\r\t\u{1}\u{1f}\u{7f} é 😀", ["x/y", "\u{0}"], true, "std_0123"),
        ("", [], true, nil),
    ] as [(String, [String], Bool, String?)])
    func writerMatchesJSONEncoder(name: String, tags: [String], finished: Bool, studyID: String?) throws {
        let r = try record(name: name, tags: tags, finished: finished, studyID: studyID)
        let expected = String(decoding: try JSONCoding.encode(ExperimentDTO(r)), as: UTF8.self)
        #expect(String(decoding: try ExperimentJSON.encode(r), as: UTF8.self) == expected)
    }

    @Test func recordReadFromTheStoreWritesTheSameBytes() throws {
        let folder = NSTemporaryDirectory() + "descent-json-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try SQLiteStore(path: folder + "/db.sqlite")
        let r = try record(name: "stored", tags: ["t"], finished: false, studyID: nil)
        try store.insert(r)
        let read = try #require(try store.experiment(r.id))
        #expect(read.specJSON != nil)
        #expect(read == (try store.experiment(r.id)))
        let expected = String(decoding: try JSONCoding.encode(ExperimentDTO(read)), as: UTF8.self)
        #expect(String(decoding: try ExperimentJSON.encode(read), as: UTF8.self) == expected)
        var changed = read
        changed.spec.name = "renamed after reading"  // the cached bytes no longer match; they must not be used
        #expect(String(decoding: try ExperimentJSON.encode(changed), as: UTF8.self)
            == String(decoding: try JSONCoding.encode(ExperimentDTO(changed)), as: UTF8.self))
    }

    @Test func pageMatchesTheEncodablePage() throws {
        let records = [try record(name: "a", tags: [], finished: true, studyID: nil), try record(name: "b", tags: ["c"], finished: false, studyID: "s")]
        struct Page: Encodable {
            var items: [ExperimentDTO]
            var nextCursor: String?
            enum CodingKeys: CodingKey { case items, nextCursor }
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(items, forKey: .items)
                try c.encode(nextCursor, forKey: .nextCursor)
            }
        }
        for cursor in ["7", nil] as [String?] {
            let expected = String(decoding: try JSONCoding.encode(Page(items: records.map(ExperimentDTO.init), nextCursor: cursor)), as: UTF8.self)
            #expect(String(decoding: try ExperimentJSON.page(records, nextCursor: cursor), as: UTF8.self) == expected)
        }
    }

    @Test func timestampsMatchFoundationsFormatter() {
        var generator = SystemRandomNumberGenerator()
        var dates = [0, 0.0005, 0.999_999, 1_764_418_800.123_456, 978_307_200, 4_102_444_799.999, 951_782_400.5].map(Date.init(timeIntervalSince1970:))
        for _ in 0..<20_000 { dates.append(Date(timeIntervalSince1970: Double.random(in: 0..<4_102_444_800, using: &generator))) }
        for _ in 0..<2_000 { dates.append(Date(timeIntervalSince1970: Double(Int.random(in: 0..<4_102_444_800, using: &generator)) / 1000)) }
        var mismatches: [String] = []
        for d in dates {
            var bytes: [UInt8] = []
            Timestamp.append(d, to: &bytes)
            let ours = String(decoding: bytes, as: UTF8.self)
            if ours != Timestamp.format(d) { mismatches.append("\(d.timeIntervalSince1970): \(ours) vs \(Timestamp.format(d))") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }
}
