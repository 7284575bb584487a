import Foundation
import MaskerTestSupport
import Testing
import Yams

/// The deployment files of docs/deploy.md are read as their tools would read them (no kubectl or
/// systemd needed): each parses, names only variables Masker documents, keeps no key material,
/// and says what docs/deploy.md says it does.
struct DeployFilesTests {
    static func text(_ path: String) throws -> String {
        try String(contentsOf: Repository.root.appendingPathComponent(path), encoding: .utf8)
    }

    /// Every `MASKER_…` name in `text`.
    static func variables(_ text: String) -> Set<String> {
        Set(text.matches(of: /MASKER_[A-Z0-9_]+/).map { String($0.output) })
    }

    /// What the docs and README say, where every variable a deployment may set is described.
    static func documentation() throws -> String {
        let docs = Repository.root.appendingPathComponent("docs")
        let pages = try FileManager.default.contentsOfDirectory(atPath: docs.path).filter { $0.hasSuffix(".md") }
        return try pages.map { try String(contentsOf: docs.appendingPathComponent($0), encoding: .utf8) }.joined() + text("README.md")
    }

    @Test func theKubernetesManifestHasADeploymentAServiceAndASecretAndIsReadyOnHealth() throws {
        let documents = try Yams.load_all(yaml: try Self.text("deploy/kubernetes.yaml")).map { $0 as? [String: Any] ?? [:] }
        let kinds = documents.compactMap { $0["kind"] as? String }
        #expect(kinds.sorted() == ["Deployment", "Secret", "Service"])
        let deployment = try #require(documents.first { $0["kind"] as? String == "Deployment" })
        let spec = try #require(deployment["spec"] as? [String: Any])
        #expect((spec["replicas"] as? Int ?? 0) >= 2)
        let pod = try #require((spec["template"] as? [String: Any])?["spec"] as? [String: Any])
        let container = try #require((pod["containers"] as? [[String: Any]])?.first)
        #expect(container["args"] as? [String] == ["serve"])
        let readiness = try #require((container["readinessProbe"] as? [String: Any])?["httpGet"] as? [String: Any])
        #expect(readiness["path"] as? String == "/health")
        // The liveness probe does not ask /health: a database outage must not restart every replica.
        #expect((container["livenessProbe"] as? [String: Any])?["httpGet"] == nil)
        // The port the container listens on is the one the probe and the Service use.
        let env = Dictionary(uniqueKeysWithValues: (container["env"] as? [[String: Any]] ?? []).compactMap { entry in
            (entry["name"] as? String).map { ($0, entry["value"] as? String ?? "") }
        })
        let ports = (container["ports"] as? [[String: Any]] ?? []).compactMap { $0["containerPort"] as? Int }
        #expect(ports.contains(Int(env["MASKER_LISTEN_ADDR"]?.split(separator: ":").last ?? "") ?? -1))
        // Keys come from the Secret, never from the manifest's own env.
        let secretName = ((container["envFrom"] as? [[String: Any]])?.first?["secretRef"] as? [String: Any])?["name"] as? String
        let secret = try #require(documents.first { $0["kind"] as? String == "Secret" })
        #expect(secretName == (secret["metadata"] as? [String: Any])?["name"] as? String)
        let secretKeys = Set(((secret["stringData"] as? [String: Any]) ?? [:]).keys)
        #expect(secretKeys.isSuperset(of: ["MASKER_KEY_K_HEALTHCARE", "MASKER_AUDIT_HMAC_KEY", "MASKER_DATABASE_URL"]))
        #expect(env.keys.allSatisfy { !$0.contains("KEY") && $0 != "MASKER_DATABASE_URL" })
        let service = try #require(documents.first { $0["kind"] as? String == "Service" })
        let selector = (service["spec"] as? [String: Any])?["selector"] as? [String: String]
        let labels = ((spec["template"] as? [String: Any])?["metadata"] as? [String: Any])?["labels"] as? [String: String]
        #expect(selector != nil && selector == labels)
    }

    /// The unit as systemd reads it: sections of `Key=Value` lines.
    static func unit(_ text: String) -> [String: [String: [String]]] {
        var sections: [String: [String: [String]]] = [:], section = ""
        for raw in text.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("["), line.hasSuffix("]") {
                section = String(line.dropFirst().dropLast())
                continue
            }
            guard let equals = line.firstIndex(of: "=") else { continue }
            sections[section, default: [:]][String(line[..<equals]), default: []].append(String(line[line.index(after: equals)...]))
        }
        return sections
    }

    @Test func theSystemdUnitRunsServeUnprivilegedWithItsSecretsInAFile() throws {
        let text = try Self.text("deploy/masker.service")
        let unit = Self.unit(text)
        #expect(Set(unit.keys) == ["Unit", "Service", "Install"])
        let service = try #require(unit["Service"])
        #expect(service["ExecStart"]?.first?.hasSuffix("masker serve") == true)
        #expect(service["User"]?.first == "masker" && service["NoNewPrivileges"]?.first == "yes")
        #expect(service["EnvironmentFile"]?.first == "/etc/masker/masker.env")
        #expect(service["KillSignal"]?.first == "SIGTERM" && service["Restart"]?.first == "on-failure")
        #expect(unit["Install"]?["WantedBy"]?.first == "multi-user.target")
        // Every line belongs to a section and is a key and a value: nothing systemd would skip.
        let stray = text.split(separator: "\n").filter { line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            return !(trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix("[") || trimmed.contains("="))
        }
        #expect(stray.isEmpty, "\(stray)")
    }

    @Test func theDeploymentFilesNameOnlyDocumentedVariablesAndHoldNoKeys() throws {
        let documented = try Self.documentation()
        for file in ["deploy/kubernetes.yaml", "deploy/masker.service", "deploy/masker.env.example"] {
            let text = try Self.text(file)
            for variable in Self.variables(text) {
                #expect(documented.contains(variable), "\(file) sets \(variable), which no page of docs/ or the README describes")
            }
            // Key material is a placeholder everywhere: a base64 key of 32 bytes is 44 characters.
            #expect(text.matches(of: /[A-Za-z0-9+\/]{43}=/).isEmpty, "\(file) holds something that looks like a key")
        }
        let example = try Self.text("deploy/masker.env.example")
        for line in example.split(separator: "\n") where !line.hasPrefix("#") {
            #expect(line.contains("="), "not a KEY=value line: \(line)")
        }
    }
}
