import AsyncHTTPClient
import Foundation
import MaskerCore
import NIOCore

/// `--asr-provider openai`: OpenAI's transcription API. `POST {base}/audio/transcriptions` as
/// `multipart/form-data` (`file`, `model`, `response_format=verbose_json`,
/// `timestamp_granularities[]=word`) with `Authorization: Bearer {OPENAI_API_KEY}`; the words come
/// back in `words[]` with `start` and `end`. `OPENAI_BASE_URL` overrides
/// `https://api.openai.com/v1`; `MASKER_OPENAI_TRANSCRIBE_MODEL` the model (default `whisper-1`,
/// the one that gives word timings).
public struct OpenAIRecognizer: SpeechRecognizer {
    public let name = "openai"
    let settings: HostedSettings

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) throws(RecognitionError) {
        settings = try HostedSettings(key: "OPENAI_API_KEY", base: "OPENAI_BASE_URL", defaultBase: "https://api.openai.com/v1",
                                      model: "MASKER_OPENAI_TRANSCRIBE_MODEL", defaultModel: "whisper-1", environment: environment)
    }

    public func recognize(_ audio: MonoAudio) async throws(RecognitionError) -> [RecognizedWord] {
        let boundary = "masker-" + UUID().uuidString
        var body = Data()
        func field(_ name: String, _ value: String) {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8))
        }
        field("model", settings.model)
        field("response_format", "verbose_json")
        field("timestamp_granularities[]", "word")
        body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"audio.wav\"\r\nContent-Type: audio/wav\r\n\r\n".utf8))
        body.append(HostedRecognition.wav(audio))
        body.append(Data("\r\n--\(boundary)--\r\n".utf8))
        var request = HTTPClientRequest(url: "\(settings.base)/audio/transcriptions")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(settings.key)")
        request.headers.add(name: "Content-Type", value: "multipart/form-data; boundary=\(boundary)")
        request.body = .bytes(ByteBuffer(bytes: body))
        let answer = try await HostedRecognition.send(request, settings: settings, provider: name) { json in
            json["error"]?["message"]?.stringValue ?? json["error"]?.stringValue
        }
        guard case let .array(words)? = answer["words"] else {
            throw .providerFailed(provider: name, message: "answered without word timings (words[]); use a model that gives them (whisper-1)")
        }
        return words.compactMap { word in
            guard let text = word["word"]?.stringValue, let start = word["start"]?.doubleValue,
                  let end = word["end"]?.doubleValue else { return nil }
            // Whisper writes words with punctuation and capitals: the transcript is read as speech.
            let plain = text.lowercased().trimmingCharacters(in: .punctuationCharacters.union(.whitespaces))
            return plain.isEmpty ? nil : RecognizedWord(text: plain, start: start, end: end)
        }
    }
}
