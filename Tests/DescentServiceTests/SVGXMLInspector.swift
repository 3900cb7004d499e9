import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Parses an SVG document with `XMLParser` and records its elements, attributes and text, so tests
/// can check well-formedness and content without string matching on markup.
final class SVGXMLInspector: NSObject, XMLParserDelegate {
    struct Element { var name: String; var attributes: [String: String]; var text: String }
    private(set) var elements: [Element] = []
    private var open: [Int] = []
    private(set) var parseError: String?

    /// Parses `svg`; `isWellFormed` is false when the parser reported an error.
    init(_ svg: String) {
        super.init()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = self
        if !parser.parse() { parseError = parser.parserError.map { "\($0)" } ?? "unknown parse error" }
    }

    var isWellFormed: Bool { parseError == nil && !elements.isEmpty }

    func count(_ name: String) -> Int { elements.filter { $0.name == name }.count }

    func elements(_ name: String, class cls: String) -> [Element] {
        elements.filter { $0.name == name && ($0.attributes["class"] ?? "").split(separator: " ").contains(Substring(cls)) }
    }

    func texts(class cls: String) -> [String] { elements("text", class: cls).map(\.text) }

    /// Number of points in path data (one per M or L command).
    static func points(_ d: String) -> Int { d.filter { $0 == "M" || $0 == "L" }.count }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        open.append(elements.count)
        elements.append(Element(name: name, attributes: attributes, text: ""))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if let i = open.last { elements[i].text += string }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        _ = open.popLast()
    }
}
