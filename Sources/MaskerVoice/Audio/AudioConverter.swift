import Foundation

/// Recordings in other formats, through Debian's `sox` (installed by `scripts/setup.sh`): FLAC,
/// Ogg Vorbis, Sun/NeXT `.au`, and WAV files that are not 16-bit PCM (μ-law and A-law telephony
/// recordings, 8-, 24- and 32-bit, float). MP3 too where `libsox-fmt-mp3` is installed. The format
/// is recognised from the file's first bytes and the audio is piped through sox (never written to
/// disk: a recording is PHI) as 16-bit PCM WAV at its own rate and channels, without dither.
///
/// Why a subprocess: no listed Swift package decodes these formats, and sox is the tool the
/// fixtures are made with.
public enum AudioConverter {
    /// sox's name for the format of `data`, from its magic bytes; nil for anything else.
    static func format(of data: Data) -> String? {
        let head = [UInt8](data.prefix(12))
        func starts(_ text: String) -> Bool { head.starts(with: Array(text.utf8)) }
        if starts("RIFF"), head.count >= 12, head[8..<12] == Array("WAVE".utf8)[...] { return "wav" }
        if starts("fLaC") { return "flac" }
        if starts("OggS") { return "ogg" }
        if starts(".snd") { return "au" }
        if starts("ID3") || (head.count >= 2 && head[0] == 0xFF && head[1] & 0xE0 == 0xE0) { return "mp3" }
        return nil
    }

    /// `data` as 16-bit PCM WAV, or nil when it is no format listed above, sox is not installed,
    /// or sox cannot read it.
    public static func toWAV(_ data: Data, sox: String = "/usr/bin/sox") -> Data? {
        guard let type = format(of: data), FileManager.default.isExecutableFile(atPath: sox) else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: sox)
        process.arguments = ["-q", "-D", "-t", type, "-", "-t", "wav", "-b", "16", "-e", "signed-integer", "-"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        // Written from another thread: sox's output would otherwise fill its pipe while we write.
        let writer = Thread {
            try? input.fileHandleForWriting.write(contentsOf: data)
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let converted = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, converted.count > 44 else { return nil }
        return converted
    }
}
