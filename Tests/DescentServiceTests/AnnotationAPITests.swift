import DescentTestSupport
import DescentCore
import DescentHTTP
import Foundation
import Testing
@testable import DescentService

/// `PATCH /v1/experiments/{id}`: tags and a note.
@Suite struct AnnotationAPITests {
    private func submitted(_ h: ServiceHarness) async throws -> String {
        let r = try await h.request(.post, "/v1/experiments", json: saddleSpec)
        return try #require(h.object(r.body)["id"] as? String)
    }

    @Test func patchSetsTagsAndNoteAndAnswersWithTheExperiment() async throws {
        let h = try ServiceHarness()
        let id = try await submitted(h)
        let r = try await h.request("PATCH", "/v1/experiments/\(id)", json: #"{"tags":["keep","best"],"note":"lr too high"}"#)
        #expect(r.status == 200)
        let body = h.object(r.body)
        #expect(body["tags"] as? [String] == ["keep", "best"] && body["note"] as? String == "lr too high")
        #expect((body["spec"] as? [String: Any])?["tags"] as? [String] == ["keep", "best"])
        let read = h.object(try await h.request(.get, "/v1/experiments/\(id)").body)
        #expect(read["note"] as? String == "lr too high")
    }

    @Test(arguments: [(#"{"tags":"x"}"#, "tags"), (#"{"colour":"red"}"#, "colour"), ("{}", "tags"),
                      (#"{"tags":[""]}"#, "tags[0]"), (#"{"note":3}"#, "note")])
    func invalidBodiesAre422NamingTheField(body: String, field: String) async throws {
        let h = try ServiceHarness()
        let id = try await submitted(h)
        let r = try await h.request("PATCH", "/v1/experiments/\(id)", json: body)
        #expect(r.status == 422)
        let error = try #require(h.object(r.body)["error"] as? [String: Any])
        #expect(error["code"] as? String == "invalid_request" && error["field"] as? String == field)
    }

    @Test func aNoteOneCharacterTooLongIs422() async throws {
        let h = try ServiceHarness()
        let id = try await submitted(h)
        let note = String(repeating: "n", count: ExperimentAnnotation.maxNoteLength + 1)
        let r = try await h.request("PATCH", "/v1/experiments/\(id)", json: #"{"note":"\#(note)"}"#)
        #expect(r.status == 422)
    }

    @Test func patchingAMissingExperimentIs404() async throws {
        let h = try ServiceHarness()
        let r = try await h.request("PATCH", "/v1/experiments/exp_missing", json: #"{"note":"x"}"#)
        #expect(r.status == 404)
    }
}
