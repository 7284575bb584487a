import Dispatch

/// How long a turn's local detection passes may run (`MASKER_DETECTION_TIMEOUT_MS`, which also
/// bounds the wait for an LLM back end, separately): past it the turn is refused, never forwarded
/// half-scanned. Any account's agent may carry its own policy, so a turn's cost is partly in that
/// account's hands (its `patterns:`); the deadline keeps it from holding a thread that other
/// accounts' turns need.
///
/// The budget grows with the text: the timeout plus 1 ms per KiB. The passes scan about 10 KiB a
/// millisecond on this machine's release build (`masker detect` on 700 KB of MTS-Dialog: 0.07 s),
/// so the allowance is about ten times what a large legitimate body (4 MiB: 4.3 s) needs, while a
/// short turn keeps the timeout alone.
public struct DetectionDeadline: Sendable {
    /// `DispatchTime` uptime, in nanoseconds, at which the passes must stop.
    let limit: UInt64
    public let budget: Duration

    public init(timeout: Duration, textBytes: Int, now: UInt64 = DispatchTime.now().uptimeNanoseconds) {
        budget = timeout + .milliseconds(textBytes / 1024)
        let (seconds, attoseconds) = budget.components
        limit = now &+ UInt64(max(0, seconds)) &* 1_000_000_000 &+ UInt64(max(0, attoseconds) / 1_000_000_000)
    }

    /// Reads the clock (about 25 ns): checked between recognizers and every 1,024 positions of a
    /// policy pattern's scan, never per character.
    public var hasPassed: Bool { DispatchTime.now().uptimeNanoseconds >= limit }
}

/// The local passes did not finish within the turn's `DetectionDeadline`: the turn is refused.
public struct DetectionTimedOut: Error, Sendable, Equatable, CustomStringConvertible {
    /// The pass that was running (the policy's own `patterns:` run in `regex`).
    public var pass: DetectionPassName
    public var budget: Duration

    public init(pass: DetectionPassName, budget: Duration) {
        self.pass = pass
        self.budget = budget
    }

    /// For the audit event and the log: names the pass and the budget, never text.
    public var description: String {
        "the \(pass.rawValue) pass did not finish within \(Int(budget.milliseconds)) ms (MASKER_DETECTION_TIMEOUT_MS plus 1 ms per KiB)"
    }
}
