import Foundation

/// Plain-text tables and numbers for the commands' human output.
enum TextTable {
    /// Rows under a header, each column as wide as its widest cell plus two spaces (the last one unpadded).
    static func render(header: [String], rows: [[String]]) -> String {
        let all = [header] + rows
        let columns = all.map(\.count).max() ?? 0
        let widths = (0..<columns).map { c in all.map { c < $0.count ? $0[c].count : 0 }.max() ?? 0 }
        return all.map { cells in
            cells.enumerated().map { c, cell in
                c == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[c] - cell.count + 2)
            }.joined()
        }.joined(separator: "\n")
    }

    /// A number in at most six significant digits ("24.2", "1.23457e-05"); non-finite ones as Swift spells them.
    static func number(_ x: Double) -> String {
        x.isFinite ? String(format: "%.6g", x) : String(x)
    }
}
