import DescentCore
import DescentHTTP
import Foundation
import Testing
@testable import DescentService

/// Trajectory responses: streamed and in-memory bodies are the same text, that text is what the service's
/// JSON encoder would write, and gzip is applied when the client asks for it.
@Suite struct TrajectoryExportTests {
    /// The body of a GET as bytes (collected from a stream when the response streams).
    static func get(_ h: ServiceHarness, _ target: String, headers: HTTPHeaders = [:]) async throws -> (HTTPResponse, [UInt8]) {
        let response = try await h.handler(HTTPRequest(method: .get, target: target, headers: headers))
        switch response.body {
        case .bytes(let b): return (response, b)
        case .stream(let producer):
            let sink = CollectingBodySink()
            try await producer(HTTPBodyWriter(sink: sink))
            return (response, sink.bytes)
        }
    }

    /// A finished saddle run of `steps` steps recording every step.
    static func longRun(_ h: ServiceHarness, steps: Int) async throws -> String {
        let spec = #"{"objective":{"type":"saddle"},"optimizer":{"type":"sgd","lr":0.01},"start":[0.01,0.02],"steps":\#(steps)}"#
        let id = try #require(h.object(try await h.request(.post, "/v1/experiments", json: spec).body)["id"] as? String)
        #expect(try await h.waitFinal(id)["status"] as? String == "succeeded")
        return id
    }

    /// The columnar body as `JSONEncoder` (JSONCoding) writes it.
    struct Columns: Encodable {
        var id: String, status: String, dimension: Int, total: Int, count: Int
        var step: [Int], epoch: [Int]?, lr: [Double]?, loss: [Double]?, gradNorm: [Double]?, params: [[Double]]?
        var epochs: [EpochRecord], downsampled: Bool
    }

    @Test func aStreamedExportIsTheTextTheJSONEncoderWrites() async throws {
        let h = try ServiceHarness()
        let id = try await Self.longRun(h, steps: 40_000)
        let (response, body) = try await Self.get(h, "/v1/experiments/\(id)/trajectory")
        guard case .stream = response.body else { Issue.record("a 40,001-row export should stream"); return }
        let t = try h.runner.store.trajectory(id, dimension: 2)
        let expected = Columns(id: id, status: "succeeded", dimension: 2, total: t.count, count: t.count, step: t.step, epoch: t.epoch,
                               lr: t.lr, loss: t.loss, gradNorm: t.gradNorm, params: (0..<t.count).map { Array(t.parameters(atRow: $0)) },
                               epochs: [], downsampled: false)
        #expect(body == (try JSONCoding.encode(expected)))
        // A range with a stride streams too, and equals the same view read into memory.
        let (_, strided) = try await Self.get(h, "/v1/experiments/\(id)/trajectory?from=1234&to=39000&every=3&fields=loss,params")
        let rows = t.step.indices.filter { (1234...39000).contains(t.step[$0]) }.enumerated().filter { $0.offset % 3 == 0 }.map(\.element)
        let small = Columns(id: id, status: "succeeded", dimension: 2, total: t.count, count: rows.count, step: rows.map { t.step[$0] },
                            epoch: nil, lr: nil, loss: rows.map { t.loss[$0] }, gradNorm: nil,
                            params: rows.map { Array(t.parameters(atRow: $0)) }, epochs: [], downsampled: false)
        #expect(strided == (try JSONCoding.encode(small)))
    }

    @Test func aSmallViewIsTheSameTextInMemory() async throws {
        let h = try ServiceHarness()
        let id = try await Self.longRun(h, steps: 300)
        let (response, body) = try await Self.get(h, "/v1/experiments/\(id)/trajectory?from=5&to=50&fields=lr,grad_norm,epoch")
        guard case .bytes = response.body else { Issue.record("a 46-row view should not stream"); return }
        let t = try h.runner.store.trajectory(id, dimension: 2)
        let rows = Array(5...50)
        let expected = Columns(id: id, status: "succeeded", dimension: 2, total: t.count, count: rows.count, step: rows, epoch: rows.map { t.epoch[$0] },
                               lr: rows.map { t.lr[$0] }, loss: nil, gradNorm: rows.map { t.gradNorm[$0] }, params: nil, epochs: [],
                               downsampled: false)
        #expect(body == (try JSONCoding.encode(expected)))
    }

