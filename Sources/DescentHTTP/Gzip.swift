import CZlib

/// gzip (RFC 1952) compression of a response body, whole or as it streams, with zlib's deflate.
///
/// Level 1 (zlib's fastest): JSON and CSV of numbers shrink 3–4× already, and a streamed export must not be
/// held back by its compressor.
public final class GzipEncoder {
    private var stream = z_stream()
    private var finished = false

    /// A new compressor; nil if zlib cannot allocate one.
    public init?(level: Int32 = 1) {
        let status = deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, zlibVersion(),
                                   Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { return nil }
    }

    deinit { deflateEnd(&stream) }

    /// Compresses `input`, returning whatever compressed bytes are ready (possibly none).
    public func compress(_ input: [UInt8]) -> [UInt8] { run(input, flush: Z_NO_FLUSH) }

    /// Compresses `input` and ends the stream (gzip trailer included); later calls return nothing.
    public func finish(_ input: [UInt8] = []) -> [UInt8] {
        guard !finished else { return [] }
        finished = true
        return run(input, flush: Z_FINISH)
    }

    private func run(_ input: [UInt8], flush: Int32) -> [UInt8] {
        guard !finished || flush == Z_FINISH else { return [] }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: max(16_384, input.count / 2))
        input.withUnsafeBufferPointer { inp in
            stream.next_in = UnsafeMutablePointer(mutating: inp.baseAddress)
            stream.avail_in = UInt32(inp.count)
            repeat {
                chunk.withUnsafeMutableBufferPointer { buf in
                    stream.next_out = buf.baseAddress
                    stream.avail_out = UInt32(buf.count)
                    _ = deflate(&stream, flush)
                    out.append(contentsOf: buf[0..<(buf.count - Int(stream.avail_out))])
                }
            } while stream.avail_out == 0 || (flush == Z_FINISH && stream.avail_in > 0)
        }
        stream.next_in = nil
        return out
    }

    /// `bytes` compressed as one gzip member.
    public static func compress(_ bytes: [UInt8]) -> [UInt8]? { GzipEncoder()?.finish(bytes) }
}

extension HTTPRequest {
    /// Whether the client accepts `gzip` content coding (RFC 9110 §12.5.3: `gzip`, `x-gzip` or `*`, with a
    /// q-value above 0).
    public var acceptsGzip: Bool {
        for value in headers.values("Accept-Encoding") {
            for item in value.split(separator: ",") {
                let parts = item.split(separator: ";").map { $0.trimmingASCIIWhitespace() }
                guard let coding = parts.first, coding.caseInsensitiveEquals("gzip") || coding.caseInsensitiveEquals("x-gzip") || coding == "*"
                else { continue }
                let q = parts.dropFirst().first { $0.lowercased().hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
                if q > 0 { return true }
            }
        }
        return false
    }
}

extension HTTPResponse {
    /// This response gzip-compressed when `request` accepts it and the body is a fixed one of at least
    /// `minimumBytes`; streamed bodies are left as they are (compress them in the producer).
    public func compressed(for request: HTTPRequest, minimumBytes: Int = 1024) -> HTTPResponse {
        guard request.acceptsGzip, case .bytes(let body) = body, body.count >= minimumBytes,
              headers["Content-Encoding"] == nil, let gz = GzipEncoder.compress(body) else { return self }
        var r = self
        r.body = .bytes(gz)
        r.headers["Content-Encoding"] = "gzip"
        r.headers.add("Vary", "Accept-Encoding")
        return r
    }
}
