import ArgumentParser
import DescentClient
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Options shared by the client subcommands: which server, and how to print.
struct ClientOptions: ParsableArguments {
    @Option(help: "Server URL (default: $DESCENT_URL, else http://127.0.0.1:8080).")
    var server: String?

    @Option(help: "Bearer token (default: $DESCENT_AUTH_TOKEN).")
    var authToken: String?

    @Flag(help: "Print the server's JSON instead of a human summary.")
    var json = false

    /// A client for the chosen server; `timeoutMilliseconds` bounds each request (default 30 s).
    func client(timeoutMilliseconds: Int = 30_000) -> Client {
        let environment = ProcessInfo.processInfo.environment
        return Client(baseURL: server ?? environment["DESCENT_URL"] ?? "http://127.0.0.1:8080",
                      authToken: authToken ?? environment["DESCENT_AUTH_TOKEN"],
                      timeoutMilliseconds: timeoutMilliseconds)
    }
}

/// `descent get ID`: shows one experiment.
struct GetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "get", abstract: "Show one experiment.")

    @OptionGroup var options: ClientOptions
    @Argument(help: "Experiment id.") var id: String

    func run() async throws {
        try await ClientOutput.show(options, "GET", "/v1/experiments/\(id)")
    }
}

/// `descent wait ID`: waits for an experiment to finish, with a progress bar on a terminal.
struct WaitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "wait", abstract: "Wait for an experiment to finish.")

    @OptionGroup var options: ClientOptions
    @Argument(help: "Experiment id.") var id: String
    @Option(help: "Give up after this many seconds (default 3600).") var timeout: Int?

    func run() async throws {
        try await ClientOutput.waitAndPrint(client: options.client(), id: id, json: options.json, timeout: timeout)
    }
}

/// `descent cancel ID`: asks the server to stop an experiment, waits until it has, and shows the result.
struct CancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel", abstract: "Cancel a queued or running experiment and show the state it ends in.")

    @OptionGroup var options: ClientOptions
    @Argument(help: "Experiment id.") var id: String
    @Option(help: "Give up waiting for the experiment to stop after this many seconds (default 30).") var timeout: Int = 30

    func validate() throws {
        guard timeout > 0 else { throw ValidationError("--timeout must be at least 1 second") }
    }

    func run() async throws {
        let client = options.client()
        let id = self.id, timeout = self.timeout
        let asked = try await ClientOutput.attempt { () async throws(ClientError) in try await client.cancel(id: id) }
        if asked.status.isTerminal, asked.status != .cancelled {
            FileHandle.standardError.write(Data("note: experiment \(id) had already finished (\(asked.status.rawValue)); nothing to cancel\n".utf8))
        }
        // A queued run is cancelled at once, a running one at its next step: report the state it ends in.
        if !asked.status.isTerminal {
            _ = try await ClientOutput.attempt { () async throws(ClientError) in try await client.wait(id: id, timeout: .seconds(timeout)) }
        }
        try await ClientOutput.show(options, "GET", "/v1/experiments/\(id)")
    }
}

/// `descent trajectory ID [--csv]`: prints an experiment's recorded trajectory as it arrives.
///
/// The rows are streamed — the server's CSV (or JSON with `--json`) goes to standard output piece by
/// piece, in aligned columns by default — so a million-row run starts printing at once, uses little
/// memory, and `| head` ends it early.
struct TrajectoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "trajectory", abstract: "Print an experiment's trajectory.")

    @OptionGroup var options: ClientOptions
    @Argument(help: "Experiment id.") var id: String
    @Flag(help: "CSV: step,epoch,lr,loss,grad_norm,p0,p1,…") var csv = false
    @Option(help: "First step.") var from: Int?
    @Option(help: "Last step.") var to: Int?
    @Option(help: "Columns, comma-separated: loss,lr,grad_norm,params,epoch (the table's default: epoch,lr,loss,grad_norm).")
    var fields: String?
    @Option(help: "Keep every n-th row.") var every: Int?
    @Option(help: "Downsample to at most this many rows.") var maxPoints: Int?

    func run() async throws {
        let client = options.client()
        let table = !csv && !options.json
        var columns = fields.map { $0.split(separator: ",").map(String.init) }
        if table && columns == nil { columns = ["epoch", "lr", "loss", "grad_norm"] }
        let query = Client.TrajectoryQuery(from: from, to: to, fields: columns, every: every, maxPoints: maxPoints)
        let path = Client.trajectoryPath(id: id, query)
        if table {
            let output = CSVColumns()
            try await ClientOutput.attempt { () async throws(ClientError) in
                try await client.stream("GET", path, headers: ["Accept: text/csv"]) { output.take($0) }
            }
            output.finish()
        } else {
            let accept = csv ? "text/csv" : "application/json"
            try await ClientOutput.attempt { () async throws(ClientError) in
                try await client.stream("GET", path, headers: ["Accept: \(accept)"]) { StandardOutput.write($0) }
            }
            if !csv { _ = StandardOutput.write("\n") }  // the JSON body ends without one
        }
    }
}

/// `descent study grid.json [--wait]`: starts a study (a grid or a list of specs).
struct StudyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "study", abstract: "Start a study from a grid or list of specs.")

    @OptionGroup var options: ClientOptions
    @Argument(help: "Path of the study JSON file ('-' for standard input).") var file: String
    @Flag(help: "Wait until every experiment of the study has finished.") var wait = false

    func run() async throws {
        let client = options.client()
        let body = try ClientOutput.readInput(file)
        var study = try await ClientOutput.attempt { () async throws(ClientError) in try await client.createStudy(json: body) }
        if wait {
            let id = study.id
            study = try await ClientOutput.attempt { () async throws(ClientError) in
                try await client.waitForStudy(id: id, timeout: .seconds(3600))
            }
        }
        if options.json {
            try await ClientOutput.show(options, "GET", "/v1/studies/\(study.id)")
        } else {
            print(ClientOutput.table(study))
        }
    }
}
