import Foundation

extension Client {
    /// Sends a request and hands its body to `consume` piece by piece as it arrives, without collecting it,
    /// so a million-row export costs no more memory than one piece.
    ///
    /// A non-2xx status throws `ClientError.http` with the decoded error body. `consume` runs on the
    /// transport's thread, one call after another; returning false ends the transfer early, which is not
    /// an error. There is no whole-request timeout (a long body may take minutes); connecting still gives
    /// up after 5 s.
    public func stream(_ method: String, _ path: String, headers: [String] = [],
                       consume: @escaping @Sendable (UnsafeRawBufferPointer) -> Bool) async throws(ClientError) {
        let state = StreamState()
        let result = await transport.stream(request(method, path, headers: headers, timeout: 0)) { status, bytes in
            state.take(status: status, bytes, consume)
        }
        switch result {
        case .success(let response):
            guard (200..<300).contains(response.status) else {
                throw ResponseDecoding.httpError(status: response.status, headers: response.headers, body: state.errorBody)
            }
        case .failure(let error):
            // CURLE_WRITE_ERROR after the consumer said stop: the transfer ended as asked.
            if state.stopped && error.curlCode == 23 { return }
            throw error
        }
    }

    /// Streams the trajectory as CSV (`Accept: text/csv`: `step,epoch,lr,loss,grad_norm,p0,p1,…`) to `consume`.
    public func streamTrajectoryCSV(id: String, _ query: TrajectoryQuery = TrajectoryQuery(),
                                    consume: @escaping @Sendable (UnsafeRawBufferPointer) -> Bool) async throws(ClientError) {
        try await stream("GET", Self.trajectoryPath(id: id, query), headers: ["Accept: text/csv"], consume: consume)
    }
}

/// What one streamed transfer has seen: whether the consumer stopped it, and an error status's body.
///
/// `@unchecked Sendable`: written only from libcurl's callbacks on the transport's queue, and read after
/// the transfer has finished on that queue (the continuation's resume orders the two).
private final class StreamState: @unchecked Sendable {
    /// Most bytes of an error body kept (an error body is one small JSON object).
    static let errorBodyLimit = 64 << 10
    private(set) var stopped = false
    private(set) var errorBody: [UInt8] = []

    /// Passes a 2xx body on to `consume`; keeps the start of any other.
    func take(status: Int, _ bytes: UnsafeRawBufferPointer, _ consume: (UnsafeRawBufferPointer) -> Bool) -> Bool {
        guard (200..<300).contains(status) else {
            errorBody.append(contentsOf: bytes.prefix(max(0, Self.errorBodyLimit - errorBody.count)))
            return true
        }
        if !consume(bytes) { stopped = true }
        return !stopped
    }
}
