import DescentClient
import Foundation
import Testing

extension Integration {
    /// `"record_internals": true` through the running service: the columns in JSON, CSV and downsampled views, the
    /// run bit-identical without them, and the error for a run that has none.
    @Suite struct OptimizerInternals {
        /// Adam on ½xᵀAx with A = diag(1, 4) from (1, −0.5): the gradient at a row is (p0, 4·p1), exact.
        static func adam(steps: Int, _ extra: String) -> String {
            """
            {"name":"adam internals","objective":{"type":"quadratic","a":[[1,0],[0,4]]},"optimizer":{"type":"adam","lr":0.05},
             "start":[1,-0.5],"steps":\(steps)\(extra)}
            """
        }

        @Test func columnsArriveInJSONAndCSVAndTheRunIsBitIdenticalWithoutThem() async throws {
            try await withServer { server in
                let client = server.client()
                let recorded = try await client.submit(json: Self.adam(steps: 40, #","record_internals":true"#).data)
                let plain = try await client.submit(json: Self.adam(steps: 40, "").data)
                _ = try await client.wait(id: recorded.id, timeout: .seconds(120))
                _ = try await client.wait(id: plain.id, timeout: .seconds(120))
                let a = try await client.trajectory(id: recorded.id)
                let p = try await client.trajectory(id: plain.id)
                #expect(a.params == p.params && a.loss == p.loss && a.gradNorm == p.gradNorm && a.step == p.step)
                #expect(p.internalNames == nil && p.internals == nil)
                #expect(a.internalNames == ["m[0]", "m[1]", "v[0]", "v[1]", "update_norm", "effective_lr"])
                let rows = try #require(a.internals)
                #expect(rows.count == a.count && rows.allSatisfy { $0.count == 6 })
                // m₁ = (1 − β₁)g₀ and v₁ = (1 − β₂)g₀², with g₀ = (1, −2).
                let m0 = try #require(a.internalColumn("m[0]")), v1 = try #require(a.internalColumn("v[1]"))
                #expect(m0[0] == 0 && abs(m0[1] - 0.1) < 1e-15)
                #expect(abs(v1[1] - 0.004) < 1e-15)
                let params = try #require(a.params)
                let moved = zip(params[1], params[0]).map { $0 - $1 }
                #expect(a.internalColumn("update_norm")?[1] == (moved[0] * moved[0] + moved[1] * moved[1]).squareRoot())

                let csv = try await client.trajectoryCSV(id: recorded.id, Client.TrajectoryQuery(fields: ["loss", "internals"]))
                let lines = csv.split(separator: "\n")
                #expect(lines.first == "step,loss,m[0],m[1],v[0],v[1],update_norm,effective_lr")
                #expect(lines.count == a.count + 1)
                let second = lines[2].split(separator: ",").map(String.init)
                #expect(second[2] == String(describing: m0[1]))

                let missing = try await client.send("GET", "/v1/experiments/\(plain.id)/trajectory?fields=internals")
                #expect(missing.status == 422)
                #expect(missing.text.contains("\"field\":\"fields\"") && missing.text.contains("record_internals"))
            }
        }

        @Test func downsampledViewsKeepEachRowsInternals() async throws {
            try await withServer { server in
                let client = server.client()
                // 3,000 rows: the chunk has stored summaries, so max_points reads them.
                let run = try await client.submit(json: Self.adam(steps: 2_999, #","record_internals":true"#).data)
                _ = try await client.wait(id: run.id, timeout: .seconds(120))
                let full = try await client.trajectory(id: run.id, Client.TrajectoryQuery(fields: ["internals"]))
                let view = try await client.trajectory(id: run.id, Client.TrajectoryQuery(fields: ["internals"], maxPoints: 60))
                #expect(view.downsampled == true)
                let steps = try #require(view.step), rows = try #require(view.internals), all = try #require(full.internals)
                #expect(steps.count <= 60 && steps.count == rows.count && full.count == 3_000)
                for (step, row) in zip(steps, rows) { #expect(row == all[step], "step \(step)") }
            }
        }
    }
}
