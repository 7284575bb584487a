import Foundation

/// Reads a file or standard input as lines of raw bytes, a buffer at a time, so inputs of any size
/// are processed with constant memory and invalid UTF-8 can be reported for the line it is on
/// (Swift's `readLine` silently repairs it instead).
final class ByteLineReader {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var position = 0
    private var finished = false
    /// Plain text: a line longer than this is returned in pieces, cut at whitespace where possible,
    /// so memory stays bounded even on input with no line breaks. nil for JSON lines, which must
    /// never be cut (a cut record is no longer JSON).
    let maxPieceBytes: Int?

    /// 64 KiB: far longer than any turn, small enough that one piece's tokens stay a few MB.
    static let textPieceBytes = 1 << 16

    init(handle: FileHandle, maxPieceBytes: Int?) {
        self.handle = handle
        self.maxPieceBytes = maxPieceBytes
    }

    /// `records: true` for JSON lines (never cut); false for plain text.
    static func open(_ path: String?, records: Bool) throws(CLIFailure) -> ByteLineReader {
        let limit = records ? nil : textPieceBytes
        guard let path, path != "-" else { return ByteLineReader(handle: .standardInput, maxPieceBytes: limit) }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CLIFailure(.error, "cannot read \(path): no such file or not readable")
        }
        return ByteLineReader(handle: handle, maxPieceBytes: limit)
    }

    /// Pieces returned so far, for error messages.
    private(set) var piecesRead = 0

    /// The next piece as text, refusing invalid UTF-8 with the line it is on and the fix.
    func nextText() throws(CLIFailure) -> String? {
        guard let bytes = next() else { return nil }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw CLIFailure(.error, "input line \(piecesRead) is not valid UTF-8; convert the file to UTF-8 (e.g. iconv -f LATIN1 -t UTF-8)")
        }
        return text
    }

    /// The next piece, or with `whole` everything left as one text (`DocumentInput.nextText(whole:)`).
    func nextText(whole: Bool) throws(CLIFailure) -> String? {
        guard whole else { return try nextText() }
        var pieces: [String] = []
        while let piece = try nextText() { pieces.append(piece) }
        return pieces.isEmpty ? nil : pieces.joined()
    }

    /// The next piece: a line with its newline (if any), or a cut of an over-long line.
    func next() -> ArraySlice<UInt8>? {
        let piece = readPiece()
        if piece != nil { piecesRead += 1 }
        return piece
    }

    private func readPiece() -> ArraySlice<UInt8>? {
        while true {
            if let newline = buffer[position...].firstIndex(of: 10), newline - position < (maxPieceBytes ?? .max) {
                defer { position = newline + 1 }
                return buffer[position...newline]
            }
            if let maxPieceBytes, buffer.count - position >= maxPieceBytes {
                // Cut at the last space inside the limit, and never inside a UTF-8 sequence.
                var cut = position + maxPieceBytes
                if let space = buffer[position..<cut].lastIndex(where: { $0 == 32 || $0 == 9 }), space > position {
                    cut = space + 1
                } else {
                    while cut > position + 1, buffer[cut] & 0xC0 == 0x80 { cut -= 1 }
                }
                defer { position = cut }
                return buffer[position..<cut]
            }
            if finished {
                guard position < buffer.count else { return nil }
                defer { position = buffer.count }
                return buffer[position...]
            }
            // Compact, then read more.
            if position > 0 {
                buffer.removeFirst(position)
                position = 0
            }
            let data = handle.readData(ofLength: 1 << 16)
            if data.isEmpty { finished = true } else { buffer.append(contentsOf: data) }
        }
    }
}
