import Crypto
import Foundation
import Logging
import MaskerCore
import MaskerStore

/// What a proxied turn leaves for the portal's session page (`ProxyTurn`): the spans it masked,
/// by field, always; its texts (as sent, as masked, the model's answer, as restored), sealed, only
/// when the policy keeps payloads (`audit.log_payloads: true`, with `log_events` on and an audit
/// log to take the key from). Built once the request is masked; finished when the turn ends.
struct TurnRecording: Sendable {
    let accountID: String
    let agentID: String
    let spans: [TurnSpan]
    /// This turn's new texts, or nil when payloads are not kept (then nothing of them is held).
    let texts: [TurnPayload.Text]?
    let key: SymmetricKey?

    /// The model's answer: its tokens restored or not, always; its text as it came back and as
    /// the caller got it, only when the turn keeps its text.
    struct Answer {
        let keepsText: Bool
        /// The readable text of an answer or event in its wire format (`WireFormat.answerText`).
        let read: @Sendable (JSONValue) -> String
        private(set) var masked = ""
        private(set) var restored = ""
        private(set) var restoredTokens = 0
        private(set) var unrestorable = 0

        mutating func count(_ events: [RehydrationEvent]) {
            for event in events {
                if case .restored = event.outcome { restoredTokens += 1 } else { unrestorable += 1 }
            }
        }

        /// A whole answer or one streamed chunk as it came (nil for a closing chunk of text held
        /// back, which the model never sent) and as it went out.
        mutating func add(came: JSONValue?, went: JSONValue) {
            guard keepsText else { return }
            if let came { masked += read(came) }
            restored += read(went)
        }
    }

    /// An empty answer for this turn, to fill as it arrives, read as its wire format says.
    func answer(reading read: @escaping @Sendable (JSONValue) -> String) -> Answer { Answer(keepsText: keepsText, read: read) }

    init(accountID: String, agentID: String, spans: [TurnSpan], texts: [TurnPayload.Text]?, key: SymmetricKey?) {
        self.accountID = accountID
        self.agentID = agentID
        self.spans = spans
        self.texts = key == nil ? nil : texts
        self.key = texts == nil ? nil : key
    }

    var keepsText: Bool { texts != nil }

    /// The spans of one masked text, from its redaction events (in the same order as its
    /// replacements) and where each replacement sits in the masked text.
    static func spans(_ events: [AuditEvent], masked: [(start: Int, end: Int)], field: String) -> [TurnSpan] {
        zip(events, masked).compactMap { event, written in
            guard let span = event.span else { return nil }
            return TurnSpan(field: field, start: span.start, end: span.end, maskedStart: written.start, maskedEnd: written.end,
                            kind: event.entityKind ?? "", pass: event.pass ?? "", confidence: event.confidence ?? 0,
                            action: event.tokenKind ?? "", speaker: event.detail.first { $0.0 == "speaker" }?.1.stringValue)
        }
    }

    /// The turn's row, for the session it was recorded in.
    func turn(sessionID: String, status: String, stageMillis: [String: Double], answer: Answer?, logger: Logger) -> ProxyTurn {
        let id = ServerIDs.next("turn")
        var sealed: Data?
        if let key, let texts {
            let payload = TurnPayload(texts: texts, answer: answer?.masked, restored: answer?.restored)
            do {
                sealed = try payload.seal(key: key, accountID: accountID, sessionID: sessionID, turnID: id)
            } catch {
                logger.error("a turn's text could not be sealed, so it is not kept")
            }
        }
        return ProxyTurn(id: id, sessionID: sessionID, accountID: accountID, agentID: agentID, at: Date(), status: status,
                         stageMillis: stageMillis, spans: spans, restored: answer?.restoredTokens ?? 0,
                         unrestorable: answer?.unrestorable ?? 0, sealed: sealed)
    }
}
