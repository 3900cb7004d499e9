import ArgumentParser
import DescentCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `descent run spec.json`: runs one experiment without a server and prints the result.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run one experiment spec (JSON, see docs/spec.md) and print the result.",
        discussion: """
            On a terminal it prints a short summary; piped, redirected, with --json or with --output it \
            writes JSON: {"summary": …, "trajectory": {…columns…}}. CSV output (--format csv) is one row per \
            recorded step (step, epoch, lr, loss, grad_norm, p0, p1…: the API's CSV columns). Non-finite numbers are \
            written as the strings "NaN", "Infinity", "-Infinity".
            """
    )

    /// Output formats.
    enum Format: String, ExpressibleByArgument, CaseIterable { case json, csv }

    @Argument(help: "Path of the spec JSON file ('-' for standard input).")
    var spec: String

    @Option(help: "Output format: json or csv (default: a summary on a terminal, else json).")
    var format: Format?

    @Flag(help: "Write JSON even on a terminal (same as --format json).")
    var json = false

    @Option(name: .shortAndLong, help: "Write the result to this file instead of standard output.")
    var output: String?

    @Flag(help: "Show a progress line on standard error even when it is not a terminal.")
    var progress = false

    func validate() throws {
        if json && format == .csv { throw ValidationError("--json and --format csv exclude each other") }
    }

    func run() throws {
        let data: Data
        do {
            data = spec == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: spec))
        } catch {
            throw ValidationError("cannot read \(spec): \(error.localizedDescription)")
        }
        let experiment: Experiment
        do {
            experiment = try JSONDecoder().decode(ExperimentSpec.self, from: data).validated()
        } catch let error as SpecError {
            Self.printError("invalid spec: \(error.description) [\(error.code)]")
            throw ExitCode(2)
        } catch {
            Self.printError("invalid spec: not valid JSON (\(error.localizedDescription))")
            throw ExitCode(2)
        }
        let showProgress = progress || isatty(STDERR_FILENO) == 1
        let total = experiment.configuration.steps
        let result = experiment.run(progressEvery: 65_536, onProgress: showProgress ? { chunk in
            let loss = chunk.records.loss.last.map { String($0) } ?? "-"
            Self.printError("\rstep \(chunk.stepsDone)/\(total)  loss \(loss)", newline: false)
        } : nil)
        if showProgress { Self.printError("") }
        if format == nil && !json && output == nil && StandardOutput.isTerminal {
            print(RunSummaryText.describe(experiment, result))
            return
        }
        let bytes = try format == .csv ? Data(Self.csv(result.trajectory).utf8) : Self.json(result)
        if let output {
            try bytes.write(to: URL(fileURLWithPath: output))
        } else {
            FileHandle.standardOutput.write(bytes)
            if format != .csv { FileHandle.standardOutput.write(Data("\n".utf8)) }
        }
    }

    /// The result as {"summary": …, "trajectory": …} with snake_case keys.
    static func json(_ result: RunResult) throws -> Data {
        struct Document: Encodable { let summary: RunSummary; let trajectory: Trajectory }
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return try encoder.encode(Document(summary: result.summary, trajectory: result.trajectory))
    }

    /// The trajectory as CSV, one row per record; parameter columns (p0, p1, …, as in the API's CSV) only when params were
    /// recorded, then the optimizer internals by name when recorded (`record_internals`).
    static func csv(_ t: Trajectory) -> String {
        let withParams = !t.params.isEmpty
        var header = ["step", "epoch", "lr", "loss", "grad_norm"]
        if withParams { header += (0..<t.dimension).map { "p\($0)" } }
        header += t.internalNames
        var lines = [header.joined(separator: ",")]
        lines.reserveCapacity(t.count + 1)
        for row in 0..<t.count {
            var fields = [String(t.step[row]), String(t.epoch[row]), String(t.lr[row]), String(t.loss[row]), String(t.gradNorm[row])]
            if withParams { fields += t.parameters(atRow: row).map { String($0) } }
            fields += t.internals(atRow: row).map { String($0) }
            lines.append(fields.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func printError(_ text: String, newline: Bool = true) {
        FileHandle.standardError.write(Data((text + (newline ? "\n" : "")).utf8))
    }
}
