import Foundation

/// Finds and loads the shipped model (`Resources/ner`: `lexicon.tsv` and `weights.bin`) once per
/// process.
///
/// Looked for, in order: `MASKER_NER_DIR`; the resource bundle SwiftPM puts next to the executable
/// (`Masker_MaskerCore.resources/ner`); the source tree this binary was built from. Not
/// `Bundle.module`: on Linux it stops the process when the bundle is missing, and a missing model
/// must be a reported, degraded state (`/health`), never a crash.
public enum EmbeddedNER {
    public struct Unavailable: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// The loaded model, or why it could not be loaded. Loading happens on first use.
    public static let shared: Result<EmbeddedNERRecognizer, Unavailable> = {
        do {
            guard let directory = locate() else {
                return .failure(Unavailable(description: "the NER model was not found: set MASKER_NER_DIR to a folder "
                                            + "holding lexicon.tsv and weights.bin (Sources/MaskerCore/Resources/ner in the source tree)"))
            }
            return .success(EmbeddedNERRecognizer(model: try load(from: directory)))
        } catch {
            return .failure(Unavailable(description: String(describing: error)))
        }
    }()

    /// The shared recognizer when it loaded.
    public static var recognizer: EmbeddedNERRecognizer? { try? shared.get() }

    public static func load(from directory: URL) throws -> NERModel {
        let lexicon = try NERLexicon(contentsOf: directory.appendingPathComponent("lexicon.tsv"))
        return try NERModel(weightsAt: directory.appendingPathComponent("weights.bin"), lexicon: lexicon)
    }

    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL? {
        var candidates: [URL] = []
        if let configured = environment["MASKER_NER_DIR"], !configured.isEmpty {
            // An explicit setting is the only candidate: falling back would hide a typo.
            return URL(fileURLWithPath: configured)
        }
        if let executable = Bundle.main.executableURL?.resolvingSymlinksInPath() {
            candidates.append(executable.deletingLastPathComponent()
                .appendingPathComponent("Masker_MaskerCore.resources/ner"))
        }
        candidates.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Resources/ner"))
        return candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("weights.bin").path) }
    }
}
