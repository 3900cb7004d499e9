import DescentTestSupport
import DescentClient
import DescentCore
import Foundation
import Testing

/// Specs used by the scenarios, as JSON text (the wire format the server and `descent run` read).
enum Specs {
    /// The lecture saddle (1 − w₁w₂)² from `start` with plain gradient descent.
    static func saddle(start: [Double], steps: Int = 300) -> String {
        """
        {"name":"saddle","tags":["it","saddle"],"seed":0,"objective":{"type":"saddle"},
         "optimizer":{"type":"sgd","lr":0.1},"start":[\(start.map { String($0) }.joined(separator: ","))],"steps":\(steps)}
        """
    }

    /// Least squares on 20 synthetic samples with the given batch size.
    static func regression(batchSize: Int, steps: Int = 60, seed: Int = 1) -> String {
        """
        {"name":"regression b\(batchSize)","tags":["it","batch"],"seed":\(seed),"objective":{"type":"linear_regression"},
         "dataset":{"type":"synthetic","generator":"linear","samples":20,"features":1,"noise":0.1},
         "optimizer":{"type":"sgd","lr":0.05},"batch_size":\(batchSize),"steps":\(steps)}
        """
    }

    /// Rosenbrock with Adam from a seed-dependent start, small enough to run in milliseconds.
    static func rosenbrock(seed: Int, lr: Double = 0.01, steps: Int = 150) -> String {
        """
        {"name":"rosenbrock \(seed)","tags":["it","rosenbrock"],"seed":\(seed),"objective":{"type":"rosenbrock"},
         "optimizer":{"type":"adam","lr":\(lr)},"start":[\(-1.5 + Double(seed % 7) * 0.1),\(1.0 + Double(seed % 5) * 0.1)],"steps":\(steps)}
        """
    }

    /// A small MLP on two moons with mini-batches (shuffling makes the seed matter).
    static func moons(seed: Int, steps: Int = 80) -> String {
        """
        {"name":"moons \(seed)","tags":["it","mlp"],"seed":\(seed),"objective":{"type":"mlp","hidden":[8],"activation":"tanh"},
         "dataset":{"type":"synthetic","generator":"two_moons","samples":100,"noise":0.1,"validation_fraction":0.2},
         "optimizer":{"type":"sgd","lr":0.1,"momentum":0.9},"batch_size":16,"steps":\(steps),"record_every":2}
        """
    }

    /// An MLP run long enough (millions of steps) to still be running when a test acts on it.
    static func long(seed: Int = 7) -> String {
        """
        {"name":"long","tags":["it","long"],"seed":\(seed),"objective":{"type":"mlp","hidden":[16],"activation":"tanh"},
         "dataset":{"type":"synthetic","generator":"two_moons","samples":200,"noise":0.1},
         "optimizer":{"type":"adam","lr":0.001},"batch_size":32,"steps":10000000,"record_every":10000,"record_params":false}
        """
    }

    /// Warm-up (100 steps from 1 % of the rate) then cosine decay: the schedule of examples/warmup-cosine.json on a smaller run.
    static let warmup = """
        {"name":"warm-up","tags":["it","schedule"],"seed":3,"objective":{"type":"mlp","hidden":[8],"activation":"tanh"},
         "dataset":{"type":"synthetic","generator":"two_moons","samples":100,"noise":0.1},
         "optimizer":{"type":"adam","lr":0.01},
         "schedule":{"type":"linear_warmup","warmup_steps":100,"start_factor":0.01,"then":{"type":"cosine","t_max":100,"eta_min":0.0001}},
         "batch_size":32,"steps":200,"record_params":false}
        """
}

extension String {
    /// The UTF-8 bytes.
    var data: Data { Data(utf8) }
}

/// Runs `descent run` on `spec` as a child process and returns its trajectory.
func referenceTrajectory(_ spec: String) throws -> Trajectory {
    let folder = try temporaryFolder("descent-ref")
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("spec.json")
    try spec.data.write(to: file)
    let output = folder.appendingPathComponent("out.json")
    let process = Process()
    process.executableURL = try descentBinary()
    process.arguments = ["run", file.path, "--format", "json", "--output", output.path]
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw HarnessError(description: "descent run exited \(process.terminationStatus)") }
    struct Document: Decodable { var trajectory: Trajectory }
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
    return try decoder.decode(Document.self, from: Data(contentsOf: output)).trajectory
}

/// Submits `spec`, waits for it to succeed and checks its served trajectory is bit-identical to `descent run`'s;
/// returns the finished experiment and its trajectory (every column).
func runServedAndCompared(_ client: Client, _ spec: String) async throws -> (Client.Experiment, Client.TrajectoryData) {
    let submitted = try await client.submit(json: spec.data)
    let done = try await client.wait(id: submitted.id, timeout: .seconds(60))
    #expect(done.status == .succeeded)
    let served = try await client.trajectory(id: submitted.id, allColumns)
    #expect(bitIdentical(served, try referenceTrajectory(spec)))
    return (done, served)
}

/// An experiment run twice through the service, once with an opt-in analysis record and once without.
struct AnalysedPair {
    var analysedID: String
    var plainID: String
    /// Loss, gradient norm and parameters of each run.
    var analysed: Client.TrajectoryData
    var plain: Client.TrajectoryData
    /// Whether the recorded columns of the two runs are bit-identical (the record must not change the run).
    var sameRun: Bool {
        analysed.loss == plain.loss && analysed.gradNorm == plain.gradNorm && analysed.params == plain.params
            && analysed.step == plain.step && analysed.epochs == plain.epochs
    }
}

/// Submits `analysedSpec` and `plainSpec`, waits for both to finish and fetches their trajectories.
func runAnalysedPair(_ client: Client, analysed analysedSpec: String, plain plainSpec: String) async throws -> AnalysedPair {
    let analysed = try await client.submit(json: analysedSpec.data)
    let plain = try await client.submit(json: plainSpec.data)
    _ = try await client.wait(id: analysed.id, timeout: .seconds(120))
    _ = try await client.wait(id: plain.id, timeout: .seconds(120))
    let fields = Client.TrajectoryQuery(fields: ["loss", "grad_norm", "params"])
    return AnalysedPair(analysedID: analysed.id, plainID: plain.id,
                        analysed: try await client.trajectory(id: analysed.id, fields),
                        plain: try await client.trajectory(id: plain.id, fields))
}

/// Every trajectory column the server has.
let allColumns = Client.TrajectoryQuery(fields: ["loss", "lr", "grad_norm", "params", "epoch"])

/// Whether the server's columns equal the reference bit for bit (Double bit patterns, not `==`).
func bitIdentical(_ served: Client.TrajectoryData, _ reference: Trajectory) -> Bool {
    func bits(_ xs: [Double]?) -> [UInt64] { (xs ?? []).map(\.bitPattern) }
    return served.step ?? [] == reference.step
        && served.epoch ?? [] == reference.epoch
        && bits(served.lr) == reference.lr.map(\.bitPattern)
        && bits(served.loss) == reference.loss.map(\.bitPattern)
        && bits(served.gradNorm) == reference.gradNorm.map(\.bitPattern)
        && bits(served.params?.flatMap { $0 }) == reference.params.map(\.bitPattern)
}

/// Top-level suite: the scenarios each start a server and use both cores, so they run one at a time.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct Integration {}
