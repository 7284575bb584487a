import AsyncHTTPClient
import Foundation
import MaskerCore
import NIOCore

/// What the hosted recognisers share: the audio as a WAV file, an HTTP request with a deadline, and
/// a provider's error turned into its own message, never the key. Hand-written requests over
/// AsyncHTTPClient (in the stack): neither provider has a Swift SDK among the listed packages.
/// A hosted provider's settings from the environment: its key, base URL, model and how long it
/// may take to accept a connection.
struct HostedSettings: Sendable {
    let key: String
    let base: String
    let model: String
    let connectTimeout: TimeAmount

    init(key keyVariable: String, base baseVariable: String, defaultBase: String, model modelVariable: String, defaultModel: String,
         environment: [String: String]) throws(RecognitionError) {
        key = try HostedRecognition.key(keyVariable, environment)
        base = HostedRecognition.base(baseVariable, defaultBase, environment)
        model = environment[modelVariable].flatMap { $0.isEmpty ? nil : $0 } ?? defaultModel
        connectTimeout = HostedRecognition.connectTimeout(environment)
    }
}

enum HostedRecognition {
    static let timeout: TimeAmount = .seconds(300)

    /// The key from `variable`, or the error that says to set it.
    static func key(_ variable: String, _ environment: [String: String]) throws(RecognitionError) -> String {
        guard let key = environment[variable], !key.isEmpty else { throw .missingKey(variable: variable) }
        return key
    }

    /// The base URL: `variable` when set (a proxy, a regional endpoint, a test's fake), else `fallback`.
    static func base(_ variable: String, _ fallback: String, _ environment: [String: String]) -> String {
        let value = environment[variable].flatMap { $0.isEmpty ? nil : $0 } ?? fallback
        return value.hasSuffix("/") ? String(value.dropLast()) : value
    }

    static func wav(_ audio: MonoAudio) -> Data {
        WAVAudio(sampleRate: MonoAudio.sampleRate, channels: 1, samples: audio.samples).wavData
    }

    /// How long a provider may take to accept a connection (`MASKER_ASR_CONNECT_TIMEOUT_MS`,
    /// default 10 s).
    static func connectTimeout(_ environment: [String: String]) -> TimeAmount {
        .milliseconds(Int64(environment["MASKER_ASR_CONNECT_TIMEOUT_MS"].flatMap(Int64.init) ?? 10_000))
    }

    /// Sends the request and returns the parsed JSON of a 2xx answer; anything else is the
    /// provider's failure, with its own message (from `message(in:)`) and status.
    ///
    /// A provider that is down is found first with a short probe (a HEAD of `base`, any answer
    /// will do): AsyncHTTPClient's pool retries a refused connection until the request's deadline,
    /// which for a long recording's transcription is minutes.
    static func send(_ request: HTTPClientRequest, settings: HostedSettings, provider: String,
                     message: (JSONValue) -> String?) async throws(RecognitionError) -> JSONValue {
        let base = settings.base
        var probe = HTTPClientRequest(url: base)
        probe.method = .HEAD
        do {
            _ = try await HTTPClient.shared.execute(probe, timeout: settings.connectTimeout)
        } catch {
            throw .providerFailed(provider: provider, message: "could not be reached at \(base) (\(String(describing: type(of: error)))); check the network, or its base URL")
        }
        let response: HTTPClientResponse
        let body: ByteBuffer
        do {
            response = try await HTTPClient.shared.execute(request, timeout: timeout)
            body = try await response.body.collect(upTo: 64 * 1024 * 1024)
        } catch {
            throw .providerFailed(provider: provider, message: "could not be reached (\(String(describing: type(of: error)))); check the network, or its base URL")
        }
        let json = (try? JSONParser.parse(Array(body.readableBytesView))) ?? .null
        guard (200..<300).contains(response.status.code) else {
            let said = message(json).map { ": \($0)" } ?? ""
            throw .providerFailed(provider: provider, message: "answered HTTP \(response.status.code)\(said)")
        }
        return json
    }
}
