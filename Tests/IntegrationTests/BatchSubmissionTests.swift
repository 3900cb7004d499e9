import DescentTestSupport
import DescentClient
import Foundation
import Testing

extension Integration {
    /// Batch submission through the real binary: the libcurl client and `descent submit` with several specs.
    @Suite struct BatchSubmission {
        /// Runs `descent ARGS…` against `server`, feeding `input` on standard input; returns status and stdout.
        private func descent(_ arguments: [String], server: ServerProcess, input: Data? = nil) throws -> (status: Int32, output: String) {
            let process = Process()
            process.executableURL = try descentBinary()
            process.arguments = arguments + ["--server", server.baseURL]
            process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("DESCENT_") }
            let stdout = Pipe(), stdin = Pipe()
            process.standardOutput = stdout
            process.standardInput = stdin
            process.standardError = FileHandle.nullDevice
            try process.run()
            if let input { stdin.fileHandleForWriting.write(input) }
            try stdin.fileHandleForWriting.close()
            let output = stdout.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: output, as: UTF8.self))
        }

        /// The experiment ids `descent submit --json` printed, in order.
        private func ids(_ output: String) throws -> [String] {
            struct Items: Decodable { var items: [Client.BatchItem] }
            return try JSONDecoder().decode(Items.self, from: Data(output.utf8)).items.map(\.id)
        }

        private func oneLine(_ spec: String) -> String { spec.replacingOccurrences(of: "\n", with: " ") }

        @Test func aBatchRunsEveryExperimentBitIdenticallyAndReplaysByKey() async throws {
            try await withServer { server in
                let client = server.client()
                let specs = (0..<40).map { Specs.rosenbrock(seed: $0) }
                let items = try await client.submitBatch(json: specs.map(\.data), idempotencyKey: "it-batch")
                #expect(items.count == 40 && items.allSatisfy { $0.status == .queued })
                for item in items {
                    #expect(try await client.wait(id: item.id, timeout: .seconds(60)).status == .succeeded)
                }
                let served = try await client.trajectory(id: items[7].id, allColumns)
                #expect(bitIdentical(served, try referenceTrajectory(specs[7])))
                #expect(try await client.submitBatch(json: specs.map(\.data), idempotencyKey: "it-batch") == items.map {
                    Client.BatchItem(id: $0.id, status: .succeeded)
                })
                do {
                    _ = try await client.submitBatch(json: [specs[0].data], idempotencyKey: "it-batch")
                    Issue.record("a different body under the same key was accepted")
                } catch {
                    #expect((error as? ClientError)?.status == 409)
                }
            }
        }

        @Test func submitTakesSeveralFilesJSONLinesAndStandardInput() async throws {
            try await withServer { server in
                let folder = try temporaryFolder("descent-submit")
                defer { try? FileManager.default.removeItem(at: folder) }
                var files: [String] = []
                for seed in 0..<3 {
                    let file = folder.appendingPathComponent("spec\(seed).json")
                    try Specs.saddle(start: [0.01 * Double(seed + 1), 0.02]).data.write(to: file)
                    files.append(file.path)
                }
                let fromFiles = try descent(["submit", "--json"] + files, server: server)
                #expect(fromFiles.status == 0)
                #expect(try ids(fromFiles.output).count == 3)

                let jsonl = folder.appendingPathComponent("specs.jsonl")
                let lines = (0..<5).map { oneLine(Specs.rosenbrock(seed: $0)) }.joined(separator: "\n") + "\n\n"
                try lines.data.write(to: jsonl)
                let fromLines = try descent(["submit", "--json", "--jsonl", jsonl.path], server: server)
                #expect(fromLines.status == 0)
                #expect(try ids(fromLines.output).count == 5)

                let fromStdin = try descent(["submit", "--json", "--jsonl", "-"], server: server, input: lines.data)
                #expect(fromStdin.status == 0)
                #expect(try ids(fromStdin.output).count == 5)

                let human = try descent(["submit", files[0], files[1]], server: server)
                #expect(human.status == 0 && human.output.split(separator: "\n").count == 2 && human.output.hasPrefix("exp_"))

                let client = server.client()
                for id in try ids(fromFiles.output) + ids(fromLines.output) + ids(fromStdin.output) {
                    #expect(try await client.wait(id: id, timeout: .seconds(60)).status == .succeeded)
                }
                let invalid = folder.appendingPathComponent("bad.jsonl")
                try (oneLine(Specs.saddle(start: [0.1, 0.2])) + "\n{\"objective\":{\"type\":\"saddle\"}}\n").data.write(to: invalid)
                #expect(try descent(["submit", "--jsonl", invalid.path], server: server).status == 1)
                #expect(try descent(["submit"], server: server).status != 0)
            }
        }
    }
}
