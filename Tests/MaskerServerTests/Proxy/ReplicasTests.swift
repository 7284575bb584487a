import Foundation
import MaskerCore
import MaskerStore
import MaskerTestSupport
import Testing

/// Two replicas of one deployment (SPEC section 10): one PostgreSQL schema holds the vault, the
/// server's records and the audit chain, and a call's turns may land on either. Needs
/// `MASKER_TEST_DATABASE_URL`. scripts/scale-out.sh does the same with three processes behind
/// nginx, under load, with one killed.
@Suite(.serialized)
struct ReplicasTests {
    static func turn(_ messages: [JSONValue]) -> JSONValue {
        .object([("model", .string("masker-stub")), ("messages", .array(messages))])
    }

    static func message(_ role: String, _ content: String) -> JSONValue {
        .object([("role", .string(role)), ("content", .string(content))])
    }

    @Test func aCallAlternatingBetweenReplicasComesBackExactAndTheirChainIsOne() async throws {
        let deployment = try TestServer.Deployment()
        let first = try await TestServer(replicaOf: deployment), second = try await TestServer(replicaOf: deployment)
        let replicas = [first, second]
        // An API token and an agent made on one replica work on the other.
        let token = try await first.token()
        let agent = try await second.createAgent(.object([("name", .string("desk")), ("upstream", .string("stub"))]), token: token)

        // One call, its history growing, each turn on the other replica.
        var history: [JSONValue] = []
        for index in 0..<6 {
            let phone = "415-55\(index)-26\(10 + index)", ssn = "219-45-67\(10 + index)"
            history.append(Self.message("user", "my number is \(phone) and my ssn is \(ssn)"))
            let reply = try await replicas[index % 2].call(.POST, "/proxy/\(agent)/v1/chat/completions", json: Self.turn(history),
                                                          headers: ["Masker-Session-Id": "call-across"])
            #expect(reply.status == 200, "\(reply.text)")
            let answer = reply.json["choices"]?[0]?["message"]?["content"]?.stringValue ?? ""
            #expect(answer.contains(phone) && answer.contains(ssn) && !answer.contains("MSK"), "turn \(index): \(answer)")
            history.append(Self.message("assistant", answer))
        }
        // Calls on both at once: every turn answered.
        try await withThrowingTaskGroup(of: Int.self) { group in
            for caller in 0..<20 {
                group.addTask {
                    let reply = try await replicas[caller % 2].call(.POST, "/proxy/\(agent)/v1/chat/completions",
                                                                    json: Self.turn([Self.message("user", "call me at 212-555-01\(10 + caller)")]),
                                                                    headers: ["Masker-Session-Id": "call-\(caller)"])
                    return reply.status
                }
            }
            for try await status in group { #expect(status == 200) }
        }
        // A token minted on one replica opens on the other.
        let masked = try await second.call(.POST, "/api/v1/mask", json: .object([("text", .string("call 646-555-0188")), ("session", .string("s-1"))]),
                                           token: token).json["masked"]?.stringValue ?? ""
        let restored = try await first.call(.POST, "/api/v1/rehydrate", json: .object([("text", .string(masked)), ("session", .string("s-1"))]),
                                            token: token)
        #expect(restored.json["text"]?.stringValue == "call 646-555-0188", "\(restored.text)")
        // One chain: both replicas verify it to the same end.
        let verified = try await [first.call(.POST, "/api/v1/audit/verify", token: token), second.call(.POST, "/api/v1/audit/verify", token: token)]
        #expect(verified.allSatisfy { $0.json["holds"] == .bool(true) }, "\(verified.map(\.text))")
        #expect(verified[0].json["root"] == verified[1].json["root"] && verified[0].json["records"] == verified[1].json["records"])
        // Each alternating turn masked its two new values (its history once per call) and the 20
        // calls one each, and every restored value is on the record.
        let records = verified[0].json["records"]?.intValue ?? 0
        #expect(records >= 6 * 2 + 20 + 6 * 2 + 20 + 1, "records: \(records)")
        // /health names where the chain is, with no password.
        let health = try await second.call(.GET, "/health")
        #expect(health.status == 200 && health.text.contains("appending to postgres://"), "\(health.text)")
        #expect(!health.text.contains(try #require(URLComponents(string: try TestPostgres.url())?.password)))
        for replica in replicas { try await replica.stop() }
        let audit = try await PostgresAuditLog(url: try TestPostgres.url(), schema: deployment.schema, key: deployment.auditKey)
        try await audit.dropSchema()
        await audit.close()
    }
}
