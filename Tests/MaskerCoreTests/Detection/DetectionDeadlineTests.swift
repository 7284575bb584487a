import Dispatch
@testable import MaskerCore
import Testing

struct DetectionDeadlineTests {
    static let text = "MRN-1234567 and ssn 219-45-6789; " + String(repeating: "aaaa bbbb ", count: 3_000)

    static var policyWithPatterns: Policy {
        var policy = Policy.healthcareDefault
        policy.entities[.mrn]?.patterns = ["MRN-\\d{7}", "(a|b|c|d)+x"]
        return policy
    }

    /// A deadline that has passed stops the passes with the pass named, instead of returning a
    /// turn half-scanned.
    @Test func aPassedDeadlineStopsThePassesWithThePassNamed() {
        let passed = DetectionDeadline(timeout: .zero, textBytes: 0, now: 0)
        #expect(passed.hasPassed)
        #expect(throws: DetectionTimedOut.self) {
            try DetectionPipeline(policy: Self.policyWithPatterns).detect(Self.text, deadline: passed)
        }
    }

    /// Under a deadline it meets, detection finds exactly what it finds without one.
    @Test func aDeadlineThatIsMetChangesNothing() throws {
        let pipeline = DetectionPipeline(policy: Self.policyWithPatterns)
        let bounded = try pipeline.detect(Self.text, deadline: DetectionDeadline(timeout: .seconds(60), textBytes: Self.text.utf8.count))
        let unbounded = pipeline.detect(Self.text)
        #expect(bounded == unbounded)
        #expect(bounded.contains { $0.kind == .mrn } && bounded.contains { $0.kind == .ssn })
    }

    /// A policy pattern's scan looks at the deadline as it goes (every 1,024 positions), not only
    /// before it starts: one long scan cannot run far past it.
    @Test func aPatternScanStopsPartWayWhenTheDeadlinePasses() throws {
        let matcher = PatternMatcher(try PatternProgram.compile("(a|b|c|d)+x"))
        let scalars = Array(Self.text.unicodeScalars)
        let passed = DetectionDeadline(timeout: .zero, textBytes: 0, now: 0)
        let run = matcher.run(scalars, budget: matcher.budget(for: scalars.count), deadline: passed)
        #expect(run.timedOut)
        #expect(run.states < matcher.run(scalars, budget: matcher.budget(for: scalars.count)).states)
    }

    /// The budget is the timeout plus 1 ms per KiB of text.
    @Test func theBudgetGrowsWithTheText() {
        #expect(DetectionDeadline(timeout: .milliseconds(200), textBytes: 100).budget == .milliseconds(200))
        #expect(DetectionDeadline(timeout: .milliseconds(200), textBytes: 4 * 1024 * 1024).budget == .milliseconds(4296))
        let now = DispatchTime.now().uptimeNanoseconds
        #expect(!DetectionDeadline(timeout: .seconds(5), textBytes: 0, now: now).hasPassed)
    }
}
