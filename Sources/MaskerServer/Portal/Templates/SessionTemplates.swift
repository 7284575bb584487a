enum SessionTemplates {
    static let list = """
    {{> header}}
    <h1>Sessions</h1>
    <form method="get" action="/sessions" class="actions" role="search" aria-label="Filter sessions">
      <label for="agent">Agent</label>
      <select id="agent" name="agent"><option value="">all</option>{{#agents}}<option value="{{id}}" {{#selected}}selected{{/selected}}>{{name}}</option>{{/agents}}</select>
      <label for="status">Status</label>
      <input id="status" name="status" value="{{status}}" placeholder="ok, or an error code" size="14">
      <label for="since">Updated</label>
      <select id="since" name="since">{{#windows}}<option value="{{value}}" {{#selected}}selected{{/selected}}>{{label}}</option>{{/windows}}</select>
      <label for="kind">Masked kind</label>
      <select id="kind" name="kind"><option value="">any</option>{{#kinds}}<option value="{{value}}" {{#selected}}selected{{/selected}}>{{value}}</option>{{/kinds}}</select>
      <button type="submit">Filter</button>
    </form>
    {{^hasSessions}}<p>No session matches.</p>{{/hasSessions}}
    {{#hasSessions}}
    <table>
      <caption>Newest first{{#filtered}}; the kind filter applies to each page of 50{{/filtered}}</caption>
      <thead><tr><th scope="col">Session</th><th scope="col">Agent</th><th scope="col">Call id</th><th scope="col">Updated (UTC)</th>
        <th scope="col" class="num">Turns</th><th scope="col" class="num">Masked</th><th scope="col">Kinds</th><th scope="col">Status</th></tr></thead>
      <tbody>
      {{#sessions}}<tr><td><a href="/sessions/{{id}}">{{id}}</a></td><td>{{agent}}</td><td>{{external}}</td><td>{{updated}}</td>
        <td class="num">{{turns}}</td><td class="num">{{redactions}}</td><td>{{kindList}}</td><td>{{status}}</td></tr>{{/sessions}}
      </tbody>
    </table>
    {{/hasSessions}}
    {{#next}}<p><a class="button secondary" href="{{next}}">Older sessions</a></p>{{/next}}
    {{> footer}}
    """

    static let show = """
    {{> header}}
    {{#call}}
    <h1>Session {{id}}</h1>
    <table>
      <caption>The call</caption>
      <tbody>
        <tr><th scope="row">Agent</th><td><a href="/agents/{{agentID}}">{{agent}}</a></td></tr>
        <tr><th scope="row">Call id</th><td>{{external}}</td></tr>
        <tr><th scope="row">Started (UTC)</th><td>{{started}}</td></tr>
        <tr><th scope="row">Last turn (UTC)</th><td>{{updated}}</td></tr>
        <tr><th scope="row">Turns</th><td>{{turns}}</td></tr>
        <tr><th scope="row">Status</th><td>{{status}}</td></tr>
      </tbody>
    </table>
    {{/call}}
    <div class="grid">
      <section aria-labelledby="masked"><h2 id="masked">What was masked</h2>
        <table><caption>Redactions by kind</caption><thead><tr><th scope="col">Kind</th><th scope="col" class="num">Count</th></tr></thead>
        <tbody>{{#kinds}}<tr><td>{{kind}}</td><td class="num">{{count}}</td></tr>{{/kinds}}</tbody></table></section>
      <section aria-labelledby="time"><h2 id="time">Where the time went</h2>
        <table><caption>Mean milliseconds per turn</caption><thead><tr><th scope="col">Stage</th><th scope="col" class="num">ms</th></tr></thead>
        <tbody>{{#stages}}<tr><td>{{stage}}</td><td class="num">{{ms}}</td></tr>{{/stages}}</tbody></table></section>
    </div>
    <p class="hint">The turns' text (original, masked, the model's answer, restored) is not shown here: it exists only when the
    policy sets <code>audit.log_payloads: true</code>, encrypted beside the audit log, and the page that reads it back is still to come.</p>
    {{> footer}}
    """
}
