import Dispatch

/// Sends requests over one reused easy handle, owned by a private serial queue.
///
/// `@unchecked Sendable`: the only mutable state, `easy`, is read and written on `queue` alone.
final class SerialTransport: @unchecked Sendable {
    private let queue: DispatchQueue
    private var easy: CurlEasy?

    /// Creates a transport; the easy handle is made on first use.
    init(label: String) {
        queue = DispatchQueue(label: label)
    }

    /// Performs `request` on the queue and resumes with its response.
    func send(_ request: Client.HTTPRequest) async throws(ClientError) -> Client.HTTPResponse {
        let result: Result<Client.HTTPResponse, ClientError> = await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(returning: self.performOnQueue(request))
            }
        }
        return try result.get()
    }

    /// Performs `request` on the queue, handing the body to `onChunk` as it arrives (see `CurlEasy.perform`).
    func stream(_ request: Client.HTTPRequest,
                onChunk: @escaping @Sendable (Int, UnsafeRawBufferPointer) -> Bool) async -> Result<Client.HTTPResponse, ClientError> {
        await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(returning: self.performOnQueue(request, onChunk: onChunk))
            }
        }
    }

    private func performOnQueue(_ request: Client.HTTPRequest,
                                onChunk: ((Int, UnsafeRawBufferPointer) -> Bool)? = nil) -> Result<Client.HTTPResponse, ClientError> {
        if easy == nil {
            do { easy = try CurlEasy() } catch { return .failure(error) }
        }
        guard let easy else { return .failure(.transport(code: -1, message: "no curl handle")) }
        return easy.perform(request, onChunk: onChunk)
    }
}
