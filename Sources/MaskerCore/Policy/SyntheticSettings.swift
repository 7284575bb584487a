import Foundation

/// Settings for `tokenization: synthetic` (seed `000_*`).
public struct SyntheticSettings: Equatable, Sendable {
    /// A fixed seed makes surrogates reproducible. Safe only where no real PHI is present: with the
    /// seed and a surrogate, the original can in principle be recovered.
    public var seed: UInt64?
    /// Keep geography consistent (same state, same 3-digit ZIP area, area codes of the same state).
    public var preserveLocale: Bool
    /// Values seen fewer than `k` times in a session window are drawn from the full public
    /// distribution rather than the empirical one, so a rare value cannot single a caller out.
    public var k: Int

    public static let defaultK = 5

    public init(seed: UInt64? = nil, preserveLocale: Bool = true, k: Int = SyntheticSettings.defaultK) {
        self.seed = seed
        self.preserveLocale = preserveLocale
        self.k = k
    }

    /// A seed as policies and `--seed` write it: decimal, or hexadecimal after `0x`, underscores
    /// allowed (`0xC0_FF_EE`); nil when it is not a whole number from 0 to 2^64-1.
    public static func parseSeed(_ text: String) -> UInt64? {
        let lowered = text.replacingOccurrences(of: "_", with: "").lowercased()
        return lowered.hasPrefix("0x") ? UInt64(lowered.dropFirst(2), radix: 16) : UInt64(lowered, radix: 10)
    }
}
