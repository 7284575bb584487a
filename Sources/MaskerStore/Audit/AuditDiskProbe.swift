import Foundation
import MaskerCore

extension AuditLog {
    /// After a failed append that did not poison the log (a full disk: the partial record was cut
    /// off again), whether the log's directory now takes a synced 4 KiB write. A real write to the
    /// same file system, beside the log rather than in it, so the chain is untouched; when it
    /// works the failure is cleared, and the next turn's append will say whether the log agrees.
    /// Returns the failure that remains, or nil.
    public func probeAfterFailure() -> OperationHealth.Failure? {
        guard let failure = health.failures.first(where: { $0.operation == .write }) else { return nil }
        guard poisoned == nil else { return failure }
        let probe = (path as NSString).deletingLastPathComponent + "/.masker-health-probe"
        let descriptor = Foundation.open(probe, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return failure }
        defer {
            close(descriptor)
            unlink(probe)
        }
        let block = [UInt8](repeating: 0, count: 4096)
        let written = block.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
        guard written == block.count, fdatasync(descriptor) == 0 else { return failure }
        health.succeeded(.write)
        return nil
    }
}
