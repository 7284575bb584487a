import Foundation

/// 16-bit PCM audio read from a RIFF/WAVE file: what the local speech recogniser (PocketSphinx,
/// 16 kHz mono) consumes. Hand-written because Foundation on Linux has no audio decoding and the
/// format is a few fixed-layout chunks.
public struct WAVAudio: Sendable, Equatable {
    public var sampleRate: Int
    public var channels: Int
    /// Interleaved samples when `channels > 1`.
    public var samples: [Int16]

    public var duration: Double { Double(samples.count / max(channels, 1)) / Double(max(sampleRate, 1)) }

    /// Whether PocketSphinx's default acoustic model can use it as is.
    public var isRecognizerReady: Bool { sampleRate == 16_000 && channels == 1 }

    public enum ReadError: Error, Equatable, Sendable, CustomStringConvertible {
        case notRIFFWave
        case truncated(String)
        case unsupportedEncoding(formatTag: Int, bitsPerSample: Int)
        case missingChunk(String)

        public var description: String {
            let convert = "convert it with: sox IN.wav -r 16000 -c 1 -b 16 OUT.wav"
            switch self {
            case .notRIFFWave: return "not a RIFF/WAVE file; \(convert)"
            case let .truncated(what): return "the file ends inside its \(what); it is truncated or corrupt"
            case let .unsupportedEncoding(tag, bits):
                return "audio encoding \(tag) with \(bits)-bit samples is not supported (16-bit PCM is); \(convert)"
            case let .missingChunk(name): return "the file has no '\(name)' chunk; \(convert)"
            }
        }
    }

    public init(sampleRate: Int, channels: Int, samples: [Int16]) {
        self.sampleRate = sampleRate
        self.channels = channels
        self.samples = samples
    }

    public init(data: Data) throws(ReadError) {
        let bytes = [UInt8](data)
        guard bytes.count >= 12, bytes[0..<4] == Array("RIFF".utf8)[...], bytes[8..<12] == Array("WAVE".utf8)[...] else {
            throw .notRIFFWave
        }
        var offset = 12
        var format: (tag: Int, channels: Int, rate: Int, bits: Int)?
        while offset + 8 <= bytes.count {
            let id = String(decoding: bytes[offset..<offset + 4], as: UTF8.self)
            let size = Int(Self.uint32(bytes, offset + 4))
            let body = offset + 8
            switch id {
            case "fmt ":
                guard size >= 16, body + 16 <= bytes.count else { throw .truncated("format chunk") }
                format = (Int(Self.uint16(bytes, body)), Int(Self.uint16(bytes, body + 2)),
                          Int(Self.uint32(bytes, body + 4)), Int(Self.uint16(bytes, body + 14)))
            case "data":
                guard let format else { throw .missingChunk("fmt ") }
                // 0xFFFE is WAVE_FORMAT_EXTENSIBLE, which tools like sox write for plain PCM too.
                guard format.tag == 1 || format.tag == 0xFFFE, format.bits == 16 else {
                    throw .unsupportedEncoding(formatTag: format.tag, bitsPerSample: format.bits)
                }
                guard format.channels > 0, format.rate > 0 else { throw .truncated("format chunk") }
                // Streaming writers leave the size as 0 or 0xFFFFFFFF; take what the file holds.
                let available = bytes.count - body
                let length = (size == 0 || size > available) ? available : size
                var samples = [Int16]()
                samples.reserveCapacity(length / 2)
                var index = body
                while index + 1 < body + length {
                    samples.append(Int16(bitPattern: Self.uint16(bytes, index)))
                    index += 2
                }
                self.init(sampleRate: format.rate, channels: format.channels, samples: samples)
                return
            default:
                break
            }
            offset = body + size + (size & 1) // chunks are padded to even sizes
        }
        throw .missingChunk(format == nil ? "fmt " : "data")
    }

    static func uint16(_ bytes: [UInt8], _ at: Int) -> UInt16 {
        UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8
    }

    static func uint32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
    }

    /// A canonical 44-byte-header WAV file, for fixtures and for writing converted audio.
    public var wavData: Data {
        var data = Data()
        func append32(_ value: Int) { withUnsafeBytes(of: UInt32(value).littleEndian) { data.append(contentsOf: $0) } }
        func append16(_ value: Int) { withUnsafeBytes(of: UInt16(value).littleEndian) { data.append(contentsOf: $0) } }
        let dataSize = samples.count * 2
        data.append(contentsOf: Array("RIFF".utf8)); append32(36 + dataSize); data.append(contentsOf: Array("WAVE".utf8))
        data.append(contentsOf: Array("fmt ".utf8)); append32(16); append16(1); append16(channels)
        append32(sampleRate); append32(sampleRate * channels * 2); append16(channels * 2); append16(16)
        data.append(contentsOf: Array("data".utf8)); append32(dataSize)
        for sample in samples { append16(Int(UInt16(bitPattern: sample))) }
        return data
    }
}
