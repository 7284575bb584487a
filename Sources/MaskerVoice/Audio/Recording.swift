import Foundation

/// A recording as `masker-voice replay` and `POST /api/v1/transcripts` take it: readable audio,
/// with samples in it, no longer than the caller allows. Each problem says what is wrong and how
/// to fix it, so the CLI and the API refuse the same files with the same words.
public enum Recording {
    public enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        case empty
        case unreadable(WAVAudio.ReadError)
        case noAudio
        case tooLong(seconds: Double, limit: Double)

        public var description: String {
            switch self {
            case .empty: return "the recording is empty (0 bytes); send a WAV recording"
            case let .unreadable(error): return error.description
            case .noAudio: return "the recording holds no audio (its data chunk is empty)"
            case let .tooLong(seconds, limit):
                return "the recording lasts \(Recording.clock(seconds)); recordings up to \(Recording.clock(limit)) are taken: split it (sox IN.wav OUT.wav trim 0 \(Int(limit)) : newfile : restart)"
            }
        }
    }

    /// The audio of `data`, converted first when it is another format `sox` reads (`AudioConverter`).
    /// Parsing and converting a long recording is CPU and a subprocess: on a thread of its own.
    public static func read(_ data: Data, maxSeconds: Double) async throws(Problem) -> WAVAudio {
        try await DedicatedThread.run { () throws(Problem) in try readNow(data, maxSeconds: maxSeconds) }
    }

    static func readNow(_ data: Data, maxSeconds: Double) throws(Problem) -> WAVAudio {
        guard !data.isEmpty else { throw .empty }
        let audio: WAVAudio
        do {
            audio = try WAVAudio(data: data)
        } catch {
            guard let converted = AudioConverter.toWAV(data) else { throw .unreadable(error) }
            do { audio = try WAVAudio(data: converted) } catch { throw .unreadable(error) }
        }
        guard audio.samples.count >= audio.channels else { throw .noAudio }
        guard audio.duration <= maxSeconds else { throw .tooLong(seconds: audio.duration, limit: maxSeconds) }
        return audio
    }

    /// `m:ss.d`, or `h:mm:ss` from an hour.
    public static func clock(_ seconds: Double) -> String {
        if seconds >= 3600 {
            let whole = Int(seconds)
            return String(format: "%d:%02d:%02d", whole / 3600, whole / 60 % 60, whole % 60)
        }
        let minutes = Int(seconds) / 60
        return String(format: "%d:%04.1f", minutes, seconds - Double(minutes * 60))
    }
}
