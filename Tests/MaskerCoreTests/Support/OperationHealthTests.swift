import Foundation
import MaskerCore
import Testing

struct OperationHealthTests {
    /// A read that works says nothing of writes: a full disk fails every write while reads go on.
    @Test func eachClassIsClearedOnlyByItsOwnSuccess() {
        let health = OperationHealth()
        #expect(health.failures.isEmpty)
        health.failed(.write, reason: "database or disk is full")
        health.succeeded(.read)
        #expect(health.failures.map(\.operation) == [.write])
        #expect(health.failures.first?.reason == "database or disk is full")
        health.succeeded(.write)
        #expect(health.failures.isEmpty)
    }

    /// Any operation that reached the store clears a connection failure; a connection failure is
    /// not cleared by nothing happening.
    @Test func anyOperationThatWorksClearsAConnectionFailure() {
        let health = OperationHealth()
        health.failed(.connection, reason: "no answer within 2000 ms", at: Date(timeIntervalSince1970: 10))
        health.failed(.write, reason: "disk full", at: Date(timeIntervalSince1970: 20))
        #expect(health.failures.map(\.operation) == [.connection, .write]) // oldest first
        health.succeeded(.read)
        #expect(health.failures.map(\.operation) == [.write])
    }
}
