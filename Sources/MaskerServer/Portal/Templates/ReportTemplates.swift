enum ReportTemplates {
    static let list = """
    {{> header}}
    <h1>Reports</h1>
    <p>A report covers this account's records: counts by kind and pass, the HIPAA Safe Harbor matrix with the recall this release
    measured, the policy, the audit chain's hashes with its verification, and samples of kept masked text, signed with Ed25519.
    Check a downloaded report with <code>masker report verify FILE</code>.</p>
    {{#off}}<p class="alert" role="alert">{{off}}</p>{{/off}}
    {{#problem}}<p class="alert" role="alert">{{problem}}</p>{{/problem}}
    {{^off}}
    <form class="stack card" method="post" action="/reports">
      <input type="hidden" name="csrf_token" value="{{csrf}}">
      <fieldset>
        <legend>What it covers</legend>
        <label><input type="radio" name="scope" value="window" checked> Every agent of this account</label><br>
        <label><input type="radio" name="scope" value="agent"> One agent:</label>
        <label for="report-agent" class="sr">Agent</label>
        <select id="report-agent" name="agent">{{#agents}}<option value="{{id}}">{{name}}</option>{{/agents}}</select><br>
        <label><input type="radio" name="scope" value="session"> One session:</label>
        <label for="report-session" class="sr">Session id</label>
        <input id="report-session" name="session" placeholder="sess_…" size="30">
      </fieldset>
      <label for="since">Over</label>
      <select id="since" name="since">{{#windows}}<option value="{{value}}" {{#selected}}selected{{/selected}}>{{label}}</option>{{/windows}}</select>
      <p class="hint">A session's report covers the whole call, whatever the period.</p>
      <button type="submit">Make the report</button>
    </form>
    {{/off}}
    {{^hasReports}}<p>No report yet.</p>{{/hasReports}}
    {{#hasReports}}
    <table>
      <caption>This account's reports, newest first</caption>
      <thead><tr><th scope="col">Report</th><th scope="col">Made (UTC)</th><th scope="col">Covers</th><th scope="col">Chain</th></tr></thead>
      <tbody>{{#reports}}<tr><td><a href="/reports/{{id}}">{{id}}</a></td><td>{{created}}</td><td>{{scope}}</td>
        <td>{{#verified}}verified{{/verified}}{{^verified}}<strong>broken</strong>{{/verified}}</td></tr>{{/reports}}</tbody>
    </table>
    {{/hasReports}}
    {{> footer}}
    """

    static let show = """
    {{> header}}
    <h1>Report {{id}}</h1>
    <p>{{scope}}; made {{created}} UTC.</p>
    {{#verified}}<p class="notice" role="status">The audit chain verified when the report was made (root <code>{{root}}</code>).</p>{{/verified}}
    {{^verified}}<p class="alert" role="alert">The audit chain was broken when the report was made: {{breakReason}}</p>{{/verified}}
    <div class="actions">
      <a class="button" href="/reports/{{id}}/print">Printable page</a>
      <a class="button secondary" href="/reports/{{id}}/json" download>Download the signed JSON</a>
    </div>
    <div class="grid">
      <section aria-labelledby="counts"><h2 id="counts">In scope</h2>
        <p>{{records}} record(s), {{sessions}} session(s).</p>
        <table><caption>Redactions by kind</caption><thead><tr><th scope="col">Kind</th><th scope="col" class="num">Count</th></tr></thead>
        <tbody>{{#kinds}}<tr><td>{{kind}}</td><td class="num">{{count}}</td></tr>{{/kinds}}</tbody></table></section>
      <section aria-labelledby="signature"><h2 id="signature">Signature</h2>
        <p>Ed25519, public key <code>{{publicKey}}</code>. <code>masker report verify --public-key KEY FILE</code> checks both the report and who signed it.</p></section>
    </div>
    <table>
      <caption>HIPAA Safe Harbor (45 CFR 164.514(b)(2)): the 18 identifier categories</caption>
      <thead><tr><th scope="col"></th><th scope="col">Category</th><th scope="col">Kinds</th><th scope="col">In the policy</th><th scope="col" class="num">Masked in scope</th></tr></thead>
      <tbody>{{#harbor}}<tr><td>{{category}}</td><td>{{title}}</td><td>{{kinds}}</td><td>{{coverage}}</td><td class="num">{{redactions}}</td></tr>{{/harbor}}</tbody>
    </table>
    <p class="hint">The printable page carries the measured recall for each category and the signed JSON itself.</p>
    {{> footer}}
    """
}
