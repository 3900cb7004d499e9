import Foundation
import Synchronization

/// A flag set from any thread and polled by a transfer's callbacks.
final class CancellationFlag: Sendable {
    private let state = Mutex(false)
    /// Requests the transfer to stop.
    func cancel() { state.withLock { $0 = true } }
    /// Whether a stop was requested.
    var isCancelled: Bool { state.withLock { $0 } }
}

/// Runs one SSE transfer on a dedicated thread with its own easy handle, yielding parsed events.
enum EventStreamReader {
    /// Starts the transfer; the stream finishes after `end`, on error, or when the consumer stops iterating.
    static func start(_ request: Client.HTTPRequest) -> AsyncThrowingStream<Client.ExperimentEvent, any Error> {
        let (stream, continuation) = AsyncThrowingStream<Client.ExperimentEvent, any Error>.makeStream()
        let flag = CancellationFlag()
        continuation.onTermination = { _ in flag.cancel() }
        let thread = Thread {
            run(request, continuation: continuation, flag: flag)
        }
        thread.name = "descent-sse"
        thread.start()
        return stream
    }

    private static func run(_ request: Client.HTTPRequest,
                            continuation: AsyncThrowingStream<Client.ExperimentEvent, any Error>.Continuation,
                            flag: CancellationFlag) {
        let easy: CurlEasy
        do { easy = try CurlEasy() } catch { continuation.finish(throwing: error); return }
        var parser = ServerSentEventParser()
        var errorBody: [UInt8] = []
        var sawEnd = false
        let result = easy.perform(request, onChunk: { status, bytes in
            guard status == 200 else { errorBody.append(contentsOf: bytes); return true }
            for event in parser.feed(bytes) {
                do {
                    let parsed = try decode(event)
                    continuation.yield(parsed)
                    if case .end = parsed { sawEnd = true; return false }
                } catch {
                    continuation.finish(throwing: error); return false
                }
            }
            return !flag.isCancelled
        }, shouldAbort: { flag.isCancelled })
        switch result {
        case .success(let response) where response.status != 200:
            continuation.finish(throwing: ResponseDecoding.httpError(status: response.status, headers: response.headers, body: errorBody))
        case .failure(let error) where !sawEnd && !flag.isCancelled:
            continuation.finish(throwing: error)
        default:
            continuation.finish()
        }
    }

    private struct ProgressData: Decodable { var stepsDone: Int; var step: Int?; var loss: Double? }
    private struct StatusData: Decodable { var status: Client.ExperimentStatus }

    /// Maps one SSE event to a `Client.ExperimentEvent`.
    static func decode(_ event: ServerSentEvent) throws(ClientError) -> Client.ExperimentEvent {
        let data = Data(event.data.utf8)
        switch event.event {
        case "progress":
            let p = try ResponseDecoding.decode(ProgressData.self, from: data)
            return .progress(stepsDone: p.stepsDone, step: p.step ?? p.stepsDone, loss: p.loss ?? .nan)
        case "status": return .status(try ResponseDecoding.decode(StatusData.self, from: data).status)
        case "end": return .end(try ResponseDecoding.decode(Client.Experiment.self, from: data))
        default: return .other(event)
        }
    }
}
