import DescentTestSupport
import DescentClient
import Foundation
import Testing

extension Integration {
    /// Cancellation, live events and idempotent submission.
    @Suite struct Lifecycle {
        @Test func cancellingARunningExperimentStopsItAsCancelled() async throws {
            try await withServer { server in
                let client = server.client()
                let submitted = try await client.submit(json: Specs.long().data)
                // Wait until a worker has picked it up, so the cancel stops a running job (it throws on timeout).
                try await waitUntilRunning(client, submitted.id)
                _ = try await client.cancel(id: submitted.id)
                let done = try await client.wait(id: submitted.id, timeout: .seconds(30))
                #expect(done.status == .cancelled)
                // A claimed job is `running` before its first step, and the cancel may land there: 0 steps is
                // a cancelled running job too. What must hold is that it stopped well short of its budget.
                let steps = done.summary?.stepsRun ?? done.progress?.stepsDone ?? 0
                #expect(steps < 10_000_000)
            }
        }

        @Test func eventStreamDeliversProgressAndEndsWithTheFinalExperiment() async throws {
            try await withServer { server in
                let client = server.client()
                let submitted = try await client.submit(json: Specs.moons(seed: 3, steps: 3000).data)
                // How many progress events arrive depends on timing; the contract is that `end` comes last.
                var last: Client.Experiment?
                var afterEnd = 0
                for try await event in client.events(id: submitted.id) {
                    if last != nil { afterEnd += 1 }
                    if case .end(let experiment) = event { last = experiment }
                }
                #expect(afterEnd == 0)
                let final = try #require(last, "stream ended without an end event")
                #expect(final.id == submitted.id)
                #expect(final.status == .succeeded)
                #expect(final.summary?.stepsRun == 3000)
                let stored = try await client.experiment(id: submitted.id)
                #expect(stored.summary == final.summary)
            }
        }

        @Test func resubmittingWithTheSameIdempotencyKeyReturnsTheSameExperiment() async throws {
            try await withServer { server in
                let client = server.client()
                let spec = Specs.rosenbrock(seed: 11).data
                let first = try await client.submit(json: spec, idempotencyKey: "it-key-1")
                let again = try await client.submit(json: spec, idempotencyKey: "it-key-1")
                let other = try await client.submit(json: spec, idempotencyKey: "it-key-2")
                #expect(again.id == first.id)
                #expect(other.id != first.id)
                let page = try await client.experiments(Client.ExperimentQuery(limit: 100))
                #expect(page.items.count == 2)
            }
        }

        @Test func reusingAnIdempotencyKeyWithADifferentBodyIsAConflict() async throws {
            try await withServer { server in
                let client = server.client()
                _ = try await client.submit(json: Specs.rosenbrock(seed: 1).data, idempotencyKey: "it-key")
                let error = await #expect(throws: ClientError.self) {
                    try await client.submit(json: Specs.rosenbrock(seed: 2).data, idempotencyKey: "it-key")
                }
                #expect(error?.status == 409)
                #expect(error?.apiError?.code == "conflict")
            }
        }
    }
}
