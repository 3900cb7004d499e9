import CCurl

/// Process-wide libcurl initialisation, done once before the first easy handle is created.
enum CurlGlobal {
    /// The result of the single `curl_global_init` call; Swift runs a global's initialiser exactly once, thread-safely.
    private static let initResult: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))

    /// Runs `curl_global_init` the first time it is called; returns whether it succeeded.
    static func ensureInitialised() -> Bool { initResult == CURLE_OK }

    /// libcurl's text for `code`.
    static func describe(_ code: CURLcode) -> String {
        guard let text = curl_easy_strerror(code) else { return "curl error \(code.rawValue)" }
        return String(cString: text)
    }
}
