import DescentCore
import Foundation
import Testing
@testable import DescentService

/// Sharpness and layer statistics as columns of the trajectory CSV (`TrajectoryRecordColumns`).
@Suite struct TrajectoryRecordCSVTests {
    private static func cells(_ columns: TrajectoryRecordColumns, step: Int) -> String {
        var out = JSONWriter()
        columns.write(&out, step: step)
        return String(decoding: out.bytes, as: UTF8.self)
    }

    @Test func recordsFillTheRowOfTheirStepAndLeaveOtherRowsEmpty() {
        let columns = TrajectoryRecordColumns(
            sharpness: [SharpnessRecord(step: 3, lr: 0.1, lambdaMax: 2.5, alignment: 0.25)],
            layerStats: [LayerStatsRecord(step: 0, layer: 0, mean: -0.125, std: 1.5, normalizedMean: 0.5, normalizedStd: 0.75),
                         LayerStatsRecord(step: 0, layer: 1, mean: 2, std: 3, normalizedMean: -1, normalizedStd: 4)])
        #expect(columns.header == ",lambda_max,alignment,layer0_mean,layer0_std,layer0_normalized_mean,layer0_normalized_std,"
                + "layer1_mean,layer1_std,layer1_normalized_mean,layer1_normalized_std")
        #expect(Self.cells(columns, step: 0) == ",,,-0.125,1.5,0.5,0.75,2.0,3.0,-1.0,4.0")
        #expect(Self.cells(columns, step: 3) == ",2.5,0.25,,,,,,,,")
        #expect(Self.cells(columns, step: 1) == ",,,,,,,,,,")
    }

    @Test func runsWithoutRecordsGetNoColumns() {
        let columns = TrajectoryRecordColumns(sharpness: [], layerStats: [])
        #expect(columns.header.isEmpty && Self.cells(columns, step: 0).isEmpty)
        let plain = TrajectoryRecordColumns(sharpness: [], layerStats: [LayerStatsRecord(step: 2, layer: 0, mean: 1, std: 2)])
        #expect(plain.header == ",layer0_mean,layer0_std" && Self.cells(plain, step: 2) == ",1.0,2.0")
    }

    @Test func csvOfARunWithSharpnessAndLayerStatsCarriesTheJSONRecords() async throws {
        let h = try ServiceHarness()
        let spec = """
            {"seed": 2, "objective": {"type": "mlp", "hidden": [3]},
             "dataset": {"type": "synthetic", "generator": "two_moons", "samples": 30},
             "optimizer": {"type": "sgd", "lr": 0.1}, "batch_size": 10, "steps": 12, "record_params": false,
             "analysis": {"sharpness_every": 6, "layer_stats": true}}
            """
        let id = try #require(h.object(try await h.request(.post, "/v1/experiments", json: spec).body)["id"] as? String)
        _ = try await h.waitFinal(id)
        let json = h.object(try await h.request(.get, "/v1/experiments/\(id)/trajectory").body)
        let csv = try await h.request(.get, "/v1/experiments/\(id)/trajectory", headers: [("Accept", "text/csv")]).body
        let lines = csv.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(lines.first == ["step", "epoch", "lr", "loss", "grad_norm", "lambda_max", "alignment", "layer0_mean", "layer0_std"])
        #expect(lines.count == 14)  // the header, steps 0…12
        let sharpness = try #require(json["sharpness"] as? [[String: Any]])
        let layers = try #require(json["layer_stats"] as? [[String: Any]])
        // λmax at steps 0, 6 and 12; layer statistics at step 0 and each epoch's end (3 batches): 0, 3, 6, 9, 12.
        #expect(sharpness.compactMap { $0["step"] as? Int } == [0, 6, 12] && layers.compactMap { $0["step"] as? Int } == [0, 3, 6, 9, 12])
        // Foundation's JSON parser may miss the last bit of a double, so the cells are compared to the JSON within 1e-15.
        func matches(_ cell: String, _ record: [String: Any]?, _ key: String) -> Bool {
            guard let record else { return cell.isEmpty }
            guard let value = record[key] as? Double, let written = Double(cell) else { return false }
            return close(written, value, relative: 1e-15)
        }
        for line in lines.dropFirst() {
            let step = try #require(Int(line[0]))
            let s = sharpness.first { $0["step"] as? Int == step }, l = layers.first { $0["step"] as? Int == step }
            #expect(matches(line[5], s, "lambda_max") && matches(line[6], s, "alignment"), "step \(step): \(line)")
            #expect(matches(line[7], l, "mean") && matches(line[8], l, "std"), "step \(step): \(line)")
        }
    }
}
