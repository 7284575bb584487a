import Crypto
import Foundation
import MaskerCore
import MaskerStore
import MaskerTestSupport
import Testing

/// Every test runs against SQLite and PostgreSQL: the server must behave the same on either.
enum ServerBackend: String, CaseIterable, CustomTestStringConvertible {
    case sqlite, postgres
    var testDescription: String { rawValue }

    func with(_ body: (any ServerStore) async throws -> Void) async throws {
        let scratch = try ScratchDirectory()
        let store: any ServerStore
        switch self {
        case .sqlite: store = try SQLiteServerStore(path: scratch.url.appendingPathComponent("server.sqlite").path)
        case .postgres: store = try await PostgresServerStore(url: try TestPostgres.url(), schema: TestPostgres.freshSchema("masker_srv"))
        }
        do {
            try await body(store)
        } catch {
            await discard(store)
            throw error
        }
        await discard(store)
    }

    private func discard(_ store: any ServerStore) async {
        if let postgres = store as? PostgresServerStore { try? await postgres.dropSchema() }
        await store.close()
    }
}

@Suite struct ServerStoreContractTests {
    @Test(arguments: ServerBackend.allCases)
    func tokensResolveOnlyToTheirAccountAndAreStoredHashed(_ backend: ServerBackend) async throws {
        try await backend.with { store in
            let alice = try await store.account(named: "alice")
            #expect(try await store.account(named: "alice").id == alice.id)
            let bob = try await store.account(named: "bob")
            let token = try await store.issueToken(accountID: alice.id)
            #expect(token.hasPrefix("mk_"))
            #expect(try await store.account(forToken: token)?.id == alice.id)
            #expect(try await store.account(forToken: token + "x") == nil)
            #expect(try await store.account(forToken: try await store.issueToken(accountID: bob.id))?.id == bob.id)
            let issued = try await store.issueTokenWithID(accountID: alice.id)
            #expect(try await store.tokens(accountID: alice.id).map(\.id).contains(issued.id))
            #expect(try await store.tokens(accountID: bob.id).map(\.id).contains(issued.id) == false)
            #expect(try await store.revokeToken(id: issued.id, accountID: bob.id) == false)
            #expect(try await store.revokeToken(id: issued.id, accountID: alice.id) == true)
            #expect(try await store.account(forToken: issued.secret) == nil)
            #expect(try await store.account(forToken: token)?.id == alice.id)
            if let sqlite = store as? SQLiteServerStore {
                let bytes = try Data(contentsOf: URL(fileURLWithPath: sqlite.path))
                #expect(bytes.range(of: Data(token.utf8)) == nil)
            }
        }
    }

