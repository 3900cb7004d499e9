import DescentCore
import Foundation
import Testing
@testable import DescentService

/// Listings sorted and filtered by summary metrics and spec paths, against every backend.
@Suite struct StoreFieldListingContractTests {
    static let backends = StoreBackend.available

    /// Inserts experiments with these learning rates and final losses (nil: not finished); returns their ids.
    private func insert(_ store: any Store, _ runs: [(lr: Double, optimizer: String, finalLoss: Double?)]) throws -> [String] {
        try runs.map { run in
            let json = #"{"objective":{"type":"saddle"},"optimizer":{"type":"\#(run.optimizer)","lr":\#(run.lr)},"start":[0.01,0.02],"steps":10}"#
            let spec = try ExperimentSpec(checking: try JSONDecoder().decode(SpecValue.self, from: Data(json.utf8)))
            var r = ExperimentRecord(queued: "exp_" + UUID().uuidString.lowercased(), spec: spec)
            try store.insert(r)
            if let loss = run.finalLoss {
                r.status = .succeeded
                r.summary = RunSummary(stopReason: .budget, stepsRun: 10, finalLoss: loss, bestLoss: loss, bestStep: 10,
                                       finalParams: [0, 0], finalGradNorm: 0, trainLoss: nil, validationLoss: nil, validationAccuracy: nil)
                try store.update(r)
            }
            return r.id
        }
    }

    private func query(sort: String? = nil, filter: String? = nil, descending: Bool = false, limit: Int = 50) throws -> ExperimentQuery {
        var q = ExperimentQuery()
        q.descending = descending
        q.limit = limit
        if let sort { q.sort = ExperimentSort(field: try #require(ExperimentField(sort))) }
        if let filter { q.conditions = try ExperimentListQuery.conditions(filter) }
        return q
    }

    @Test(arguments: backends) func sortByFinalLossPutsUnfinishedLastInBothDirections(_ backend: StoreBackend) throws {
        let store = try backend.makeStore()
        let ids = try insert(store, [(0.1, "sgd", 0.5), (0.2, "sgd", nil), (0.3, "sgd", .infinity), (0.4, "sgd", 1e-3), (0.5, "sgd", -2)])
        #expect(try store.experiments(try query(sort: "summary.final_loss")).map(\.id) == [ids[4], ids[3], ids[0], ids[2], ids[1]])
        #expect(try store.experiments(try query(sort: "summary.final_loss", descending: true)).map(\.id) == [ids[2], ids[0], ids[3], ids[4], ids[1]])
    }

    @Test(arguments: backends) func sortedPagesContinueAcrossTiesInfinityAndMissingValues(_ backend: StoreBackend) throws {
        let store = try backend.makeStore()
        let ids = try insert(store, [(0.1, "sgd", 1), (0.2, "sgd", nil), (0.3, "sgd", 1), (0.4, "sgd", .infinity), (0.5, "sgd", nil), (0.6, "sgd", 0)])
        for descending in [false, true] {
            let whole = try store.experiments(try query(sort: "summary.final_loss", descending: descending)).map(\.id)
            var q = try query(sort: "summary.final_loss", descending: descending, limit: 2)
            var paged: [String] = []
            while true {
                let page = try store.experiments(q)
                paged += page.map(\.id)
                guard page.count == q.limit, let last = page.last else { break }
                q.after = last.sequence
                let field = try #require(q.sort?.field)
                q.sort?.afterValue = field.number(in: last)
            }
            #expect(paged == whole)
            #expect(Set(paged) == Set(ids))
        }
    }

    @Test(arguments: backends) func filterBySpecPathNumberRangeAndString(_ backend: StoreBackend) throws {
        let store = try backend.makeStore()
        let ids = try insert(store, [(0.01, "sgd", 1), (0.1, "adam", 2), (1, "adam", 3)])
        #expect(try store.experiments(try query(filter: "optimizer.lr:0.01")).map(\.id) == [ids[0]])
        #expect(try store.experiments(try query(filter: "optimizer.lr:0.05..1")).map(\.id) == [ids[1], ids[2]])
        #expect(try store.experiments(try query(filter: "optimizer.lr:..0.1")).map(\.id) == [ids[0], ids[1]])
        #expect(try store.experiments(try query(filter: "optimizer.type:ADAM,summary.final_loss:..2.5")).map(\.id) == [ids[1]])
        #expect(try store.experiments(try query(filter: "optimizer.type:0.1..")).isEmpty)
    }

    @Test(arguments: backends) func sortBySpecPathWithFilter(_ backend: StoreBackend) throws {
        let store = try backend.makeStore()
        let ids = try insert(store, [(0.3, "adam", nil), (0.1, "adam", nil), (0.2, "sgd", nil), (0.05, "adam", nil)])
        #expect(try store.experiments(try query(sort: "optimizer.lr", filter: "optimizer.type:adam", descending: true)).map(\.id)
                == [ids[0], ids[1], ids[3]])
    }
}
