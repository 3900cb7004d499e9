import Foundation

/// JSON decoding of responses with the service's conventions (snake_case, non-finite numbers as strings).
enum ResponseDecoding {
    /// Decodes `type` from `data`, mapping failures to `ClientError.decoding`.
    static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws(ClientError) -> T {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        do { return try decoder.decode(type, from: data) } catch {
            let preview = String(decoding: data.prefix(200), as: UTF8.self)
            throw .decoding("\(T.self): \(error) in \(preview)")
        }
    }

    /// The `ClientError` for a non-2xx response, with the server's `{"error":…}` decoded when present.
    static func httpError(status: Int, headers: [String: String], body: [UInt8]) -> ClientError {
        struct Envelope: Decodable { var error: Client.APIError }
        let apiError = try? JSONDecoder().decode(Envelope.self, from: Data(body)).error
        let retryAfter = headers["retry-after"].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        return .http(status: status, error: apiError, retryAfter: retryAfter, body: String(decoding: body.prefix(500), as: UTF8.self))
    }
}
