import DescentCore
import Foundation
import Testing
@testable import DescentService

/// Annotation changes (tags and a note), against every backend.
@Suite struct StoreAnnotationContractTests {
    static let backends = StoreBackend.available

    @Test(arguments: backends) func newTagsReplaceTheSpecTagsAndTheTagFilterSeesThem(_ backend: StoreBackend) throws {
        let store = try backend.makeStore()
        let r = try makeRecord(tags: ["old"])
        try store.insert(r)
        let changed = try #require(try store.annotate(r.id, ExperimentAnnotation(tags: ["best", "lecture"])))
        #expect(changed.spec.tags == ["best", "lecture"])
        let read = try #require(try store.experiment(r.id))
        #expect(read.spec.tags == ["best", "lecture"] && read.spec.optimizer == r.spec.optimizer && read.note == nil)
        var q = ExperimentQuery()
        q.tag = "best"
        #expect(try store.experiments(q).map(\.id) == [r.id])
        q.tag = "old"
        #expect(try store.experiments(q).isEmpty)
    }

    @Test(arguments: backends) func aNoteIsSetKeptByTagChangesAndRemovedWithNull(_ backend: StoreBackend) throws {
        let store = try backend.makeStore()
        let r = try makeRecord(tags: ["a"])
        try store.insert(r)
        _ = try store.annotate(r.id, ExperimentAnnotation(note: .some("diverges after step 40")))
        _ = try store.annotate(r.id, ExperimentAnnotation(tags: ["b"]))
        let read = try #require(try store.experiment(r.id))
        #expect(read.note == "diverges after step 40" && read.spec.tags == ["b"])
        _ = try store.annotate(r.id, ExperimentAnnotation(note: .some(nil)))
        #expect(try store.experiment(r.id)?.note == nil)
    }

    @Test(arguments: backends) func annotatingAMissingExperimentReturnsNil(_ backend: StoreBackend) throws {
        let store = try backend.makeStore()
        #expect(try store.annotate("exp_missing", ExperimentAnnotation(tags: [])) == nil)
    }
}
