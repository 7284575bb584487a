import MaskerCore

/// Retell's custom-LLM WebSocket protocol (docs.retellai.com, "LLM WebSocket"): every message is a
/// text frame holding one JSON object. Retell sends `interaction_type` events; the server answers
/// with `response_type` events.
enum RetellEvents {
    /// What Retell sent, read; anything else is `.other` and ignored, as the protocol asks of
    /// events a server does not know.
    enum Inbound: Equatable {
        case pingPong(timestamp: JSONValue)
        case callDetails
        case updateOnly
        /// `response_required` or `reminder_required`: the transcript so far, and the id its
        /// answer must carry.
        case responseRequired(id: Int, transcript: [Utterance], reminder: Bool)
        case other

        init(_ event: JSONValue) throws(RetellProtocolError) {
            switch event["interaction_type"]?.stringValue {
            case "ping_pong": self = .pingPong(timestamp: event["timestamp"] ?? .null)
            case "call_details": self = .callDetails
            case "update_only": self = .updateOnly
            case let type? where type == "response_required" || type == "reminder_required":
                guard let id = event["response_id"]?.intValue, id >= 0 else {
                    throw RetellProtocolError("\(type) without a whole-number response_id")
                }
                guard case let .array(entries)? = event["transcript"] else {
                    throw RetellProtocolError("\(type) without a transcript array")
                }
                self = .responseRequired(id: id, transcript: try entries.map(Utterance.init), reminder: type == "reminder_required")
            default: self = .other
            }
        }
    }

    /// One line of Retell's transcript.
    struct Utterance: Equatable {
        var role: String
        var content: String

        init(role: String, content: String) {
            self.role = role
            self.content = content
        }

        init(_ value: JSONValue) throws(RetellProtocolError) {
            guard let role = value["role"]?.stringValue, let content = value["content"]?.stringValue else {
                throw RetellProtocolError("a transcript entry without a role and a content string")
            }
            self.init(role: role, content: content)
        }
    }

    /// The chat-completions request a transcript becomes: the agent's lines as `assistant`, the
    /// caller's as `user`, and other roles left out (nothing of them reaches the model). A reminder
    /// ends with a fixed instruction to prompt a silent caller, which carries nothing of the call.
    static func chatRequest(_ transcript: [Utterance], reminder: Bool) -> JSONValue {
        var messages: [JSONValue] = transcript.compactMap { line in
            let role: String
            switch line.role {
            case "agent": role = "assistant"
            case "user": role = "user"
            default: return nil
            }
            return .object([("role", .string(role)), ("content", .string(line.content))])
        }
        if reminder {
            messages.append(.object([("role", .string("system")),
                                     ("content", .string("The caller has been silent for a while. Say something short to check they are still there."))]))
        }
        return .object([("messages", .array(messages)), ("stream", .bool(true))])
    }

    /// The server's first messages: its configuration (call details wanted, reconnects allowed)
    /// and an empty begin message, so the caller speaks first.
    static let opening: [JSONValue] = [
        .object([("response_type", .string("config")), ("config", .object([("auto_reconnect", .bool(true)), ("call_details", .bool(true))]))]),
        response(id: 0, content: "", complete: true),
    ]

    static func response(id: Int, content: String, complete: Bool) -> JSONValue {
        .object([("response_type", .string("response")), ("response_id", .int(id)), ("content", .string(content)),
                 ("content_complete", .bool(complete))])
    }

    static func pong(_ timestamp: JSONValue) -> JSONValue {
        .object([("response_type", .string("ping_pong")), ("timestamp", timestamp)])
    }
}

/// A message that does not follow Retell's protocol: named, never quoted (it may hold the caller's words).
struct RetellProtocolError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
