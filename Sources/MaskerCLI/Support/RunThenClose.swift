/// Runs `body`, then `close`, whether `body` returned or threw.
///
/// Swift's `defer` cannot `await`, so each command that opens a vault, a server database or an
/// HTTP client and must release it on every path would otherwise repeat the same do/catch.
func runThenClose<T>(_ body: () async throws -> T, close: () async -> Void) async rethrows -> T {
    do {
        let result = try await body()
        await close()
        return result
    } catch {
        await close()
        throw error
    }
}
