@testable import DescentCore
import Foundation
import Testing
@testable import DescentService

/// The hand-written spec and summary JSON must be byte for byte what Foundation's encoder writes: it is stored, answered
/// and hashed in its place.
@Suite struct SpecJSONTests {
    /// Every spec in the lecture presets (their experiments and study bases), plus a few written to reach
    /// every schedule and odd numbers.
    private static func specs() throws -> [ExperimentSpec] {
        var values: [SpecValue] = []
        func collect(_ v: SpecValue) {
            switch v {
            case .object(let members):
                if members["objective"] != nil && members["optimizer"] != nil { values.append(v) }
                members.values.forEach(collect)
            case .array(let items): items.forEach(collect)
            default: break
            }
        }
        for entry in PresetCatalog.entries { collect(try SpecValue(parsingJSON: Array(entry.body.utf8))) }
        for text in [
            #"{"name":"a/b \"q\" é","tags":["x","y/z"],"seed":12345678901234,"objective":{"type":"rosenbrock","a":1.5,"b":100},"optimizer":{"type":"adam","lr":1e-7,"betas":[0.9,0.999],"amsgrad":true},"schedule":{"type":"cosine","t_max":100,"eta_min":1e-300},"start":[-0.0,0.1,3e+20],"steps":250,"stop":{"loss_target":1e-9,"grad_norm_tol":0.000001}}"#,
            #"{"objective":{"type":"saddle"},"optimizer":{"type":"sgd","lr":0.01,"momentum":0.9,"nesterov":true},"schedule":{"type":"linear_warmup","warmup_steps":10,"then":{"type":"step","step_size":5,"gamma":0.5}},"start":[0.01,0.02],"steps":1000,"record_every":7}"#,
            #"{"objective":{"type":"saddle"},"optimizer":{"type":"rmsprop","lr":0.001,"centered":true},"schedule":{"type":"one_cycle","max_lr":0.1},"start":[1,2],"steps":100}"#,
        ] {
            values.append(try SpecValue(parsingJSON: Array(text.utf8)))
        }
        return values.compactMap { try? ExperimentSpec.check($0) }
    }

    @Test func specMatchesJSONEncoder() throws {
        let specs = try Self.specs()
        #expect(specs.count >= 10, "too few specs checked: \(specs.count)")
        for spec in specs {
            #expect(String(decoding: SpecJSON.encode(spec), as: UTF8.self) == (try JSONCoding.string(spec)))
        }
    }

    @Test(arguments: [0.0, -0.0, 1, -1, 0.1, 1.0 / 3, 1e-7, 1e-300, .leastNonzeroMagnitude, 1e15, 1e16, 123456789012345680, 0x1p53,
                      .greatestFiniteMagnitude, -2.5e-5, .nan, .infinity, -.infinity])
    func numberMatchesJSONEncoder(_ x: Double) throws {
        var w = JSONWriter()
        w.number(x)
        #expect(String(decoding: w.bytes, as: UTF8.self) == (try JSONCoding.string(SpecValue.number(x))))
    }

    @Test(arguments: [[], ["a"], ["quotes \" back\\slash / \u{1}", "é😀"]] as [[String]])
    func tagsMatchJSONEncoder(_ tags: [String]) throws {
        #expect(SpecJSON.tags(tags) == (try JSONCoding.string(tags)))
    }

    @Test(arguments: [
        RunSummary(stopReason: .budget, stepsRun: 1000, finalLoss: 0.25, bestLoss: 1e-300, bestStep: 7, finalParams: [0.01, -0.0, 3e20],
                   finalGradNorm: 1, trainLoss: nil, validationLoss: nil, validationAccuracy: nil),
        RunSummary(stopReason: .diverged, stepsRun: 120, finalLoss: .infinity, bestLoss: 0.25, bestStep: 3, finalParams: [],
                   finalGradNorm: .nan, trainLoss: 2, validationLoss: 2.5, validationAccuracy: 0.75),
        RunSummary(stopReason: .diverged, stepsRun: 0, finalLoss: -.infinity, bestLoss: 0, bestStep: 0, finalParams: [1],
                   finalGradNorm: 0, trainLoss: nil, validationLoss: 1, validationAccuracy: nil),
        RunSummary(stopReason: .lossTarget, stepsRun: 40, finalLoss: 0.011, bestLoss: 0.011, bestStep: 40, bestBatchLoss: 1.2e-8,
                   bestBatchStep: 17, evaluationEvery: 20, finalParams: [0.5, 2], finalGradNorm: 0.1, trainLoss: 0.011,
                   validationLoss: nil, validationAccuracy: nil),
        RunSummary(stopReason: .budget, stepsRun: 10, finalLoss: 0.5, bestLoss: 0.25, bestStep: 9, finalParams: [1, 2],
                   finalGradNorm: 0.125, trainLoss: 0.5, validationLoss: 0.75, validationAccuracy: 1, trainLossBatchStats: 0.375),
        { () -> RunSummary in
            var s = RunSummary(stopReason: .budget, stepsRun: 10, finalLoss: 0.5, bestLoss: 0.25, bestStep: 9, finalParams: [1, 2],
                               finalGradNorm: 0.125, trainLoss: nil, validationLoss: nil, validationAccuracy: nil)
            s.averagedParams = [0.75, -1e-300]
            s.averagedLoss = 0.0625
            s.functionEvaluations = 37
            return s
        }(),
    ])
    func summaryMatchesJSONEncoder(_ summary: RunSummary) throws {
        #expect(SummaryJSON.string(summary) == (try JSONCoding.string(summary)))
    }

    @Test func newRecordCarriesItsSpecEncoding() throws {
        let spec = try #require(try Self.specs().first)
        let record = ExperimentRecord(queued: "exp_0000000000000001", spec: spec)
        #expect(record.specJSON?.bytes(for: spec) == (try JSONCoding.encode(spec)))
    }
}
