import DescentTestSupport
import DescentClient
import Foundation
import Testing

extension Integration {
    /// Listings by fields, studies listed, experiments annotated and trials exported, through the client.
    @Suite struct Queries {
        /// A saddle run with this learning rate, tagged `tag`.
        static func saddle(lr: Double, tag: String) -> Data {
            Data(#"{"tags":["\#(tag)"],"objective":{"type":"saddle"},"optimizer":{"type":"sgd","lr":\#(lr)},"start":[0.01,0.02],"steps":200}"#.utf8)
        }

        @Test func experimentsFilterBySpecPathAndSortByFinalLossAcrossPages() async throws {
            try await withServer { server in
                let client = server.client()
                var done: [Client.Experiment] = []
                for lr in [0.01, 0.03, 0.1] {
                    let submitted = try await client.submit(json: Self.saddle(lr: lr, tag: "q"))
                    done.append(try await client.wait(id: submitted.id, timeout: .seconds(60)))
                }
                let expected = done.dropFirst().sorted { ($0.summary?.finalLoss ?? .infinity) > ($1.summary?.finalLoss ?? .infinity) }.map(\.id)
                var query = Client.ExperimentQuery(tag: "q", filter: "optimizer.lr:0.02..", sort: "-summary.final_loss", limit: 1)
                var listed: [String] = []
                while true {
                    let page = try await client.experiments(query)
                    listed += page.items.map(\.id)
                    guard let next = page.nextCursor else { break }
                    query.cursor = next
                }
                #expect(listed == expected)
            }
        }
    }
}

extension Integration.Queries {
    @Test func annotateReplacesTagsSetsAndRemovesANote() async throws {
        try await withServer { server in
            let client = server.client()
            let submitted = try await client.submit(json: Self.saddle(lr: 0.1, tag: "before"))
            let tagged = try await client.annotate(id: submitted.id, tags: ["after"], note: "keep this one")
            #expect(tagged.tags == ["after"] && tagged.note == "keep this one")
            let listed = try await client.experiments(Client.ExperimentQuery(tag: "after"))
            #expect(listed.items.map(\.id) == [submitted.id])
            let cleared = try await client.annotate(id: submitted.id, note: .some(nil))
            #expect(cleared.note == nil && cleared.tags == ["after"])
        }
    }
}

extension Integration.Queries {
    @Test func studiesListNewestFirstFilteredByNameAcrossPages() async throws {
        try await withServer { server in
            let client = server.client()
            var ids: [String] = []
            for name in ["sweep", "other", "Sweep"] {
                let body = #"{"name":"\#(name)","experiments":[{"objective":{"type":"saddle"},"optimizer":{"type":"sgd","lr":0.1},"start":[0.01,0.02],"steps":10}]}"#
                ids.append(try await client.createStudy(json: Data(body.utf8)).id)
            }
            var query = Client.StudyQuery(name: "SWEEP", kind: "list", limit: 1)
            var listed: [String] = []
            while true {
                let page = try await client.studies(query)
                listed += page.items.map(\.id)
                #expect(page.items.allSatisfy { $0.kind == "list" && $0.experiments == 1 })
                guard let next = page.nextCursor else { break }
                query.cursor = next
            }
            #expect(listed == [ids[2], ids[0]])
        }
    }
}

extension Integration.Queries {
    @Test func aSearchStudysTrialsComeAsCSVWithOneRowPerTrial() async throws {
        try await withServer { server in
            let client = server.client()
            let body = #"{"base":{"objective":{"type":"saddle"},"optimizer":{"type":"sgd","lr":0.1},"start":[0.01,0.02],"steps":50},"#
                + #""search":{"space":{"optimizer.lr":{"type":"log_uniform","low":0.01,"high":0.1}},"sampler":"random","trials":4,"seed":3}}"#
            let study = try await client.createStudy(json: Data(body.utf8))
            var rows: [Substring] = []
            try await waitUntil("four complete trials", timeout: 60) {
                rows = try await client.studyTrialsCSV(id: study.id).split(separator: "\n")
                return rows.dropFirst().filter { $0.contains(",complete,") }.count == 4
            }
            #expect(rows.first == "trial,state,value,optimizer.lr,experiments,diverged,final_loss,best_loss,steps_run")
            #expect(rows.dropFirst().map { $0.split(separator: ",").first } == ["0", "1", "2", "3"])
        }
    }
}
