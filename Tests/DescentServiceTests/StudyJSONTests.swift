import DescentCore
import Foundation
import Testing
@testable import DescentService

/// `StudyJSON` writes a study's body byte for byte as `JSONCoding.encode` of the same values.
@Suite struct StudyJSONTests {
    /// The body's form as JSONEncoder encodes it (the hand writer must equal it).
    private struct Body: Encodable {
        var id: String; var name: String; var status: String; var createdAt: String; var lossTarget: Double?
        var experiments: [StudyMemberRow]; var search: SearchSummary?
        enum CodingKeys: CodingKey { case id, name, status, createdAt, lossTarget, experiments, search }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id); try c.encode(name, forKey: .name); try c.encode(status, forKey: .status)
            try c.encode(createdAt, forKey: .createdAt); try c.encode(lossTarget, forKey: .lossTarget)
            try c.encode(experiments, forKey: .experiments)
            try c.encodeIfPresent(search, forKey: .search)
        }
    }

    private static let rows = [
        StudyMemberRow(id: "exp_1", label: "#0 optimizer.lr=0.01", status: "succeeded", finalLoss: 0.25, bestLoss: 1e-300, stepsRun: 100,
                       stepsToTarget: 17, durationMs: 1.5),
        StudyMemberRow(id: "exp_2", label: "quote \" slash / tab \t", status: "diverged", finalLoss: .infinity, bestLoss: .nan, stepsRun: 3),
        StudyMemberRow(id: "exp_3", label: "", status: "deleted"),
    ]

    private func search(_ definition: String, trials: [TrialRecord], state: SearchState = .searching) throws -> SearchSummary {
        let study = StudyRecord(id: "std_1", name: "s", createdAt: Date(timeIntervalSince1970: 1_800_000_000), experimentIDs: [], labels: [],
                                lossTarget: 0.5, definition: definition, searchState: state)
        return try #require(try SearchSummary(study, trials: trials))
    }

    private func trial(_ n: Int, _ state: TrialState, _ value: Double?, _ params: SearchAssignment) -> TrialRecord {
        TrialRecord(studyID: "std_1", number: n, experimentIDs: ["exp_\(n)a", "exp_\(n)b"], params: params, state: state, value: value)
    }

    private func bodies(_ search: SearchSummary?, lossTarget: Double?) throws -> (hand: String, encoder: String) {
        let hand = try StudyJSON.body(id: "std_1", name: "Tune \"Adam\"", status: "running", createdAt: "2027-01-15T08:00:00.250Z",
                                      lossTarget: lossTarget, rows: Self.rows, search: search, comparison: nil)
        let encoder = try JSONCoding.encode(Body(id: "std_1", name: "Tune \"Adam\"", status: "running", createdAt: "2027-01-15T08:00:00.250Z",
                                                 lossTarget: lossTarget, experiments: Self.rows, search: search))
        return (String(decoding: hand, as: UTF8.self), String(decoding: encoder, as: UTF8.self))
    }

    @Test func listStudyBodyMatchesJSONEncoder() throws {
        let (hand, encoder) = try bodies(nil, lossTarget: nil)
        #expect(hand == encoder)
        let (withTarget, encoderWithTarget) = try bodies(nil, lossTarget: 1e-6)
        #expect(withTarget == encoderWithTarget)
    }

    @Test func searchBodyMatchesJSONEncoder() throws {
        let definition = #"{"base":{"objective":{"type":"rosenbrock"},"optimizer":{"type":"adam"},"start":[-1,1],"steps":10},"#
            + #""search":{"space":{"optimizer.lr":{"type":"log_uniform","low":0.001,"high":0.1},"optimizer.type":{"type":"categorical","choices":["adam","sgd"]}},"#
            + #""sampler":"tpe","trials":3,"max_concurrent":2,"seed":9007199254740991},"replicates":2,"confirm":2}"#
        let trials = [
            trial(0, .complete, 0.125, ["optimizer.lr": .number(0.01), "optimizer.type": .string("adam")]),
            trial(1, .failed, nil, ["optimizer.lr": .number(1e-3), "optimizer.type": .string("sgd")]),
            trial(2, .complete, .infinity, ["optimizer.lr": .number(0.1), "optimizer.type": .string("adam")]),
            trial(3, .running, nil, ["optimizer.lr": .number(0.01), "optimizer.type": .string("adam")]),
        ]
        var s = try search(definition, trials: trials)
        s.trials[0].replicates = ReplicateAggregate(finalLosses: [0.125, 0.25, .infinity], target: 0.2)
        s.trials[2].diverged = 2
        s.trials[3].replicates = ReplicateAggregate(finalLosses: [], target: nil)
        #expect(s.best != nil && s.confirmation != nil)
        let (hand, encoder) = try bodies(s, lossTarget: 0.5)
        #expect(hand == encoder)
    }

    @Test func prunedSearchBodyMatchesJSONEncoder() throws {
        let definition = #"{"base":{"objective":{"type":"rosenbrock"},"optimizer":{"type":"sgd"},"start":[-1,1],"steps":100},"#
            + #""search":{"space":{"optimizer.lr":{"type":"uniform","low":0.001,"high":0.01}},"sampler":"random","trials":2,"seed":3,"#
            + #""pruner":{"type":"median"}},"objective":{"metric":"best_loss","direction":"minimize","target":0.01}}"#
        let s = try search(definition, trials: [trial(0, .pruned, nil, ["optimizer.lr": .number(0.005)])], state: .finished)
        #expect(s.pruner == "median" && s.reportEvery != nil && s.best == nil)
        let (hand, encoder) = try bodies(s, lossTarget: nil)
        #expect(hand == encoder)
    }
}