    @Test(arguments: ServerBackend.allCases)
    func usersAndLoginSessions(_ backend: ServerBackend) async throws {
        try await backend.with { store in
            let account = try await store.account(named: "clinic")
            let user = User(id: ServerIDs.next("usr"), accountID: account.id, username: "nurse", role: "member", createdAt: Date())
            #expect(try await store.hasUsers() == false)
            try await store.createUser(user, passwordHash: "scrypt$hash")
            #expect(try await store.hasUsers())
            await #expect(throws: ServerStoreError.usernameTaken) {
                try await store.createUser(User(id: ServerIDs.next("usr"), accountID: account.id, username: "nurse", role: "admin", createdAt: Date()),
                                           passwordHash: "x")
            }
            #expect(try await store.credentials(username: "nurse")?.passwordHash == "scrypt$hash")
            #expect(try await store.credentials(username: "nobody") == nil)
            #expect(try await store.users(accountID: account.id).map(\.username) == ["nurse"])

            let now = Date()
            let (cookie, csrf) = try await store.startLoginSession(userID: user.id, lifetime: .seconds(3600), now: now)
            let session = try #require(try await store.loginSession(hash: ServerSecrets.hash(cookie), now: now))
            #expect(session.user.username == "nurse")
            #expect(session.account.id == account.id)
            #expect(session.csrfToken == csrf)
            #expect(try await store.loginSession(hash: ServerSecrets.hash(cookie), now: now.addingTimeInterval(3601)) == nil)

            // A new password ends the user's sessions.
            try await store.setPassword(userID: user.id, passwordHash: "scrypt$new")
            #expect(try await store.loginSession(hash: ServerSecrets.hash(cookie), now: now) == nil)
            #expect(try await store.credentials(username: "nurse")?.passwordHash == "scrypt$new")

            let second = try await store.startLoginSession(userID: user.id, lifetime: .seconds(3600))
            try await store.deleteLoginSession(hash: ServerSecrets.hash(second.cookie))
            #expect(try await store.loginSession(hash: ServerSecrets.hash(second.cookie), now: Date()) == nil)
        }
    }

    @Test(arguments: ServerBackend.allCases)
    func agentsAreUniquePerAccountAndInvisibleToOthers(_ backend: ServerBackend) async throws {
        try await backend.with { store in
            let alice = try await store.account(named: "alice"), bob = try await store.account(named: "bob")
            let agent = try await store.createAgent(accountID: alice.id, name: "desk", upstream: "stub", tokenization: nil, policyName: nil,
                                                    policyYAML: "version: 1\n")
            await #expect(throws: ServerStoreError.nameTaken) {
                _ = try await store.createAgent(accountID: alice.id, name: "desk", upstream: "stub", tokenization: nil, policyName: nil, policyYAML: nil)
            }
            _ = try await store.createAgent(accountID: bob.id, name: "desk", upstream: "openai:m", tokenization: "vault-deterministic",
                                            policyName: nil, policyYAML: nil)
            // Databases keep time to the millisecond or microsecond; everything else round-trips exactly.
            var stored = try #require(try await store.agent(id: agent.id, accountID: alice.id))
            #expect(abs(stored.createdAt.timeIntervalSince(agent.createdAt)) < 0.001)
            stored.createdAt = agent.createdAt
            #expect(stored == agent)
            #expect(try await store.agent(id: agent.id, accountID: nil)?.policyYAML == "version: 1\n")
            #expect(try await store.agent(id: agent.id, accountID: bob.id) == nil)
            #expect(try await store.agents(accountID: bob.id).map(\.upstream) == ["openai:m"])
            // An update replaces the settings and keeps the id and creation time; another account's
            // agent is not there to update, and a name taken in the account is refused.
            var changed = agent
            changed.name = "front"
            changed.upstream = "openai:m2"
            changed.tokenization = "reversible-aead"
            changed.policyYAML = nil
            changed.policyName = "healthcare-default"
            #expect(try await store.updateAgent(changed) == true)
            var reread = try #require(try await store.agent(id: agent.id, accountID: alice.id))
            reread.createdAt = agent.createdAt
            #expect(reread == changed)
            var foreign = changed
            foreign.accountID = bob.id
            #expect(try await store.updateAgent(foreign) == false)
            let other = try await store.createAgent(accountID: alice.id, name: "other", upstream: "stub", tokenization: nil, policyName: nil, policyYAML: nil)
            var clash = other
            clash.name = "front"
            await #expect(throws: ServerStoreError.nameTaken) { _ = try await store.updateAgent(clash) }
            #expect(try await store.deleteAgent(id: other.id, accountID: alice.id) == true)
            #expect(try await store.deleteAgent(id: agent.id, accountID: bob.id) == false)
            #expect(try await store.deleteAgent(id: agent.id, accountID: alice.id) == true)
            #expect(try await store.agents(accountID: alice.id).isEmpty)
        }
    }

    @Test(arguments: ServerBackend.allCases)
    func concurrentTurnsOfOneCallAllCount(_ backend: ServerBackend) async throws {
        try await backend.with { store in
            let account = try await store.account(named: "a")
            let turn = SessionTurn(status: "ok", redactionsByKind: ["PHONE": 1], stageMillis: ["detect": 0.5])
            let ids = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<20 {
                    group.addTask { try await store.recordTurn(accountID: account.id, agentID: "agt_1", externalID: "call-7", turn: turn, now: Date()) }
                }
                var ids = Set<String>()
                for try await id in group { ids.insert(id) }
                return ids
            }
            #expect(ids.count == 1)
            let session = try #require(try await store.session(id: ids.first!, accountID: account.id))
            #expect(session.turns == 20)
            #expect(session.redactionsByKind == ["PHONE": 20])
            #expect(abs((session.stageMillis["detect"] ?? 0) - 10) < 1e-9)
            #expect(try await store.session(id: session.id, accountID: "acct_other") == nil)
        }
    }

    @Test(arguments: ServerBackend.allCases)
    func batchedDeltasCreateAndAddToSessions(_ backend: ServerBackend) async throws {
        try await backend.with { store in
            let account = try await store.account(named: "a")
            let now = Date()
            let first = try await store.recordTurn(accountID: account.id, agentID: "agt_1", externalID: "call-1",
                                                   turn: SessionTurn(status: "ok", redactionsByKind: ["SSN": 1], redactionsByPass: ["regex": 1],
                                                                     stageMillis: ["detect": 1]), now: now)
            func delta(_ id: String, external: String?, turns: Int, status: String) -> ProxySession {
                ProxySession(id: id, accountID: account.id, agentID: "agt_1", externalID: external, startedAt: now, updatedAt: now.addingTimeInterval(5),
                             turns: turns, status: status, redactionsByKind: ["SSN": turns], redactionsByPass: ["regex": turns],
                             stageMillis: ["detect": Double(turns)])
            }
            let fresh = ServerIDs.next("sess")
            try await store.applySessionDeltas([delta(first, external: "call-1", turns: 3, status: "upstream_error"),
                                                delta(fresh, external: nil, turns: 2, status: "ok")])
            let merged = try #require(try await store.session(id: first, accountID: account.id))
            #expect(merged.turns == 4)
            #expect(merged.status == "upstream_error")
            #expect(merged.redactionsByKind == ["SSN": 4])
            #expect(merged.redactionsByPass == ["regex": 4])
            #expect(merged.stageMillis == ["detect": 4])
            #expect(abs(merged.startedAt.timeIntervalSince(now)) < 0.001)
            #expect(merged.updatedAt > now.addingTimeInterval(4))
            #expect(try await store.session(id: fresh, accountID: account.id)?.turns == 2)
            try await store.applySessionDeltas([])
        }
    }

    @Test(arguments: ServerBackend.allCases)
    func sessionPagesFollowTheCursorAndFilters(_ backend: ServerBackend) async throws {
        try await backend.with { store in
            let account = try await store.account(named: "a")
            for index in 0..<7 {
                let turn = SessionTurn(status: index == 3 ? "upstream_error" : "ok", redactionsByKind: [:], stageMillis: [:])
                _ = try await store.recordTurn(accountID: account.id, agentID: index % 2 == 0 ? "agt_even" : "agt_odd", externalID: nil,
                                               turn: turn, now: Date())
            }
            var seen: [String] = []
            var cursor: String?
            repeat {
                let page = try await store.sessions(accountID: account.id, agentID: nil, status: nil, limit: 3, cursor: cursor)
                seen += page.map(\.id)
                cursor = page.count == 3 ? page.last?.id : nil
            } while cursor != nil
            #expect(seen.count == 7)
            #expect(seen == seen.sorted(by: >))
            #expect(try await store.sessions(accountID: account.id, agentID: "agt_even", status: nil, limit: 50, cursor: nil).count == 4)
            #expect(try await store.sessions(accountID: account.id, agentID: nil, status: "upstream_error", limit: 50, cursor: nil).count == 1)
            #expect(try await store.sessions(accountID: "acct_nobody", agentID: nil, status: nil, limit: 50, cursor: nil).isEmpty)
            // The oldest session gains a turn later: `updatedAfter` finds it however many are newer.
            let oldest = try #require(seen.last)
            let later = Date().addingTimeInterval(60)
            try await store.applySessionDeltas([ProxySession(id: oldest, accountID: account.id, agentID: "agt_even", externalID: nil, startedAt: later,
                                                             updatedAt: later, turns: 1, status: "ok", redactionsByKind: [:], stageMillis: [:])])
            let changed = try await store.sessions(accountID: account.id, agentID: nil, status: nil, updatedAfter: later.addingTimeInterval(-1),
                                                   limit: 50, cursor: nil)
            #expect(changed.map(\.id) == [oldest])
            #expect(await store.ping())
        }
    }

    /// A turn's own row comes back in order, only in its account, with its spans and sealed bytes
    /// as written; its text can be dropped (retention) while its spans and counts stay.
    @Test(arguments: ServerBackend.allCases)
    func turnsComeBackInOrderOnlyInTheirAccountAndLoseTheirTextAtRetention(_ backend: ServerBackend) async throws {
        try await backend.with { store in
            let account = try await store.account(named: "a")
            let old = Date().addingTimeInterval(-10 * 86_400), now = Date()
            let span = TurnSpan(field: "messages[1]#0", start: 13, end: 25, maskedStart: 13, maskedEnd: 58, kind: "PHONE", pass: "regex",
                                confidence: 0.9, action: "vault-deterministic")
            func turn(_ at: Date, sealed: Data?) -> ProxyTurn {
                ProxyTurn(id: ServerIDs.next("turn"), sessionID: "sess_1", accountID: account.id, agentID: "agt_1", at: at, status: "ok",
                          stageMillis: ["detect": 1.5], spans: [span], restored: 1, unrestorable: 0, sealed: sealed)
            }
            let first = turn(old, sealed: Data([1, 2, 3, 0, 255])), second = turn(now, sealed: Data([9, 9])), third = turn(now, sealed: nil)
            try await store.applySessionDeltas([], turns: [first, second])
            try await store.applySessionDeltas([], turns: [third])
            let read = try await store.turns(sessionID: "sess_1", accountID: account.id, limit: 10)
            #expect(read.map(\.id) == [first.id, second.id, third.id])
            #expect(read[0].spans == [span] && read[0].sealed == Data([1, 2, 3, 0, 255]) && read[2].sealed == nil)
            #expect(read[0].stageMillis == ["detect": 1.5] && read[0].restored == 1)
            #expect(abs(read[0].at.timeIntervalSince(old)) < 0.001)
            #expect(try await store.turns(sessionID: "sess_1", accountID: "acct_other", limit: 10).isEmpty)
            #expect(try await store.turns(sessionID: "sess_1", accountID: account.id, limit: 2).count == 2)

            #expect(try await store.dropTurnPayloads(before: now.addingTimeInterval(-86_400)) == 1)
            let after = try await store.turns(sessionID: "sess_1", accountID: account.id, limit: 10)
            #expect(after[0].sealed == nil && after[0].spans == [span] && after[1].sealed == Data([9, 9]))
            #expect(try await store.dropTurnPayloads(before: now.addingTimeInterval(-86_400)) == 0)
        }
    }

    /// A kept recording opens only in its account and under its key, and goes at retention.
    @Test(arguments: ServerBackend.allCases)
    func recordingsAreSealedForTheirAccountAndDroppedAtRetention(_ backend: ServerBackend) async throws {
        try await backend.with { store in
            let account = try await store.account(named: "a")
            let key = SymmetricKey(size: .bits256), audio: [UInt8] = Array("RIFF....WAVEfmt ".utf8) + [0, 1, 2, 255]
            let old = Date().addingTimeInterval(-10 * 86_400), now = Date()
            let kept = try StoredRecording(id: "rec_1", accountID: account.id, agentID: nil, sessionID: "call-1", createdAt: old,
                                           sealed: StoredRecording.seal(audio, key: key, id: "rec_1", accountID: account.id))
            let fresh = try StoredRecording(id: "rec_2", accountID: account.id, agentID: "agt_1", sessionID: "call-2", createdAt: now,
                                            sealed: StoredRecording.seal(audio, key: key, id: "rec_2", accountID: account.id))
            try await store.insertRecording(kept)
            try await store.insertRecording(fresh)
            let read = try #require(try await store.recording(id: "rec_1", accountID: account.id))
            #expect(read.open(key: key) == audio && read.sessionID == "call-1" && read.agentID == nil)
            #expect(read.sealed != Data(audio))
            #expect(read.open(key: SymmetricKey(size: .bits256)) == nil)
            #expect(try await store.recording(id: "rec_2", accountID: account.id)?.agentID == "agt_1")
            #expect(try await store.recording(id: "rec_1", accountID: "acct_other") == nil)
            // Moved to another account's row, the sealed bytes do not open.
            var moved = read
            moved.accountID = "acct_other"
            #expect(moved.open(key: key) == nil)
            #expect(try await store.dropRecordings(before: now.addingTimeInterval(-86_400)) == 1)
            #expect(try await store.recording(id: "rec_1", accountID: account.id) == nil)
            #expect(try await store.recording(id: "rec_2", accountID: account.id) != nil)
        }
    }
}
