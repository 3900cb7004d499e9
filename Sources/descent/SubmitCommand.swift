import ArgumentParser
import DescentClient
import Foundation

/// `descent submit spec.json [more.json …] [--jsonl specs.jsonl] [--wait]`: queues experiments on the server.
///
/// One spec file goes to `POST /v1/experiments` (the reply is the experiment). Several files, or JSON lines
/// (one spec per line), go to `POST /v1/experiments/batch` in batches of at most 1,000, each stored all or
/// none; the reply lists the created experiments in order. With `--idempotency-key K`, batch n (from 0)
/// is sent with the key `K` (n = 0) or `K-n`, so a rerun of the same command creates nothing new.
struct SubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "submit", abstract: "Submit experiment specs to the server.")

    @OptionGroup var options: ClientOptions
    @Argument(help: "Paths of spec JSON files ('-' for standard input).")
    var specs: [String] = []
    @Option(help: "A file of specs, one JSON object per line ('-' for standard input); blank lines are skipped.")
    var jsonl: String?
    @Option(help: "Idempotency key: resubmitting with the same key returns the same experiments.")
    var idempotencyKey: String?
    @Flag(help: "Wait for the experiments to finish and print their results.")
    var wait = false

    func validate() throws {
        guard !specs.isEmpty || jsonl != nil else { throw ValidationError("give at least one spec file or --jsonl FILE") }
        guard specs.filter({ $0 == "-" }).count + (jsonl == "-" ? 1 : 0) <= 1 else {
            throw ValidationError("standard input ('-') can be read only once")
        }
    }

    func run() async throws {
        let client = options.client()
        var bodies = try specs.map(ClientOutput.readInput)
        if let jsonl { bodies += try Self.lines(ClientOutput.readInput(jsonl)) }
        if bodies.count == 1, jsonl == nil {
            try await submitOne(client, bodies[0])
            return
        }
        var created: [Client.BatchItem] = []
        for (n, start) in stride(from: 0, to: bodies.count, by: Client.maxBatchItems).enumerated() {
            let part = Array(bodies[start..<min(bodies.count, start + Client.maxBatchItems)])
            let key = idempotencyKey.map { n == 0 ? $0 : "\($0)-\(n)" }
            created += try await ClientOutput.attempt { () async throws(ClientError) in try await client.submitBatch(json: part, idempotencyKey: key) }
        }
        if wait {
            var allSucceeded = true
            for item in created {
                do { try await ClientOutput.waitAndPrint(client: client, id: item.id, json: options.json, timeout: nil) } catch let e as ExitCode where e.rawValue == 3 {
                    allSucceeded = false
                }
            }
            if !allSucceeded { throw ExitCode(3) }
        } else if options.json {
            struct Items: Encodable { var items: [Client.BatchItem] }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            FileHandle.standardOutput.write(try encoder.encode(Items(items: created)) + Data("\n".utf8))
        } else {
            for item in created { print("\(item.id)  \(item.status)") }
        }
    }

    private func submitOne(_ client: Client, _ body: Data) async throws {
        let submitted = try await ClientOutput.attempt { () async throws(ClientError) in
            try await client.checked("POST", "/v1/experiments", body: body, headers: idempotencyKey.map { ["Idempotency-Key: \($0)"] } ?? [])
        }
        guard wait, let id = try? JSONDecoder().decode(IDOnly.self, from: Data(submitted.body)).id else {
            ClientOutput.emit(submitted, json: options.json, human: ClientOutput.describe)
            return
        }
        try await ClientOutput.waitAndPrint(client: client, id: id, json: options.json, timeout: nil)
    }

    /// The non-blank lines of a JSON-lines text, each one spec.
    static func lines(_ data: Data) -> [Data] {
        data.split(separator: UInt8(ascii: "\n")).compactMap { line in
            let trimmed = line.drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
            let end = trimmed.lastIndex { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }
            guard let end else { return nil }
            return Data(trimmed[...end])
        }
    }

    private struct IDOnly: Decodable { var id: String }
}
