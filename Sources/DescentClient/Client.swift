import Foundation

/// A typed client for the Descent HTTP API over libcurl.
///
/// The types the API sends and takes are nested here (`Client.Experiment`, `Client.ExperimentStatus`,
/// `Client.TrajectoryQuery`, `Client.HTTPResponse`, …): they are the client's view of the wire format, and
/// DescentCore, DescentHTTP and DescentService define types of the same names that mean other things.
///
/// A final class whose one easy handle is owned by a private serial queue (`SerialTransport`):
/// calls from many tasks are sent one after another over one keep-alive connection. Use one
/// client per concurrent stream of requests. Event streams use their own handle on a dedicated thread.
public final class Client: Sendable {
    /// Base URL, e.g. `http://127.0.0.1:8080`, without a trailing slash.
    public let baseURL: String
    /// Bearer token sent as `Authorization`, if the server needs one.
    public let authToken: String?
    /// Per-request timeout in milliseconds (default 30 s).
    public let timeoutMilliseconds: Int
    let transport: SerialTransport

    /// Creates a client for the server at `baseURL`.
    ///
    /// - Parameters:
    ///   - baseURL: `http://host:port` (a trailing `/` is dropped).
    ///   - authToken: bearer token, when the server was started with `--auth-token`.
    ///   - timeoutMilliseconds: whole-request timeout, default 30 000 ms.
    public init(baseURL: String, authToken: String? = nil, timeoutMilliseconds: Int = 30_000) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.authToken = authToken
        self.timeoutMilliseconds = timeoutMilliseconds
        transport = SerialTransport(label: "descent-client \(base)")
    }

    // MARK: raw access

    /// Sends any request and returns the response whatever its status (no error mapping).
    ///
    /// - Parameters:
    ///   - method: `GET`, `POST` or `DELETE`.
    ///   - path: path and query, starting with `/`.
    ///   - body: request body; POSTs without one send an empty body.
    ///   - headers: extra header lines (`Name: value`).
    public func send(_ method: String, _ path: String, body: Data? = nil, headers: [String] = []) async throws(ClientError) -> HTTPResponse {
        try await transport.send(request(method, path, body: body, headers: headers))
    }

    func request(_ method: String, _ path: String, body: Data? = nil, headers: [String] = [], timeout: Int? = nil) -> HTTPRequest {
        var lines = headers
        if let authToken { lines.append("Authorization: Bearer \(authToken)") }
        if body != nil && !lines.contains(where: { $0.lowercased().hasPrefix("content-type:") }) {
            lines.append("Content-Type: application/json")
        }
        return HTTPRequest(method: method, url: baseURL + path, headers: lines, body: body.map { [UInt8]($0) },
                           timeoutMilliseconds: timeout ?? timeoutMilliseconds)
    }

    /// Sends a request and returns the response if its status is 2xx, else throws `ClientError.http` with the decoded error.
    public func checked(_ method: String, _ path: String, body: Data? = nil, headers: [String] = []) async throws(ClientError) -> HTTPResponse {
        let response = try await send(method, path, body: body, headers: headers)
        guard (200..<300).contains(response.status) else {
            throw ResponseDecoding.httpError(status: response.status, headers: response.headers, body: response.body)
        }
        return response
    }

    /// Sends a request and decodes a 2xx JSON body as `T`.
    func call<T: Decodable>(_ type: T.Type, _ method: String, _ path: String, body: Data? = nil, headers: [String] = []) async throws(ClientError) -> T {
        let response = try await checked(method, path, body: body, headers: headers)
        return try ResponseDecoding.decode(type, from: Data(response.body))
    }

    /// JSON-encodes a request body.
    static func encode(_ value: some Encodable) throws(ClientError) -> Data {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        do { return try encoder.encode(value) } catch { throw .invalidArgument("cannot encode body: \(error)") }
    }

    /// `path?name=value&…` with the non-nil items percent-encoded.
    static func path(_ path: String, _ items: [(String, String?)]) -> String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~,"))
        let query = items.compactMap { name, value in
            value.map { "\(name)=\($0.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0)" }
        }
        return query.isEmpty ? path : path + "?" + query.joined(separator: "&")
    }

    /// Percent-encodes one path segment (an id or preset name).
    static func segment(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
    }
}
