/// Runs a `PatternProgram` over a text with Pike's VM: the program's threads advance together, one
/// scalar at a time, each state held at most once per position, so a match costs at most the
/// text's length times the program's size whatever the pattern (`(a*)*b` included). Matches are
/// leftmost-first, as a backtracking engine would report them (ICU, PCRE): of the matches starting
/// at the leftmost position, the one the pattern's preferences reach first (greedy longest, lazy
/// shortest, earlier alternatives first). Case-insensitive, as policy patterns always are.
///
/// Hand-written because no package in the stack offers a regular-expression engine with a time
/// bound: Swift's `Regex` and NSRegularExpression both backtrack.
struct PatternMatcher: Sendable {
    let program: PatternProgram

    init(_ program: PatternProgram) { self.program = program }

    private struct Thread {
        var pc: Int
        var start: Int
    }

    /// Every non-overlapping match, as Unicode-scalar offsets.
    ///
    /// One search is linear; finding every match restarts the search after each one, and a
    /// pattern whose preferred branch runs on long past a shorter match it then settles for
    /// (`a*b|a` over a long run of a's) would repeat that run at every match: quadratic. So the
    /// whole call has a budget, `budgetPerState` visits per state of the text, which no pattern
    /// that matches identifiers comes near; past it, the matches found so far are returned. Only
    /// the policy's own pattern loses matches that way, never another account's turn its time.
    func matches(in scalars: [Unicode.Scalar]) -> [(start: Int, end: Int)] {
        run(scalars, budget: budget(for: scalars.count)).matches
    }

    func budget(for count: Int) -> Int { Self.budgetPerState * (count + 1) * program.instructions.count }

    static let budgetPerState = 16

    /// The matches, how many states were visited (at most (text length + 1) × program size per
    /// search, which the tests check rather than a time), whether the budget ran out, and whether
    /// `deadline` passed (looked at every 1,024 positions; the matches are then incomplete).
    func run(_ scalars: [Unicode.Scalar], budget: Int = .max,
             deadline: DetectionDeadline? = nil) -> (matches: [(start: Int, end: Int)], states: Int, exhausted: Bool, timedOut: Bool) {
        var states = 0
        var timedOut = false
        var steps = 0
        let instructions = program.instructions
        var marks = [Int](repeating: -1, count: instructions.count)
        var current: [Thread] = [], next: [Thread] = []
        var stack: [Thread] = []
        var found: [(start: Int, end: Int)] = []
        var searchFrom = 0
        // Follows jumps, splits and assertions from `thread` at `position`, adding the threads
        // that wait on a scalar (or match) to `list`, in priority order, each state once.
        func add(_ thread: Thread, at position: Int, to list: inout [Thread], generation: Int) {
            stack.append(thread)
            while let top = stack.popLast() {
                guard marks[top.pc] != generation else { continue }
                marks[top.pc] = generation
                states += 1
                switch instructions[top.pc] {
                case let .jump(target):
                    stack.append(Thread(pc: target, start: top.start))
                case let .split(first, second):
                    // The preferred branch is explored first: pushed last.
                    stack.append(Thread(pc: second, start: top.start))
                    stack.append(Thread(pc: first, start: top.start))
                case .assertStart:
                    if position == 0 { stack.append(Thread(pc: top.pc + 1, start: top.start)) }
                case .assertEnd:
                    if position == scalars.count { stack.append(Thread(pc: top.pc + 1, start: top.start)) }
                case .assertWordBoundary, .assertNotWordBoundary:
                    let before = position > 0 && PatternCase.isWord(scalars[position - 1])
                    let after = position < scalars.count && PatternCase.isWord(scalars[position])
                    let boundary = before != after
                    if boundary == (instructions[top.pc] == .assertWordBoundary) { stack.append(Thread(pc: top.pc + 1, start: top.start)) }
                default:
                    list.append(top)
                }
            }
        }
        var searches = 0
        while searchFrom <= scalars.count, states <= budget {
            // Each position of each search fills one list: its generation marks the states already
            // in it, shared by the threads that step onto it and a match that starts at it.
            let base = searches * (scalars.count + 2) + 1
            searches += 1
            var matched: (start: Int, end: Int)?
            current.removeAll(keepingCapacity: true)
            var position = searchFrom
            while states <= budget {
                steps &+= 1
                if steps & 1023 == 0, let deadline, deadline.hasPassed {
                    timedOut = true
                    break
                }
                // No match yet: one may start here, at lower priority than the threads running.
                if matched == nil, position <= scalars.count {
                    add(Thread(pc: 0, start: position), at: position, to: &current, generation: base + position)
                }
                if current.isEmpty {
                    // Nothing running: done once a match is found or the text is over; otherwise a
                    // match may still start further on.
                    if matched != nil || position >= scalars.count { break }
                    position += 1
                    continue
                }
                next.removeAll(keepingCapacity: true)
                let nextGeneration = base + position + 1
                for thread in current {
                    let instruction = instructions[thread.pc]
                    if case .match = instruction {
                        // The best match so far; the threads after it have lower priority: cut.
                        matched = (thread.start, position)
                        break
                    }
                    guard position < scalars.count else { continue }
                    let scalar = scalars[position]
                    let advances: Bool
                    switch instruction {
                    case let .literal(expected): advances = PatternCase.equal(scalar, expected, caseInsensitive: true)
                    case let .set(set): advances = set.contains(scalar, caseInsensitive: true)
                    case .any: advances = scalar != "\n" && scalar != "\r"
                    default: advances = false
                    }
                    if advances { add(Thread(pc: thread.pc + 1, start: thread.start), at: position + 1, to: &next, generation: nextGeneration) }
                }
                swap(&current, &next)
                position += 1
            }
            guard !timedOut, let match = matched else { break }
            found.append(match)
            searchFrom = match.end > match.start ? match.end : match.end + 1
        }
        return (found, states, states > budget, timedOut)
    }
}
