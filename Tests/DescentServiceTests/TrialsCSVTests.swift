import DescentTestSupport
import DescentCore
import Foundation
import Testing
@testable import DescentService

/// A search study's trials as CSV: the encoder and `GET /v1/studies/{id}/trials.csv`.
@Suite struct TrialsCSVTests {
    private func summary(_ loss: Double, steps: Int) -> RunSummary {
        RunSummary(stopReason: .budget, stepsRun: steps, finalLoss: loss, bestLoss: loss / 2, bestStep: 1, finalParams: [],
                   finalGradNorm: 0, trainLoss: nil, validationLoss: nil, validationAccuracy: nil)
    }

    private func record(_ id: String, _ summary: RunSummary?) throws -> ExperimentRecord {
        var r = try makeRecord()
        r.id = id; r.summary = summary
        return r
    }

    @Test func oneRowPerTrialWithSortedParamColumnsAndReplicateMeans() throws {
        let trials = [
            TrialRecord(studyID: "s", number: 0, experimentIDs: ["a", "b"], params: ["optimizer.type": .string("sgd"), "optimizer.lr": .number(0.01)],
                        state: .complete, value: 0.25),
            TrialRecord(studyID: "s", number: 1, experimentIDs: ["c"], params: ["optimizer.lr": .number(1)], state: .running),
        ]
        var diverged = try record("b", summary(0.3, steps: 20))
        diverged.status = .diverged
        let experiments = ["a": try record("a", summary(0.2, steps: 10)), "b": diverged, "c": try record("c", nil)]
        #expect(TrialsCSV.encode(trials, experiments: experiments) == """
            trial,state,value,optimizer.lr,optimizer.type,experiments,diverged,final_loss,best_loss,steps_run
            0,complete,0.25,0.01,sgd,2,1,0.25,0.125,15
            1,running,,1,,1,0,,,

            """)
    }

    @Test func fieldsWithCommasOrQuotesAreQuotedAndInfinityIsSpelledOut() throws {
        let trials = [TrialRecord(studyID: "s", number: 0, experimentIDs: [], params: ["name": .string(#"a,"b""#)],
                                  state: .complete, value: .infinity)]
        let csv = TrialsCSV.encode(trials, experiments: [:])
        #expect(csv.split(separator: "\n")[1] == #"0,complete,Infinity,"a,""b""",0,0,,,"#)
    }

    @Test func aSearchStudyExportsOneRowPerTrial() async throws {
        let h = try ServiceHarness(workers: 2)
        let body = #"{"base":{"objective":{"type":"saddle"},"optimizer":{"type":"sgd","lr":0.1},"start":[0.01,0.02],"steps":50},"#
            + #""search":{"space":{"optimizer.lr":{"type":"uniform","low":0.01,"high":0.1}},"sampler":"random","trials":3,"seed":2}}"#
        let id = try #require(h.object(try await h.request(.post, "/v1/studies", json: body).body)["id"] as? String)
        var csv = ""
        try await waitUntil("every trial complete", timeout: 60) {
            let r = try await h.request(.get, "/v1/studies/\(id)/trials.csv")
            csv = r.body
            return r.status == 200 && r.headers["Content-Type"] == "text/csv; charset=utf-8" && csv.components(separatedBy: ",complete,").count == 4
        }
        let lines = csv.split(separator: "\n")
        #expect(lines.count == 4 && lines[0] == "trial,state,value,optimizer.lr,experiments,diverged,final_loss,best_loss,steps_run")
    }

    @Test func aListStudyHasNoTrialsAndIs409() async throws {
        let h = try ServiceHarness(start: false)
        let body = #"{"experiments":[{"objective":{"type":"saddle"},"optimizer":{"type":"sgd","lr":0.1},"start":[0.01,0.02],"steps":5}]}"#
        let id = try #require(h.object(try await h.request(.post, "/v1/studies", json: body).body)["id"] as? String)
        #expect(try await h.request(.get, "/v1/studies/\(id)/trials.csv").status == 409)
        #expect(try await h.request(.get, "/v1/studies/std_missing/trials.csv").status == 404)
    }
}
