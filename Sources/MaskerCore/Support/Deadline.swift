import Synchronization

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

/// Like `withDeadline`, but the caller gets `timeoutError()` at `limit` even when `body` ignores
/// cancellation: `body` is cancelled and left to finish on its own, its result dropped. For calls
/// into a client that may not notice cancellation while it waits on a socket (a PostgreSQL query
/// to a server that stopped answering): a caller must get its 503 on time whatever the driver does.
/// A task group cannot do this, as it waits for every child before it returns.
public func withAbandoningDeadline<T: Sendable>(_ limit: Duration, timeoutError: @escaping @Sendable () -> any Error,
                                                _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    let race = DeadlineRace<T>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
            race.start(continuation, body: body, limit: limit, timeoutError: timeoutError)
        }
    } onCancel: {
        race.finish(.failure(CancellationError()))
    }
}

/// The continuation of one `withAbandoningDeadline` call, resumed once by whichever of the body,
/// the timer or the caller's cancellation comes first; the other two are cancelled.
private final class DeadlineRace<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var tasks: [Task<Void, Never>] = []
        var outcome: Result<T, any Error>?
    }

    private let state = Mutex(State())

    func start(_ continuation: CheckedContinuation<T, any Error>, body: @escaping @Sendable () async throws -> T, limit: Duration,
               timeoutError: @escaping @Sendable () -> any Error) {
        // Cancelled before it started: answer at once.
        if let early = state.withLock({ state -> Result<T, any Error>? in
            if state.outcome == nil { state.continuation = continuation }
            return state.outcome
        }) {
            continuation.resume(with: early)
            return
        }
        let work = Task {
            do { finish(.success(try await body())) } catch { finish(.failure(error)) }
        }
        let timer = Task {
            guard (try? await Task.sleep(for: limit)) != nil else { return }
            finish(.failure(timeoutError()))
        }
        let finished = state.withLock { state -> Bool in
            state.tasks = [work, timer]
            return state.continuation == nil
        }
        if finished { work.cancel(); timer.cancel() }
    }

    func finish(_ result: Result<T, any Error>) {
        let (continuation, tasks) = state.withLock { state -> (CheckedContinuation<T, any Error>?, [Task<Void, Never>]) in
            guard state.outcome == nil else { return (nil, []) }
            state.outcome = result
            defer { state.continuation = nil }
            return (state.continuation, state.tasks)
        }
        for task in tasks { task.cancel() }
        continuation?.resume(with: result)
    }
}
