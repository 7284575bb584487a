/// A parsed pattern compiled to the instructions of a Thompson NFA, run by `PatternMatcher` (Pike's
/// VM, as in RE2 and Go's regexp: every state of the automaton advanced in lock-step over the text,
/// so time is the text's length times the program's, never exponential).
///
/// Counted repeats are written out (`\d{7}` is seven digit steps), so the program's size is bounded
/// (`maxInstructions`): that bound, with the text's length, bounds a match's time.
struct PatternProgram: Sendable {
    enum Instruction: Sendable, Equatable {
        case literal(Unicode.Scalar)
        case set(PatternSet)
        /// Any scalar but a line break (ICU's `.` without DOTALL).
        case any
        /// Go on at both; the first is preferred (greedy) or the second (lazy), as ordered.
        case split(Int, Int)
        case jump(Int)
        case assertStart, assertEnd, assertWordBoundary, assertNotWordBoundary
        case match
    }

    static let maxInstructions = 20_000
    static let maxRepeat = 1_000

    let instructions: [Instruction]

    static func compile(_ pattern: String) throws(PatternSyntaxError) -> PatternProgram {
        let tree = try PatternParser.parse(pattern)
        var builder = Builder()
        try builder.emit(tree)
        builder.append(.match)
        return PatternProgram(instructions: builder.instructions)
    }

    private struct Builder {
        var instructions: [Instruction] = []

        @discardableResult
        mutating func append(_ instruction: Instruction) -> Int {
            instructions.append(instruction)
            return instructions.count - 1
        }

        mutating func emit(_ node: PatternNode) throws(PatternSyntaxError) {
            guard instructions.count <= PatternProgram.maxInstructions else {
                throw PatternSyntaxError(description: "is too large once its repeats are counted out (over \(PatternProgram.maxInstructions) steps); "
                                             + "use smaller counts")
            }
            switch node {
            case .empty: break
            case let .literal(scalar): append(.literal(scalar))
            case let .set(set): append(.set(set))
            case .any: append(.any)
            case .start: append(.assertStart)
            case .end: append(.assertEnd)
            case .wordBoundary: append(.assertWordBoundary)
            case .notWordBoundary: append(.assertNotWordBoundary)
            case let .sequence(items):
                for item in items { try emit(item) }
            case let .alternation(branches):
                // split L1, next; L1: branch 0; jump end; next: split L2, next2 …
                var jumps: [Int] = []
                for (index, branch) in branches.enumerated() {
                    if index < branches.count - 1 {
                        let split = append(.split(0, 0))
                        try emit(branch)
                        jumps.append(append(.jump(0)))
                        instructions[split] = .split(split + 1, instructions.count)
                    } else {
                        try emit(branch)
                    }
                }
                for jump in jumps { instructions[jump] = .jump(instructions.count) }
            case let .repeated(inner, min, max, lazy):
                for _ in 0..<min { try emit(inner) }
                if let max {
                    // Up to (max - min) optional copies: split over each, all to the end.
                    var splits: [Int] = []
                    for _ in 0..<(max - min) {
                        splits.append(append(.split(0, 0)))
                        try emit(inner)
                    }
                    for split in splits { instructions[split] = ordered(split + 1, instructions.count, lazy: lazy) }
                } else {
                    // L: split body, end; body; jump L. An inner that can match nothing would loop
                    // without consuming: the VM adds each state once per position, so it cannot.
                    let split = append(.split(0, 0))
                    try emit(inner)
                    append(.jump(split))
                    instructions[split] = ordered(split + 1, instructions.count, lazy: lazy)
                }
            }
        }

        func ordered(_ body: Int, _ exit: Int, lazy: Bool) -> Instruction {
            lazy ? .split(exit, body) : .split(body, exit)
        }
    }
}
