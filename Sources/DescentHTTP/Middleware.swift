import Synchronization

/// Passes `X-Request-Id` through (or generates one) and echoes it on the response.
public struct RequestIDMiddleware: HTTPSynchronousMiddleware {
    /// Creates the middleware.
    public init() {}
    public func handle(_ request: HTTPRequest, next: HTTPHandler) async throws -> HTTPResponse {
        var request = request
        request.requestID = Self.requestID(for: request)
        var response = try await next(request)
        response.headers["X-Request-Id"] = request.requestID
        return response
    }

    public func handleSynchronously(_ request: HTTPRequest, next: HTTPSynchronousHandler) throws -> HTTPResponse {
        var request = request
        request.requestID = Self.requestID(for: request)
        var response = try next(request)
        response.headers["X-Request-Id"] = request.requestID
        return response
    }

    /// The request's own `X-Request-Id` when it is usable (1–200 bytes), else a fresh id.
    public static func requestID(for request: HTTPRequest) -> String {
        if let given = request.headers["X-Request-Id"], !given.isEmpty, given.utf8.count <= 200 { return given }
        return RequestIDGenerator.next()
    }
}

/// Fresh request ids in the shape of a lowercase random UUID (8-4-4-4-12 hex digits, version 4).
///
/// Foundation's `UUID()` opens and reads /dev/urandom on every call (four system calls per request); an
/// id only needs to be unique, so it is derived from a counter instead: the SplitMix64 finaliser (Steele,
/// Lea & Flood 2014) of (seed ⊕ counter) is a bijection, so its 64 bits never repeat within a process
/// (60 of them appear in the id, beside the version and variant bits), and the random seed makes the ids
/// of different processes differ.
public enum RequestIDGenerator {
    private static let counter = Atomic<UInt64>(0)
    private static let seed: (UInt64, UInt64) = {
        var g = SystemRandomNumberGenerator()
        return (g.next(), g.next())
    }()

    /// The next id, e.g. "3f9c0a1b-2c3d-4e5f-8a7b-6c5d4e3f2a1b".
    public static func next() -> String {
        let n = counter.wrappingAdd(1, ordering: .relaxed).newValue
        let high = mix(seed.0 ^ n)
        let low = mix(seed.1 &+ high)
        // Version 4 in the 13th hex digit and variant 10 in the 17th, as RFC 9562 §5.4 lays out.
        let first = (high & 0xFFFF_FFFF_FFFF_0000) | 0x4000 | ((high >> 4) & 0x0FFF)
        let second = (low & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        var out = [UInt8]()
        out.reserveCapacity(36)
        for (k, word) in [first, second].enumerated() {
            for d in 0..<16 {
                let position = k * 16 + d
                if position == 8 || position == 12 || position == 16 || position == 20 { out.append(UInt8(ascii: "-")) }
                let nibble = UInt8((word >> UInt64(60 - 4 * d)) & 0xF)
                out.append(nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
