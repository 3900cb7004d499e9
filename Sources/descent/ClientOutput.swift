import ArgumentParser
import DescentClient
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Printing and error handling shared by the client subcommands.
enum ClientOutput {
    /// Runs a client call; on failure prints the error to standard error and exits with status 1.
    static func attempt<T>(_ body: () async throws(ClientError) -> T) async throws -> T {
        do { return try await body() } catch {
            FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
            throw ExitCode(1)
        }
    }

    /// Sends one request and prints the reply: verbatim JSON with `--json`, else an experiment summary.
    static func show(_ options: ClientOptions, _ method: String, _ path: String) async throws {
        let client = options.client()
        let response = try await attempt { () async throws(ClientError) in try await client.checked(method, path) }
        emit(response, json: options.json, human: describe)
    }

    /// The bytes of `path`, or of standard input for `-`.
    static func readInput(_ path: String) throws -> Data {
        if path == "-" { return FileHandle.standardInput.readDataToEndOfFile() }
        do { return try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ValidationError("cannot read \(path): \(error.localizedDescription)")
        }
    }

    /// Prints the response body verbatim (`--json`) or as the human text made from the decoded experiment.
    static func emit(_ response: Client.HTTPResponse, json: Bool, human: (Client.Experiment) -> String) {
        if json || response.body.isEmpty {
            FileHandle.standardOutput.write(Data(response.body))
            if response.body.last != 0x0A { FileHandle.standardOutput.write(Data("\n".utf8)) }
            return
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        if let experiment = try? decoder.decode(Client.Experiment.self, from: Data(response.body)) {
            print(human(experiment))
        } else {
            print(response.text)
        }
    }

    /// Waits for experiment `id` (progress bar on a terminal) and prints it.
    static func waitAndPrint(client: Client, id: String, json: Bool, timeout: Int?) async throws {
        let bar = isatty(STDERR_FILENO) == 1
        let onEvent: (@Sendable (Client.ExperimentEvent) -> Void)?
        if bar {
            onEvent = { event in
                if case .progress(let done, _, let loss) = event { progressBar(done: done, loss: loss) }
            }
        } else {
            onEvent = nil
        }
        let experiment: Client.Experiment = try await attempt { () async throws(ClientError) -> Client.Experiment in
            try await client.wait(id: id, timeout: .seconds(timeout ?? 3600), onEvent: onEvent)
        }
        if bar { FileHandle.standardError.write(Data("\n".utf8)) }
        let response = try await attempt { () async throws(ClientError) in try await client.checked("GET", "/v1/experiments/\(id)") }
        emit(response, json: json, human: describe)
        if experiment.status != .succeeded { throw ExitCode(3) }
    }

    private static func progressBar(done: Int, loss: Double) {
        FileHandle.standardError.write(Data("\rstep \(done)  loss \(format(loss))   ".utf8))
    }

    /// A few aligned lines describing an experiment.
    static func describe(_ e: Client.Experiment) -> String {
        var lines = ["id        \(e.id)", "status    \(e.status)"]
        if let name = e.name { lines.append("name      \(name)") }
        if let p = e.progress { lines.append("progress  \(p.stepsDone)/\(p.stepsTotal) steps") }
        if let s = e.summary {
            lines.append("stopped   \(s.stopReason) after \(s.stepsRun) steps")
            lines.append("loss      final \(format(s.finalLoss))" + (s.bestLoss.map { ", best \(format($0))" } ?? "")
                         + (s.bestStep.map { " at step \($0)" } ?? ""))
            if let params = s.finalParams, params.count <= 8 {
                lines.append("params    [" + params.map(format).joined(separator: ", ") + "]")
            }
            if let v = s.validationLoss { lines.append("val loss  \(format(v))") }
            if let a = s.validationAccuracy { lines.append("val acc   \(format(a))") }
        }
        if let error = e.error { lines.append("error     \(error.code): \(error.message)") }
        return lines.joined(separator: "\n")
    }

    /// A study's members in aligned columns, with the steps each took to reach the study's loss target.
    static func table(_ s: Client.Study) -> String {
        let title = "study \(s.id)" + (s.name.map { " (\($0))" } ?? "") + (s.status.map { ": \($0)" } ?? "")
            + (s.lossTarget.map { ", loss target \(format($0))" } ?? "")
        let rows = s.experiments.map { e in
            [e.id, e.status.rawValue, e.finalLoss.map(format) ?? "-", e.bestLoss.map(format) ?? "-",
             e.stepsRun.map(String.init) ?? "-", e.stepsToTarget.map(String.init) ?? "-", e.label ?? ""]
        }
        return title + "\n" + TextTable.render(
            header: ["id", "status", "final_loss", "best_loss", "steps", "steps_to_target", "label"], rows: rows)
    }

    private static func format(_ x: Double) -> String { TextTable.number(x) }
}
