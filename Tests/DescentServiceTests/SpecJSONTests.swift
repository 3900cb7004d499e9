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

    @Test func compactTextOfAScalarIsItsJSONEncoderText() throws {
        // Trial labels (`#3 optimizer.lr=0.0123`) write their numbers with `JSONWriter`, not an encoder per value.
        var values: [SpecValue] = [.null, .bool(true), .bool(false), .number(0), .number(-0.0), .number(3), .number(0.1),
                                   .number(1e-7), .number(1e21), .number(-2.5e-5), .number(.greatestFiniteMagnitude)]
        var random = SeededRandom(seed: 13)
        for _ in 0..<2000 { values.append(.number(pow(10, random.nextDouble() * 8 - 6))) }
        for value in values { #expect(value.compactText == (try JSONCoding.string(value))) }
        #expect(SpecValue.string("adam").compactText == "adam")
        #expect(SpecValue.array([.number(1), .number(0.5)]).compactText == "[1,0.5]")
    }

    @Test(arguments: [[], ["a"], ["quotes \" back\\slash / \u{1}", "é😀"]] as [[String]])
    func tagsMatchJSONEncoder(_ tags: [String]) throws {
        #expect(SpecJSON.tags(tags) == (try JSONCoding.string(tags)))
    }

    @Test func trialParamsMatchJSONEncoder() throws {
        // A trial's stored `params`: spec paths to numbers, categorical strings, booleans, null and arrays.
        var random = SeededRandom(seed: 29)
        var assignments: [SearchAssignment] = [[:], ["optimizer.type": .string("sgd"), "optimizer.nesterov": .bool(true), "seed": .null],
                                               ["optimizer.betas": .array([.number(0.9), .number(0.999)]), "x": .string("NaN / \"q\" é")]]
        for _ in 0..<500 {
            assignments.append(["optimizer.lr": .number(pow(10, random.nextDouble() * 6 - 5)), "optimizer.betas.0": .number(random.nextDouble()),
                                "batch_size": .number(Double(Int(random.nextDouble() * 256)))])
        }
        for a in assignments { #expect(StoredJSON.text(assignment: a) == (try JSONCoding.string(a))) }
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
        // Read back: the same summary JSONDecoder reads, compared through its canonical text (NaN ≠ NaN), and the
        // same bits in every number.
        let text = SummaryJSON.string(summary)
        let read = try SummaryJSON.decode(text)
        let reference = try JSONCoding.decode(RunSummary.self, text, snakeCase: true)
        #expect(SummaryJSON.string(read) == SummaryJSON.string(reference))
        #expect(read.finalParams.map(\.bitPattern) == reference.finalParams.map(\.bitPattern))
        #expect(read.finalLoss.bitPattern == reference.finalLoss.bitPattern)
        #expect(read.finalGradNorm.bitPattern == reference.finalGradNorm.bitPattern)
    }

    /// Numbers whose shortest text needs correct rounding to read back, and texts JSONEncoder would not write
    /// (other key order, white space, an unknown key, a null optional, a number with an exponent).
    @Test func summaryReadsWhatJSONDecoderReads() throws {
        let values = [0.1, 1.0 / 3, 2.2250738585072014e-308, .leastNonzeroMagnitude, 1.7976931348623157e308, -0.0, 9007199254740994, 0.30000000000000004]
        for x in values {
            let s = RunSummary(stopReason: .budget, stepsRun: 3, finalLoss: x, bestLoss: x, bestStep: 1, finalParams: [x, -x],
                               finalGradNorm: x, trainLoss: x, validationLoss: nil, validationAccuracy: nil)
            let read = try SummaryJSON.decode(SummaryJSON.string(s))
            #expect(read.finalLoss.bitPattern == x.bitPattern)
            #expect(read.finalParams.map(\.bitPattern) == [x.bitPattern, (-x).bitPattern])
        }
        let text = #"{ "stop_reason": "grad_norm_tol", "final_params": [1e0, -2.5], "steps_run": 200, "best_step": 5, "best_loss": 0.5,"#
            + #" "final_loss": "Infinity", "final_grad_norm": "NaN", "validation_loss": null, "future_field": {"a": [1]} }"#
        let read = try SummaryJSON.decode(text)
        let reference = try JSONCoding.decode(RunSummary.self, text, snakeCase: true)
        #expect(SummaryJSON.string(read) == SummaryJSON.string(reference))
        #expect(read.stepsRun == 200 && read.stopReason == .gradientTolerance && read.validationLoss == nil)
    }

    @Test(arguments: [
        "[]", "{", #"{"stop_reason": "budget"}"#, #"{"stop_reason": "later", "steps_run": 1, "final_loss": 1, "best_loss": 1, "best_step": 0, "final_params": [], "final_grad_norm": 0}"#,
        #"{"stop_reason": "budget", "steps_run": 1.5, "final_loss": 1, "best_loss": 1, "best_step": 0, "final_params": [], "final_grad_norm": 0}"#,
        #"{"stop_reason": "budget", "steps_run": 1, "final_loss": "1", "best_loss": 1, "best_step": 0, "final_params": [], "final_grad_norm": 0}"#,
        #"{"stop_reason": "budget", "steps_run": 1, "final_loss": 1, "best_loss": 1, "best_step": 0, "final_params": [true], "final_grad_norm": 0}"#,
    ])
    func summaryRefusesWhatJSONDecoderRefuses(_ text: String) {
        #expect(throws: (any Error).self) { try JSONCoding.decode(RunSummary.self, text, snakeCase: true) }
        #expect(throws: ServiceError.self) { try SummaryJSON.decode(text) }
    }

    @Test func newRecordCarriesItsSpecEncoding() throws {
        let spec = try #require(try Self.specs().first)
        let record = ExperimentRecord(queued: "exp_0000000000000001", spec: spec)
        #expect(record.specJSON?.bytes(for: spec) == (try JSONCoding.encode(spec)))
    }
}
