import MaskerCore
import Testing

struct YAMLComposerTests {
    @Test func duplicateKeysAreKeptWithTheirLocations() throws {
        let node = try #require(try YAMLComposer.compose("a: 1\nb: 2\na: 3\n"))
        guard case let .mapping(pairs) = node.value else { Issue.record("not a mapping"); return }
        #expect(pairs.map { $0.key.scalarText } == ["a", "b", "a"])
        #expect(pairs.map { $0.key.location } == [SourcePosition(line: 1, column: 1), SourcePosition(line: 2, column: 1), SourcePosition(line: 3, column: 1)])
        #expect(pairs[2].value.location == SourcePosition(line: 3, column: 4))
    }

    @Test func quotedScalarsAreMarked() throws {
        let node = try #require(try YAMLComposer.compose("a: \"true\"\nb: true\nc: |\n  text\n"))
        guard case let .mapping(pairs) = node.value else { Issue.record("not a mapping"); return }
        guard case let .scalar(_, quoted, _) = pairs[0].value.value, case let .scalar(_, plain, _) = pairs[1].value.value,
              case let .scalar(text, block, _) = pairs[2].value.value else { Issue.record("not scalars"); return }
        #expect(quoted == .quoted && plain == .plain && block == .block && text == "text\n")
    }

    @Test func aliasesExpandToTheirAnchor() throws {
        let node = try #require(try YAMLComposer.compose("base: &b {x: 1}\ncopy: *b\n"))
        guard case let .mapping(pairs) = node.value, case let .mapping(inner) = pairs[1].value.value else {
            Issue.record("alias not expanded"); return
        }
        #expect(inner.first?.key.scalarText == "x")
    }

    @Test func anAliasBombIsRefusedNotExpanded() {
        var yaml = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        var previous = "a"
        for level in 1...8 {
            let name = "l\(level)"
            yaml += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ", ") + "]\n"
            previous = name
        }
        #expect(throws: YAMLSyntaxError.self) { try YAMLComposer.compose(yaml) }
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: YAMLSyntaxError.self) { try YAMLComposer.compose(deep) }
    }

    @Test func syntaxErrorsCarryTheirLocation() {
        do {
            _ = try YAMLComposer.compose("a: 1\nb: [1, 2\nc: 3\n")
            Issue.record("expected a syntax error")
        } catch {
            #expect(error.location.line >= 2)
            #expect(!error.message.isEmpty)
        }
    }

    @Test func undefinedAliasesAndSecondDocumentsAreErrors() {
        #expect(throws: YAMLSyntaxError.self) { try YAMLComposer.compose("a: *nothing\n") }
        #expect(throws: YAMLSyntaxError.self) { try YAMLComposer.compose("a: 1\n---\nb: 2\n") }
    }

    @Test func anEmptyDocumentIsNil() throws {
        #expect(try YAMLComposer.compose("") == nil)
        #expect(try YAMLComposer.compose("# comment only\n") == nil)
    }
}
