import Foundation

/// The service's one JSON configuration: snake_case keys, sorted for stable output, and
/// non-finite numbers as the strings "NaN", "Infinity", "-Infinity".
public enum JSONCoding {
    /// Encodes to bytes.
    public static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        [UInt8](try encoder.encode(value))
    }

    /// Encodes to a string.
    public static func string<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Decodes from a string. Keys are taken as they are (specs are snake_case already);
    /// `snakeCase` maps snake_case keys onto camelCase properties (for our own records).
    public static func decode<T: Decodable>(_ type: T.Type, _ text: String, snakeCase: Bool = false) throws -> T {
        try decoder(snakeCase).decode(type, from: Data(text.utf8))
    }

    /// Decodes from bytes (see `decode(_:_:snakeCase:)`).
    public static func decode<T: Decodable>(_ type: T.Type, bytes: [UInt8], snakeCase: Bool = false) throws -> T {
        try decoder(snakeCase).decode(type, from: Data(bytes))
    }

    private static var encoder: JSONEncoder {
        let e = JSONEncoder()
        e.keyEncodingStrategy = .convertToSnakeCase
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return e
    }

    private static func decoder(_ snakeCase: Bool) -> JSONDecoder {
        let d = JSONDecoder()
        if snakeCase { d.keyDecodingStrategy = .convertFromSnakeCase }
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return d
    }
}
