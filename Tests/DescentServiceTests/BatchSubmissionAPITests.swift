import DescentCore
import DescentHTTP
import Foundation
import Testing
@testable import DescentService

/// `POST /v1/experiments/batch`: all or nothing, item paths in errors, idempotent, admitted as a whole.
@Suite struct BatchSubmissionAPITests {
    private func spec(_ i: Int, lr: Double = 0.1, steps: Int = 50) -> String {
        #"{"name":"b\#(i)","objective":{"type":"saddle"},"optimizer":{"type":"sgd","lr":\#(lr)},"start":[0.01,0.02],"steps":\#(steps)}"#
    }

    private func batch(_ specs: [String]) -> String { #"{"items":[\#(specs.joined(separator: ","))]}"# }

    private func ids(_ h: ServiceHarness, _ body: String) -> [String] {
        (h.object(body)["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
    }

    private func storedCount(_ h: ServiceHarness) throws -> Int {
        var q = ExperimentQuery()
        q.limit = 500
        return try h.runner.store.experiments(q).count
    }

    @Test func createsEveryItemInOrderAndRunsThem() async throws {
        let h = try ServiceHarness()
        let r = try await h.request(.post, "/v1/experiments/batch", json: batch((0..<5).map { spec($0) }))
        #expect(r.status == 202)
        let items = h.object(r.body)["items"] as? [[String: Any]] ?? []
        #expect(items.count == 5 && items.allSatisfy { $0["status"] as? String == "queued" })
        let created = ids(h, r.body)
        for (i, id) in created.enumerated() {
            let final = try await h.waitFinal(id)
            #expect(final["status"] as? String == "succeeded")
            #expect(final["name"] as? String == "b\(i)")
        }
        let sequences = try created.map { try #require(try h.runner.store.experiment($0)).sequence }
        #expect(sequences == sequences.sorted())
    }

    @Test func invalidItemsAre422WithTheirPathsAndNothingIsStored() async throws {
        let h = try ServiceHarness(start: false)
        let specs = [spec(0), spec(1, lr: -1), spec(2), #"{"objective":{"type":"nope"},"optimizer":{"type":"sgd","lr":0.1},"steps":5}"#]
        let r = try await h.request(.post, "/v1/experiments/batch", json: batch(specs))
        #expect(r.status == 422)
        let error = try #require(h.object(r.body)["error"] as? [String: Any])
        #expect(error["field"] as? String == "items[1].optimizer.lr")
        #expect(error["invalid_items"] as? Int == 2 && error["total_items"] as? Int == 4)
        let fields = (error["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
        #expect(fields.count == 2 && fields[0] == "items[1].optimizer.lr" && fields[1].hasPrefix("items[3].objective"))
        #expect(try storedCount(h) == 0)
    }

    @Test func errorsAreListedUpToTheLimit() async throws {
        let h = try ServiceHarness(queueCapacity: 1000, start: false)
        let n = BatchSubmission.maxReportedErrors + 20
        let r = try await h.request(.post, "/v1/experiments/batch", json: batch((0..<n).map { spec($0, lr: -1) }))
        #expect(r.status == 422)
        let error = try #require(h.object(r.body)["error"] as? [String: Any])
        #expect((error["errors"] as? [Any])?.count == BatchSubmission.maxReportedErrors)
        #expect(error["invalid_items"] as? Int == n)
    }

    @Test func sameKeyAndBodyReplaysTheSameExperimentsAndAnotherBodyIs409() async throws {
        let h = try ServiceHarness(start: false)
        let body = batch((0..<3).map { spec($0) })
        let key = [("Idempotency-Key", "batch-1")]
        let first = try await h.request(.post, "/v1/experiments/batch", json: body, headers: key)
        #expect(first.status == 202)
        let again = try await h.request(.post, "/v1/experiments/batch", json: body, headers: key)
        #expect(again.status == 200)
        #expect(ids(h, again.body) == ids(h, first.body) && ids(h, first.body).count == 3)
        let other = try await h.request(.post, "/v1/experiments/batch", json: batch([spec(9)]), headers: key)
        #expect(other.status == 409)
        #expect(try storedCount(h) == 3)
    }

    @Test func concurrentRepeatsOfOneKeyCreateOneBatch() async throws {
        let h = try ServiceHarness(start: false)
        let body = batch((0..<4).map { spec($0) })
        let statuses = try await withThrowingTaskGroup(of: (Int, [String]).self) { group in
            for _ in 0..<6 {
                group.addTask {
                    let r = try await h.request(.post, "/v1/experiments/batch", json: body, headers: [("Idempotency-Key", "race")])
                    return (r.status, self.ids(h, r.body))
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(statuses.filter { $0.0 == 202 }.count == 1)
        #expect(statuses.allSatisfy { [200, 202].contains($0.0) })
        #expect(Set(statuses.map(\.1)).count == 1)
        #expect(try storedCount(h) == 4)
    }

    @Test func moreItemsThanTheLimitIs413() async throws {
        let h = try ServiceHarness(start: false)
        let r = try await h.request(.post, "/v1/experiments/batch", json: batch((0...BatchSubmission.maxItems).map { spec($0) }))
        #expect(r.status == 413)
        #expect(try storedCount(h) == 0)
    }

    @Test func aBatchThatDoesNotFitTheQueueIs429AndStoresNothing() async throws {
        let h = try ServiceHarness(queueCapacity: 10, start: false)
        #expect(try await h.request(.post, "/v1/experiments/batch", json: batch((0..<7).map { spec($0) })).status == 202)
        let r = try await h.request(.post, "/v1/experiments/batch", json: batch((0..<4).map { spec($0) }))
        #expect(r.status == 429)
        #expect(r.headers["Retry-After"] != nil)
        #expect(try storedCount(h) == 7)
        #expect(try await h.request(.post, "/v1/experiments/batch", json: batch((0..<3).map { spec($0) })).status == 202)
    }

    @Test func malformedBatchesAre422() async throws {
        let h = try ServiceHarness(start: false)
        #expect(try await h.request(.post, "/v1/experiments/batch", json: #"{"items":[]}"#).status == 422)
        #expect(try await h.request(.post, "/v1/experiments/batch", json: #"{"items":{}}"#).status == 422)
        #expect(try await h.request(.post, "/v1/experiments/batch", json: #"[1]"#).status == 422)
        let extra = try await h.request(.post, "/v1/experiments/batch", json: #"{"items":[\#(spec(0))],"x":1}"#)
        #expect(extra.status == 422 && (h.object(extra.body)["error"] as? [String: Any])?["field"] as? String == "x")
    }

    @Test func concurrentSingleSubmissionsNeverExceedTheQueueCapacity() async throws {
        let h = try ServiceHarness(queueCapacity: 20, start: false)
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for i in 0..<60 { group.addTask { try await h.request(.post, "/v1/experiments", json: self.spec(i)).status } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(statuses.filter { $0 == 202 }.count == 20)
        #expect(statuses.filter { $0 == 429 }.count == 40)
        #expect(try h.runner.store.queuedCount() == 20)
    }
}
