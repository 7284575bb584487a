import MaskerCore

/// The sessions `masker mask` and `masker rehydrate` mint and restore in. Tokens of the command
/// line belong to the `local` account (`TokenScopes`), owner `cli`: a token restores only with the
/// session it was minted in (unless the policy says `scope: global`), never a server account's.
/// Session ids are written into the audit log as they are, so they follow the server's grammar
/// (`OpaqueID`).
enum CLISession {
    static let owner = "cli"

    /// A new session id for a run that names none: `cli_` and a sortable random id.
    static func generated() -> String {
        var generator = SortableIDGenerator()
        return generator.next(prefix: owner)
    }

    /// `id` when it is an opaque call id; usage error (64) otherwise, naming the option, not the id.
    static func check(_ id: String, option: String) throws(CLIFailure) -> String {
        guard let problem = OpaqueID.problem(with: id) else { return id }
        throw CLIFailure(.usage, "\(option) must be an opaque call id (a UUID or a platform's call id: letters, digits, "
                         + "'_', '.', ':', '-'), and \(problem.explanation)")
    }

    /// Why a batch record's session is refused, or nil when it is fine.
    static func problem(_ id: String) -> String? {
        OpaqueID.problem(with: id).map { "\"session\" must be an opaque call id, and \($0.explanation)" }
    }

    static func scope(_ policy: Policy, session: String) -> String {
        TokenScopes.scope(policy, account: TokenScopes.localAccount, owner: owner, session: session)
    }
}
