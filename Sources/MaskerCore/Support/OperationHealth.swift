import Foundation
import Synchronization

/// What the last real operation of a component (a vault, a database, the audit log) did: `/health`
/// reports a component as down when its last write, read or connection failed, whatever a probe
/// says, because a probe that reads can succeed while every turn's write fails (a full disk).
///
/// Each operation class is tracked apart: a successful read does not clear a failed write. A
/// success of a class clears that class and `connection` (the component was reached). Reasons are
/// the store's own messages: paths, SQLite and PostgreSQL error texts, never values.
public final class OperationHealth: Sendable {
    public enum Operation: String, Sendable, CaseIterable {
        case connection, read, write
    }

    public struct Failure: Sendable, Equatable {
        public var operation: Operation
        public var at: Date
        public var reason: String
    }

    private let state = Mutex<[Operation: Failure]>([:])
    /// Read before the lock: the common case (nothing failed) costs one atomic load per operation.
    private let anyFailure = Atomic<Bool>(false)

    public init() {}

    public func succeeded(_ operation: Operation) {
        guard anyFailure.load(ordering: .relaxed) else { return }
        state.withLock { failures in
            failures[operation] = nil
            failures[.connection] = nil
            anyFailure.store(!failures.isEmpty, ordering: .relaxed)
        }
    }

    public func failed(_ operation: Operation, reason: String, at date: Date = Date()) {
        state.withLock { failures in
            failures[operation] = Failure(operation: operation, at: date, reason: reason)
            anyFailure.store(true, ordering: .relaxed)
        }
    }

    /// The failures not yet followed by a success of their class, oldest first.
    public var failures: [Failure] {
        guard anyFailure.load(ordering: .relaxed) else { return [] }
        return state.withLock { Array($0.values) }.sorted { $0.at < $1.at }
    }
}
