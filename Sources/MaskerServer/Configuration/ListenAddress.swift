import Foundation

/// Where `masker serve` listens: `MASKER_LISTEN_ADDR`, `host:port`, default `127.0.0.1:8080`.
/// Loopback by default so a fresh install never exposes an unauthenticated port.
public struct ListenAddress: Equatable, Sendable, CustomStringConvertible {
    public static let `default` = ListenAddress(host: "127.0.0.1", port: 8080)

    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case malformed(String)

        public var description: String {
            switch self {
            case let .malformed(text):
                return "MASKER_LISTEN_ADDR \"\(text)\" is not host:port (e.g. 127.0.0.1:8080, [::1]:8080, 0.0.0.0:9000)"
            }
        }
    }

    /// Accepts `host:port`, `[ipv6]:port` and `:port` (all interfaces is never implied: `:port` means loopback).
    public static func parse(_ text: String) throws(ParseError) -> ListenAddress {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let host: Substring
        let portText: Substring
        if trimmed.hasPrefix("[") {
            guard let close = trimmed.firstIndex(of: "]"),
                  trimmed[trimmed.index(after: close)...].hasPrefix(":") else { throw .malformed(text) }
            host = trimmed[trimmed.index(after: trimmed.startIndex)..<close]
            portText = trimmed[trimmed.index(close, offsetBy: 2)...]
        } else {
            guard let colon = trimmed.lastIndex(of: ":"), !trimmed[..<colon].contains(":") else { throw .malformed(text) }
            host = trimmed[..<colon].isEmpty ? Substring(ListenAddress.default.host) : trimmed[..<colon]
            portText = trimmed[trimmed.index(after: colon)...]
        }
        // Port 0: the kernel picks a free one, and the "listening on" log line names it (tests, side-by-side runs).
        guard !host.isEmpty, let port = Int(portText), (0...65535).contains(port) else { throw .malformed(text) }
        return ListenAddress(host: String(host), port: port)
    }

    public static func fromEnvironment(_ environment: [String: String]) throws(ParseError) -> ListenAddress {
        guard let text = environment["MASKER_LISTEN_ADDR"], !text.isEmpty else { return .default }
        return try parse(text)
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
