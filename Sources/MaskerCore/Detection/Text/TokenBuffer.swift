/// Tokens written straight into an array's uninitialised storage: the tokenizer's output, and
/// the normaliser's passes, which never make more tokens than they read.
///
/// Why not `Array.append`: it was not inlined into those loops, and cost the tokenizer 6 % of the
/// regex pass (`perf`) and the number-word pass a quarter of its time, in calls, uniqueness checks
/// and copies of each 88-byte token.
struct TokenBuffer {
    private let storage: UnsafeMutableBufferPointer<Token>
    private(set) var count = 0

    init(_ storage: UnsafeMutableBufferPointer<Token>) { self.storage = storage }

    /// An array of at most `capacity` tokens, written by `body`. A pass that reads n tokens
    /// and writes at most n asks for n, and uses `write`, which checks that promise.
    static func array(capacity: Int, _ body: (inout TokenBuffer) -> Void) -> [Token] {
        [Token](unsafeUninitializedCapacity: capacity) { buffer, initialized in
            var output = TokenBuffer(buffer)
            body(&output)
            initialized = output.count
        }
    }

    /// False, storing nothing, when the buffer is full.
    @inline(__always) mutating func append(_ token: Token) -> Bool {
        guard count < storage.count else { return false }
        (storage.baseAddress.unsafelyUnwrapped + count).initialize(to: token)
        count += 1
        return true
    }

    /// For a pass that never writes more tokens than it read: a full buffer is a bug in the pass.
    @inline(__always) mutating func write(_ token: Token) {
        precondition(append(token), "a normaliser pass wrote more tokens than it read")
    }

    @inline(__always) mutating func write(contentsOf tokens: ArraySlice<Token>) {
        precondition(count + tokens.count <= storage.count, "a normaliser pass wrote more tokens than it read")
        tokens.withUnsafeBufferPointer { source in
            guard let base = source.baseAddress else { return }
            (storage.baseAddress.unsafelyUnwrapped + count).initialize(from: base, count: source.count)
        }
        count += tokens.count
    }

    var last: Token? { count > 0 ? storage[count - 1] : nil }
}
