import AsyncHTTPClient
import Foundation
import MaskerCore
import NIOCore

/// `--asr-provider deepgram`: Deepgram's pre-recorded transcription API. `POST {base}/v1/listen`
/// with the audio as `audio/wav` and `Authorization: Token {DEEPGRAM_API_KEY}`; the words come back
/// in `results.channels[0].alternatives[0].words[]` with `start`, `end` and `confidence`.
/// `DEEPGRAM_BASE_URL` overrides `https://api.deepgram.com`; `MASKER_DEEPGRAM_MODEL` the model
/// (default `nova-2`).
public struct DeepgramRecognizer: SpeechRecognizer {
    public let name = "deepgram"
    let settings: HostedSettings

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) throws(RecognitionError) {
        settings = try HostedSettings(key: "DEEPGRAM_API_KEY", base: "DEEPGRAM_BASE_URL", defaultBase: "https://api.deepgram.com",
                                      model: "MASKER_DEEPGRAM_MODEL", defaultModel: "nova-2", environment: environment)
    }

    public func recognize(_ audio: MonoAudio) async throws(RecognitionError) -> [RecognizedWord] {
        var request = HTTPClientRequest(url: "\(settings.base)/v1/listen?model=\(settings.model)&punctuate=false")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Token \(settings.key)")
        request.headers.add(name: "Content-Type", value: "audio/wav")
        request.body = .bytes(ByteBuffer(bytes: HostedRecognition.wav(audio)))
        let answer = try await HostedRecognition.send(request, settings: settings, provider: name) { json in
            json["err_msg"]?.stringValue ?? json["error"]?.stringValue ?? json["message"]?.stringValue
        }
        guard case let .array(channels)? = answer["results"]?["channels"], let first = channels.first,
              case let .array(alternatives)? = first["alternatives"], let best = alternatives.first else {
            throw .providerFailed(provider: name, message: "answered without results.channels[0].alternatives[0]")
        }
        guard case let .array(words)? = best["words"] else { return [] }
        return words.compactMap { word in
            guard let text = word["word"]?.stringValue, let start = word["start"]?.doubleValue,
                  let end = word["end"]?.doubleValue else { return nil }
            return RecognizedWord(text: text.lowercased(), start: start, end: end, confidence: word["confidence"]?.doubleValue)
        }
    }
}
