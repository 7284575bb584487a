import AsyncHTTPClient

/// The one HTTP client the server calls models (and an LLM `gemma` back end) with.
enum UpstreamClient {
    /// async-http-client keeps at most 8 HTTP/1.1 connections per host by default and queues
    /// every other request until one of them is free. A proxy sits in front of one upstream host
    /// for all of its callers and holds a connection for the whole of a model's answer (seconds,
    /// when streamed), so that default let 8 calls talk while every other caller waited in line:
    /// behind a model that answers in 25 ms, 100 callers got 300 turns/s and 230 ms of queueing
    /// (docs/performance.md). The pool is therefore as wide as `MASKER_UPSTREAM_MAX_CONNECTIONS`.
    static func make(_ configuration: ServerConfiguration) -> HTTPClient {
        var client = HTTPClient.Configuration()
        client.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = configuration.upstreamMaxConnections
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: client)
    }
}
