#if canImport(Glibc)
import Glibc
#endif

/// Writes to standard output with write(2), so a closed pipe (`descent trajectory ID | head`) shows up
/// as a false return instead of a crash.
enum StandardOutput {
    /// Writes all of `bytes`; false when standard output is closed or failing.
    static func write(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < bytes.count {
            guard let base = bytes.baseAddress else { return true }
            let n = Glibc.write(STDOUT_FILENO, base + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += n
        }
        return true
    }

    /// Writes the UTF-8 bytes of `text`.
    static func write(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { write(UnsafeRawBufferPointer($0)) }
    }

    /// Whether standard output is a terminal (then commands print for people, else JSON).
    static var isTerminal: Bool { isatty(STDOUT_FILENO) == 1 }
}

/// Turns CSV arriving in pieces into aligned columns as it comes, one output write per piece.
///
/// Columns are 14 characters wide (a longer cell gets one space after it); numbers are shortened to
/// six significant digits. Used by one streamed transfer at a time, on its thread.
final class CSVColumns: @unchecked Sendable {
    private var partial: [UInt8] = []
    /// Whether every write so far succeeded.
    private(set) var open = true

    /// Formats the complete lines of `bytes` (keeping a trailing partial line for later) and writes them.
    func take(_ bytes: UnsafeRawBufferPointer) -> Bool {
        partial.append(contentsOf: bytes)
        guard let lastNewline = partial.lastIndex(of: UInt8(ascii: "\n")) else { return true }
        let lines = partial[..<lastNewline].split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        var out = ""
        for line in lines { out += Self.format(line) + "\n" }
        partial.removeSubrange(...lastNewline)
        open = open && StandardOutput.write(out)
        return open
    }

    /// Writes a last line that had no newline.
    func finish() {
        if !partial.isEmpty, open { open = StandardOutput.write(Self.format(partial[...]) + "\n") }
        partial = []
    }

    private static func format(_ line: ArraySlice<UInt8>) -> String {
        let cells = line.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false).map { field in
            var cell = String(decoding: field, as: UTF8.self)
            if cell.hasSuffix("\r") { cell.removeLast() }
            // Integers (step, epoch) stay as they are; other numbers are shortened.
            if cell.contains(where: { !$0.isNumber && $0 != "-" }), let x = Double(cell) { cell = TextTable.number(x) }
            return cell
        }
        return cells.enumerated().map { c, cell in
            c == cells.count - 1 ? cell : cell.count >= 14 ? cell + " " : cell + String(repeating: " ", count: 14 - cell.count)
        }.joined()
    }
}
