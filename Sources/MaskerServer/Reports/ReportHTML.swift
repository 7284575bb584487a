import MaskerCore
import Mustache

/// The printable form of an audit report: one self-contained HTML page (no scripts run, no external
/// resources) laid out for A4/Letter, with the signed JSON embedded verbatim in a
/// `<script type="application/json">` block so `masker report verify` checks the page itself.
///
/// A print-ready page rather than a PDF: no PDF writer in the stack is good enough, and every
/// browser prints this page to PDF (`chromium --headless --print-to-pdf=report.pdf report.html`).
/// `masker report --format html` writes it, and the portal serves it as a report's printable page.
public enum ReportHTML {
    public static let scriptID = "masker-report"

    public static func render(_ report: JSONValue) throws -> String {
        let template = try MustacheTemplate(string: template)
        return template.render(viewModel(report))
    }

    /// Pulls the signed JSON back out of a page written by `render`.
    public static func embeddedJSON(in html: String) -> String? {
        let open = "<script type=\"application/json\" id=\"\(scriptID)\">"
        guard let start = html.range(of: open), let end = html.range(of: "</script>", range: start.upperBound..<html.endIndex) else { return nil }
        return String(html[start.upperBound..<end.lowerBound])
    }

    private static func field(_ value: JSONValue, _ path: String...) -> JSONValue {
        var current = value
        for key in path {
            guard let next = current[key] else { return .null }
            current = next
        }
        return current
    }

    private static func text(_ value: JSONValue) -> String {
        switch value {
        case .null: return "—"
        case let .string(string): return string
        default: return value.serialized()
        }
    }

    private static func rows(_ value: JSONValue) -> [[String: Any]] {
        guard case let .object(pairs) = value else { return [] }
        return pairs.map { ["name": $0.0, "count": text($0.1)] }
    }

    private static func viewModel(_ report: JSONValue) -> [String: Any] {
        let chain = field(report, "chain")
        var categories: [[String: Any]] = []
        if case let .array(rows) = field(report, "safe_harbor") {
            for row in rows {
                var recall: [String] = []
                if case let .object(sets) = field(row, "measured_recall") {
                    for (name, value) in sets {
                        if case let .double(share) = field(value, "recall") {
                            recall.append("\(name): \(Int((share * 100).rounded()))% of \(text(field(value, "gold_spans")))")
                        } else {
                            recall.append("\(name): no labelled spans")
                        }
                    }
                }
                var kinds: [String] = []
                if case let .array(values) = field(row, "kinds") { kinds = values.map(text) }
                categories.append([
                    "category": text(field(row, "category")), "title": text(field(row, "title")),
                    "kinds": kinds.isEmpty ? "—" : kinds.joined(separator: ", "), "coverage": text(field(row, "coverage")),
                    "redactions": text(field(row, "redactions")), "recall": recall.joined(separator: "; "),
                ])
            }
        }
        var samples: [[String: Any]] = []
        if case let .array(values) = field(report, "samples") {
            samples = values.map { ["ts": text(field($0, "ts")), "session": text(field($0, "session_id")), "masked": text(field($0, "masked"))] }
        }
        var policies: [String] = []
        if case let .array(values) = field(report, "policies_seen") { policies = values.map(text) }
        let embedded = report.serialized().replacingOccurrences(of: "<", with: "\\u003c")
        return [
            "generated_at": text(field(report, "generated_at")),
            "session_id": text(field(report, "scope", "session_id")), "agent_id": text(field(report, "scope", "agent_id")),
            "since": text(field(report, "scope", "since")), "until": text(field(report, "scope", "until")),
            "verified": field(chain, "verified") == .bool(true),
            "log": text(field(chain, "log")), "records": text(field(chain, "records")), "root": text(field(chain, "root")),
            "start": text(field(chain, "start")), "break_line": text(field(chain, "first_break", "line")),
            "break_reason": text(field(chain, "first_break", "reason")),
            "scope_records": text(field(chain, "scope_records")), "scope_start": text(field(chain, "scope_start_hash")),
            "scope_end": text(field(chain, "scope_end_hash")), "scope_first_ts": text(field(chain, "scope_first_ts")),
            "scope_last_ts": text(field(chain, "scope_last_ts")),
            "sessions": text(field(report, "counts", "sessions")),
            "events": rows(field(report, "counts", "events_by_kind")),
            "by_kind": rows(field(report, "counts", "redactions_by_entity_kind")),
            "by_pass": rows(field(report, "counts", "redactions_by_pass")),
            "by_treatment": rows(field(report, "counts", "redactions_by_treatment")),
            "categories": categories, "samples": samples, "has_samples": !samples.isEmpty,
            "samples_note": text(field(report, "samples_note")), "policies": policies,
            "policy": field(report, "policy").serialized(indent: 2),
            "public_key": text(field(report, "signature", "public_key")), "signature": text(field(report, "signature", "value")),
            "embedded": embedded, "script_id": scriptID,
        ]
    }

