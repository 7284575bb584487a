/// Runs `body`, cancelling it and throwing `timeoutError()` when it takes longer than `limit`.
/// Shared by the LLM detection back end's backstop and the PostgreSQL connection probe: a slow peer must be a
/// clear error, never a request or command that hangs.
public func withDeadline<T: Sendable>(_ limit: Duration, timeoutError: @escaping @Sendable () -> any Error,
                                      _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw timeoutError()
        }
        defer { group.cancelAll() }
        guard let first = try await group.next() else { throw timeoutError() }
        return first
    }
}
