import MaskerCore

/// A recognised word and who said it.
public struct SpokenWord: Sendable, Equatable {
    public var word: RecognizedWord
    public var speaker: Speaker

    public init(_ word: RecognizedWord, speaker: Speaker) {
        self.word = word
        self.speaker = speaker
    }
}

/// Which channel of a two-channel recording is the caller (`--channel-map`): telephony platforms
/// record each leg on its own channel. The default, `caller,agent`, puts the caller on the first
/// (left) channel; `agent,caller` swaps them.
public struct ChannelMap: Sendable, Equatable {
    public var first: Speaker
    public var second: Speaker

    public static let callerFirst = ChannelMap(first: .caller, second: .agent)

    public init(first: Speaker, second: Speaker) {
        self.first = first
        self.second = second
    }

    /// `caller,agent` or `agent,caller`; nil for anything else.
    public init?(_ text: String) {
        let parts = text.lowercased().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let first = Speaker(rawValue: parts[0]), let second = Speaker(rawValue: parts[1]),
              Set([first, second]) == [.caller, .agent] else { return nil }
        self.init(first: first, second: second)
    }
}
