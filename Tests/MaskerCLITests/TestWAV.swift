import Foundation

/// A canonical 16-bit PCM WAV file of silence, written by hand (the CLI tests do not link
/// MaskerVoice's writer: they run the binaries as a user would).
enum TestWAV {
    static func silence(seconds: Double, rate: Int = 16_000) -> Data {
        let bytes = Int(seconds * Double(rate)) * 2
        var data = Data("RIFF".utf8)
        func le32(_ v: Int) { withUnsafeBytes(of: UInt32(v).littleEndian) { data.append(contentsOf: $0) } }
        func le16(_ v: Int) { withUnsafeBytes(of: UInt16(v).littleEndian) { data.append(contentsOf: $0) } }
        le32(36 + bytes); data.append(contentsOf: Array("WAVEfmt ".utf8)); le32(16); le16(1); le16(1)
        le32(rate); le32(rate * 2); le16(2); le16(16); data.append(contentsOf: Array("data".utf8)); le32(bytes)
        data.append(Data(count: bytes))
        return data
    }
}
