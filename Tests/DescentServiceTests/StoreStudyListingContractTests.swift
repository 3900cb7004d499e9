import DescentCore
import Foundation
import Testing
@testable import DescentService

/// Listing studies, against every backend.
@Suite struct StoreStudyListingContractTests {
    static let backends = StoreBackend.available

    /// Studies created one second apart (the last two at the same time), searches every third.
    private func insert(_ store: any Store, count: Int) throws -> [StudyRecord] {
        try (0..<count).map { i in
            let search = i % 3 == 0
            let created = Date(timeIntervalSince1970: 1_800_000_000.5 + Double(min(i, count - 2)))
            let s = StudyRecord(id: "std_\(i)", name: i % 2 == 0 ? "Tune Adam" : "grid", createdAt: created,
                                experimentIDs: search ? [] : ["exp_\(i)"], labels: search ? [] : ["base"], lossTarget: nil,
                                definition: search ? "{}" : nil, searchState: search ? (i == 0 ? .finished : .searching) : nil)
            try store.insertStudy(s)
            return s
        }
    }

    @Test(arguments: backends) func pagesGoNewestFirstAndBreakTiesById(_ backend: StoreBackend) throws {
        let store = try backend.makeStore()
        let studies = try insert(store, count: 7)
        var q = StudyQuery()
        q.limit = 3
        var listed: [String] = []
        while true {
            let page = try store.studies(q)
            listed += page.map(\.id)
            guard page.count == q.limit, let last = page.last else { break }
            q.after = (last.createdAt.timeIntervalSince1970, last.id)
        }
        #expect(listed == ["std_6", "std_5", "std_4", "std_3", "std_2", "std_1", "std_0"])
        #expect(try store.studies(StudyQuery()).first == studies[6])
    }

    @Test(arguments: backends) func filtersByNameKindAndState(_ backend: StoreBackend) throws {
        let store = try backend.makeStore()
        _ = try insert(store, count: 7)
        var q = StudyQuery()
        q.name = "tune ADAM"
        #expect(try store.studies(q).map(\.id) == ["std_6", "std_4", "std_2", "std_0"])
        q = StudyQuery(); q.kind = .search
        #expect(try store.studies(q).map(\.id) == ["std_6", "std_3", "std_0"])
        q = StudyQuery(); q.kind = .list
        #expect(try store.studies(q).map(\.id) == ["std_5", "std_4", "std_2", "std_1"])
        q = StudyQuery(); q.state = .finished
        #expect(try store.studies(q).map(\.id) == ["std_0"])
    }
}
