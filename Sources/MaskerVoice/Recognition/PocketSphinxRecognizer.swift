import CPocketSphinx
import Foundation
import Synchronization

/// The local recogniser (`--asr-provider local`, the default): Debian's PocketSphinx with its US
/// English wideband model (`pocketsphinx-en-us`), in process, no network. Word timings come from
/// the decoder's segmentation (10 ms frames).
///
/// A recording is cut at its pauses (`SpeechSegments`) and each piece decoded as one utterance:
/// PocketSphinx decodes an utterance in one search, which grows with its length, and a pause is
/// where a turn may change speaker anyway.
///
/// The model follows flite's `slt`, `awb` and `rms` voices at 16 kHz nearly word for word;
/// telephone audio (8 kHz, upsampled) is far harder (docs/voice.md has the figures). One decoder,
/// used by one recording at a time (PocketSphinx is not thread-safe).
public final class PocketSphinxRecognizer: SpeechRecognizer, @unchecked Sendable {
    public let name = "local"
    private let decoder: OpaquePointer
    private let lock = Mutex(())

    /// `MASKER_POCKETSPHINX_MODEL`, else Debian's install location.
    public static func modelDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        environment["MASKER_POCKETSPHINX_MODEL"].flatMap { $0.isEmpty ? nil : $0 } ?? "/usr/share/pocketsphinx/model/en-us"
    }

    public init(modelDirectory: String = PocketSphinxRecognizer.modelDirectory()) throws(RecognitionError) {
        let files = ["-hmm": modelDirectory + "/en-us", "-lm": modelDirectory + "/en-us.lm.bin",
                     "-dict": modelDirectory + "/cmudict-en-us.dict"]
        for (_, path) in files where !FileManager.default.fileExists(atPath: path) {
            throw .modelUnavailable("\(path) is missing; install Debian's pocketsphinx-en-us (scripts/setup.sh does), or set MASKER_POCKETSPHINX_MODEL")
        }
        // Its log goes nowhere: it would print file paths and scores to stderr for every utterance.
        err_set_logfp(nil)
        let arguments = ["masker-voice", "-hmm", files["-hmm"]!, "-lm", files["-lm"]!, "-dict", files["-dict"]!,
                         "-samprate", "16000", "-logfn", "/dev/null", "-bestpath", "yes"]
        // cmd_ln_init is variadic (Swift cannot call it); cmd_ln_parse_r takes argv.
        var argv = arguments.map { strdup($0) }
        defer { argv.forEach { free($0) } }
        guard let config = argv.withUnsafeMutableBufferPointer({ cmd_ln_parse_r(nil, ps_args(), Int32(arguments.count), $0.baseAddress, 0) }),
              let decoder = ps_init(config) else {
            throw .modelUnavailable("PocketSphinx rejected the model in \(modelDirectory)")
        }
        cmd_ln_free_r(config) // the decoder holds its own reference
        self.decoder = decoder
    }

    deinit { ps_free(decoder) }

    /// Decoding is seconds of CPU a minute of audio: it runs on a thread of its own
    /// (`DedicatedThread`), one recording at a time per decoder.
    public func recognize(_ audio: MonoAudio) async throws(RecognitionError) -> [RecognizedWord] {
        await DedicatedThread.run { [self] in
            let pieces = SpeechSegments.find(in: audio)
            return lock.withLock { _ in
                pieces.flatMap { piece in decode(audio.samples[piece], offset: Double(piece.lowerBound) / Double(MonoAudio.sampleRate)) }
            }
        }
    }

    /// One utterance: its words with their times, fillers and silences left out.
    private func decode(_ samples: ArraySlice<Int16>, offset: Double) -> [RecognizedWord] {
        guard ps_start_utt(decoder) >= 0 else { return [] }
        _ = samples.withUnsafeBufferPointer { ps_process_raw(decoder, $0.baseAddress, $0.count, 0, 1) }
        ps_end_utt(decoder)
        let logmath = ps_get_logmath(decoder)
        var words: [RecognizedWord] = []
        var segment = ps_seg_iter(decoder)
        while let current = segment {
            if let text = ps_seg_word(current).map({ String(cString: $0) }), let word = Self.word(text) {
                var first: Int32 = 0, last: Int32 = 0
                ps_seg_frames(current, &first, &last)
                let posterior = logmath_exp(logmath, ps_seg_prob(current, nil, nil, nil))
                words.append(RecognizedWord(text: word, start: offset + Double(first) / 100, end: offset + Double(last + 1) / 100,
                                            confidence: min(1, max(0, posterior))))
            }
            segment = ps_seg_next(current)
        }
        return words
    }

    /// A dictionary word as text: `one(2)` (an alternate pronunciation) is `one`; `<s>`, `<sil>`,
    /// `[NOISE]` and `++…++` fillers are nothing.
    static func word(_ raw: String) -> String? {
        guard let first = raw.first, first != "<", first != "[", !raw.hasPrefix("++") else { return nil }
        if let paren = raw.firstIndex(of: "("), raw.hasSuffix(")") { return String(raw[..<paren]) }
        return raw
    }
}
