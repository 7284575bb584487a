import Foundation
import MaskerCore

extension AuditLog {
    /// After a failed append that did not poison the log (a full disk: the partial record was cut
    /// off again), whether the log's file now has room (`hasRoomToAppend`: a real allocation on
    /// the log's own file, which leaves the chain as it is). When it has, the failure is cleared,
    /// and the next turn's append says whether the log agrees. Returns the failure that remains.
    public func probeAfterFailure() -> OperationHealth.Failure? {
        guard let failure = health.failures.first(where: { $0.operation == .write }) else { return nil }
        guard poisoned == nil, hasRoomToAppend() else { return failure }
        health.succeeded(.write)
        return nil
    }
}