    static let template = """
    <!DOCTYPE html>
    <html lang="en"><head><meta charset="utf-8"><title>Masker audit report {{generated_at}}</title>
    <style>
    body { font: 11pt/1.4 system-ui, sans-serif; color: #111; margin: 2em auto; max-width: 60em; }
    h1 { font-size: 18pt; margin-bottom: 0; } h2 { font-size: 13pt; border-bottom: 1px solid #999; margin-top: 1.6em; }
    table { border-collapse: collapse; width: 100%; margin: .5em 0; } th, td { border: 1px solid #bbb; padding: 3px 6px; text-align: left; vertical-align: top; }
    th { background: #eee; } code, pre { font: 9pt/1.3 ui-monospace, monospace; word-break: break-all; white-space: pre-wrap; }
    .ok { color: #064; font-weight: bold; } .bad { color: #a00; font-weight: bold; } .muted { color: #555; }
    @page { size: auto; margin: 15mm; } @media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } tr { break-inside: avoid; } }
    </style></head><body>
    <h1>Masker audit report</h1>
    <p class="muted">Generated {{generated_at}}. Signed with Ed25519; check with <code>masker report verify FILE</code>.</p>
    <h2>Scope</h2>
    <table><tr><th>Session</th><td>{{session_id}}</td><th>Agent</th><td>{{agent_id}}</td></tr>
    <tr><th>From</th><td>{{since}}</td><th>Until</th><td>{{until}}</td></tr>
    <tr><th>Records in scope</th><td>{{scope_records}}</td><th>Sessions</th><td>{{sessions}}</td></tr>
    <tr><th>First record</th><td>{{scope_first_ts}}</td><th>Last record</th><td>{{scope_last_ts}}</td></tr></table>
    <h2>Audit chain</h2>
    <p>{{#verified}}<span class="ok">The chain verifies</span>{{/verified}}{{^verified}}<span class="bad">The chain is broken at line {{break_line}}: {{break_reason}}</span>{{/verified}} — {{records}} records in <code>{{log}}</code>.</p>
    <table><tr><th>Log starts after</th><td><code>{{start}}</code></td></tr><tr><th>Log root (last hash)</th><td><code>{{root}}</code></td></tr>
    <tr><th>Scope starts after</th><td><code>{{scope_start}}</code></td></tr><tr><th>Scope ends at</th><td><code>{{scope_end}}</code></td></tr></table>
    <h2>Counts</h2>
    <table><tr><th>Events by kind</th><th>Redactions by entity kind</th><th>By pass</th><th>By treatment</th></tr>
    <tr><td>{{#events}}{{name}}: {{count}}<br>{{/events}}</td><td>{{#by_kind}}{{name}}: {{count}}<br>{{/by_kind}}</td>
    <td>{{#by_pass}}{{name}}: {{count}}<br>{{/by_pass}}</td><td>{{#by_treatment}}{{name}}: {{count}}<br>{{/by_treatment}}</td></tr></table>
    <h2>HIPAA Safe Harbor coverage (45 CFR 164.514(b)(2))</h2>
    <p class="muted">Measured recall: the share of labelled spans this release finds, per data set (see docs/audit.md).</p>
    <table><tr><th></th><th>Category</th><th>Kinds</th><th>In this policy</th><th>Masked in scope</th><th>Measured recall</th></tr>
    {{#categories}}<tr><td>{{category}}</td><td>{{title}}</td><td>{{kinds}}</td><td>{{coverage}}</td><td>{{redactions}}</td><td>{{recall}}</td></tr>
    {{/categories}}</table>
    <h2>Policy</h2>
    <p>Policies named by the records in scope: {{#policies}}<code>{{.}}</code> {{/policies}}</p>
    <p class="muted">Policy in force when the report was made:</p>
    <pre>{{policy}}</pre>
    <h2>Sample masked transcripts</h2>
    {{#has_samples}}<table><tr><th>Time</th><th>Session</th><th>Masked text</th></tr>
    {{#samples}}<tr><td>{{ts}}</td><td>{{session}}</td><td>{{masked}}</td></tr>
    {{/samples}}</table>{{/has_samples}}{{^has_samples}}<p class="muted">{{samples_note}}</p>{{/has_samples}}
    <h2>Signature</h2>
    <table><tr><th>Public key</th><td><code>{{public_key}}</code></td></tr><tr><th>Signature</th><td><code>{{signature}}</code></td></tr></table>
    <script type="application/json" id="{{script_id}}">{{{embedded}}}</script>
    </body></html>

    """
}