    @Test func csvStreamsTheSameLinesAsInMemory() async throws {
        let h = try ServiceHarness()
        let id = try await Self.longRun(h, steps: 40_000)
        let (response, body) = try await Self.get(h, "/v1/experiments/\(id)/trajectory", headers: ["Accept": "text/csv"])
        guard case .stream = response.body else { Issue.record("a 40,001-row CSV should stream"); return }
        let t = try h.runner.store.trajectory(id, dimension: 2)
        let lines = String(decoding: body, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == t.count + 1 && lines.first == "step,epoch,lr,loss,grad_norm,p0,p1")
        for i in [0, 1, 20_000, t.count - 1] {
            let cells = [String(t.step[i]), String(t.epoch[i]), String(t.lr[i]), String(t.loss[i]), String(t.gradNorm[i])]
                + t.parameters(atRow: i).map { String($0) }
            #expect(lines[i + 1] == cells.joined(separator: ",")[...])
        }
    }

    @Test func gzipIsUsedWhenAcceptedAndDecompressesToTheSameBody() async throws {
        let h = try ServiceHarness()
        let id = try await Self.longRun(h, steps: 40_000)
        for target in ["/v1/experiments/\(id)/trajectory", "/v1/experiments/\(id)/trajectory?from=0&to=2000"] {
            let (_, plain) = try await Self.get(h, target)
            let (response, zipped) = try await Self.get(h, target, headers: ["Accept-Encoding": "deflate, gzip;q=0.8"])
            #expect(response.headers["Content-Encoding"] == "gzip")
            #expect(zipped.count * 2 < plain.count)
            #expect(try Self.gunzip(zipped) == plain)
            let (refused, _) = try await Self.get(h, target, headers: ["Accept-Encoding": "gzip;q=0"])
            #expect(refused.headers["Content-Encoding"] == nil)
        }
    }

    @Test func maxPointsViewsOfALongRunKeepItsEnds() async throws {
        let h = try ServiceHarness()
        let id = try await Self.longRun(h, steps: 100_000)
        let t = h.object(try await h.request(.get, "/v1/experiments/\(id)/trajectory?max_points=1500").body)
        let steps = try #require(t["step"] as? [Int])
        #expect(steps.count <= 1500 && steps.count > 1000 && steps.first == 0 && steps.last == 100_000)
        #expect(t["downsampled"] as? Bool == true && t["total"] as? Int == 100_001 && t["count"] as? Int == steps.count)
        let plot = try await h.request(.get, "/v1/experiments/\(id)/plot.svg?kind=path")
        #expect(plot.status == 200 && plot.body.contains("<svg"))
    }

    @Test func numbersAreWrittenAsTheJSONEncoderAndDescriptionWriteThemEvenWhenRepeated() throws {
        let values: [Double] = [0.1, 0.1, 1, 1, -0.0, 0, 0, .nan, .nan, .infinity, 1e22, 1e22, .leastNonzeroMagnitude, 0.1]
        var json = JSONWriter(), text = JSONWriter()
        for (i, v) in values.enumerated() {
            if i > 0 { json.raw(byte: 0x2C); text.raw(byte: 0x2C) }
            json.number(v)
            text.description(v)
            text.number(v)  // alternating modes on one buffer must not mix their cached texts
        }
        #expect(String(decoding: json.bytes, as: UTF8.self) == String(decoding: try JSONCoding.encode(values).dropFirst().dropLast(), as: UTF8.self))
        let expected = values.map { v -> String in
            let j = String(decoding: (try? JSONCoding.encode([v]))?.dropFirst().dropLast() ?? [], as: UTF8.self)
            return v.description + j
        }
        #expect(String(decoding: text.bytes, as: UTF8.self) == expected.joined(separator: ","))
    }

    /// Decompresses a gzip body with the system's `gzip -dc`, an implementation independent of ours.
    static func gunzip(_ bytes: [UInt8]) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-dc"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        // Feed stdin from another thread so a full stdout pipe cannot stall the writer.
        let writer = Thread {
            input.fileHandleForWriting.write(Data(bytes))
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CancellationError() }
        return Array(out)
    }
}
