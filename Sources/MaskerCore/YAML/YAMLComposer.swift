import CYaml

/// Why a document could not be read as YAML at all.
public struct YAMLSyntaxError: Error, Sendable, Equatable {
    public var message: String
    public var location: SourcePosition
}

/// Builds `YAMLNode` trees from libyaml's event stream.
///
/// Written by hand instead of using `Yams.compose` because Yams throws at the first duplicate key
/// (we must report duplicates together with every other problem) and keeps no location for mapping
/// keys. libyaml itself still does all the scanning and parsing; it ships inside Yams as the `CYaml`
/// module. The composer is iterative-safe by construction: libyaml refuses nesting deeper than
/// 1,000 levels, and alias expansion is bounded by `maxNodes` so an alias bomb cannot exhaust memory.
public enum YAMLComposer {
    /// More nodes than any policy needs by orders of magnitude, few enough to walk in microseconds.
    public static let maxNodes = 200_000

    /// Parses a single-document YAML text. Returns nil for an empty document.
    public static func compose(_ text: String) throws(YAMLSyntaxError) -> YAMLNode? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            throw YAMLSyntaxError(message: "could not start the YAML parser (out of memory)", location: .start)
        }
        defer { yaml_parser_delete(&parser) }
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { buffer throws(YAMLSyntaxError) -> YAMLNode? in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var state = State()
            return try state.run(&parser)
        }
    }

    private struct Frame {
        enum Kind { case sequence, mapping }
        var kind: Kind
        var anchor: String?
        var location: SourcePosition
        var items: [YAMLNode] = []
        var pendingKey: YAMLNode?
        var pairs: [(key: YAMLNode, value: YAMLNode)] = []
        var size = 1
    }

    private struct State {
        var stack: [Frame] = []
        var anchors: [String: (node: YAMLNode, size: Int)] = [:]
        var root: YAMLNode?
        var documents = 0
        var totalNodes = 0

        mutating func run(_ parser: inout yaml_parser_t) throws(YAMLSyntaxError) -> YAMLNode? {
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    throw Self.syntaxError(parser)
                }
                defer { yaml_event_delete(&event) }
                let location = SourcePosition(line: Int(event.start_mark.line) + 1,
                                              column: Int(event.start_mark.column) + 1)
                switch event.type {
                case YAML_STREAM_END_EVENT:
                    return root
                case YAML_DOCUMENT_START_EVENT:
                    documents += 1
                    if documents > 1 {
                        throw YAMLSyntaxError(message: "the file holds more than one YAML document (a second '---')",
                                              location: location)
                    }
                case YAML_SCALAR_EVENT:
                    let scalar = event.data.scalar
                    let text = Self.string(scalar.value, length: scalar.length)
                    let style: YAMLNode.ScalarStyle
                    switch scalar.style {
                    case YAML_SINGLE_QUOTED_SCALAR_STYLE, YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = .quoted
                    case YAML_LITERAL_SCALAR_STYLE, YAML_FOLDED_SCALAR_STYLE: style = .block
                    default: style = .plain
                    }
                    let tag = scalar.tag.map { Self.cString($0) }
                    let node = YAMLNode(.scalar(text, style, explicitTag: tag), at: location)
                    try add(node, size: 1, newNodes: 1, anchor: scalar.anchor.map { Self.cString($0) }, at: location)
                case YAML_ALIAS_EVENT:
                    let name = Self.cString(event.data.alias.anchor)
                    guard let target = anchors[name] else {
                        throw YAMLSyntaxError(message: "alias *\(name) refers to no anchor defined before it",
                                              location: location)
                    }
                    var node = target.node
                    node.location = location
                    // An alias repeats its whole subtree: that is what an alias bomb multiplies.
                    try add(node, size: target.size, newNodes: target.size, anchor: nil, at: location)
                case YAML_SEQUENCE_START_EVENT:
                    stack.append(Frame(kind: .sequence,
                                       anchor: event.data.sequence_start.anchor.map { Self.cString($0) },
                                       location: location))
                case YAML_MAPPING_START_EVENT:
                    stack.append(Frame(kind: .mapping,
                                       anchor: event.data.mapping_start.anchor.map { Self.cString($0) },
                                       location: location))
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    let frame = stack.removeLast()
                    let node = frame.kind == .sequence
                        ? YAMLNode(.sequence(frame.items), at: frame.location)
                        : YAMLNode(.mapping(frame.pairs), at: frame.location)
                    // Children were counted as they arrived; only the container itself is new.
                    try add(node, size: frame.size, newNodes: 1, anchor: frame.anchor, at: frame.location)
                default:
                    break // stream start, document end: nothing to build
                }
            }
        }

        private mutating func add(_ node: YAMLNode, size: Int, newNodes: Int, anchor: String?,
                                  at location: SourcePosition) throws(YAMLSyntaxError) {
            totalNodes += newNodes
            if totalNodes > YAMLComposer.maxNodes {
                throw YAMLSyntaxError(
                    message: "the document expands to more than \(YAMLComposer.maxNodes) nodes (aliases repeated too often?)",
                    location: location)
            }
            if let anchor { anchors[anchor] = (node, size) }
            guard !stack.isEmpty else {
                root = node
                return
            }
            stack[stack.count - 1].size += size
            switch stack[stack.count - 1].kind {
            case .sequence:
                stack[stack.count - 1].items.append(node)
            case .mapping:
                if let key = stack[stack.count - 1].pendingKey {
                    stack[stack.count - 1].pairs.append((key, node))
                    stack[stack.count - 1].pendingKey = nil
                } else {
                    stack[stack.count - 1].pendingKey = node
                }
            }
        }

        static func syntaxError(_ parser: yaml_parser_t) -> YAMLSyntaxError {
            let problem = parser.problem.map { String(cString: $0) } ?? "malformed YAML"
            let context = parser.context.map { String(cString: $0) }
            let mark = parser.problem_mark
            var message = problem
            if let context { message = "\(problem) (\(context))" }
            if parser.error == YAML_READER_ERROR {
                // Reader errors carry a byte offset, not a line; point at the file start.
                return YAMLSyntaxError(message: message, location: .start)
            }
            return YAMLSyntaxError(message: message,
                                   location: SourcePosition(line: Int(mark.line) + 1, column: Int(mark.column) + 1))
        }

        static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?, length: Int) -> String {
            guard let pointer else { return "" }
            return String(decoding: UnsafeBufferPointer(start: pointer, count: length), as: UTF8.self)
        }

        static func cString(_ pointer: UnsafeMutablePointer<yaml_char_t>) -> String {
            String(cString: pointer)
        }
    }
}
