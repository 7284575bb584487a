enum AuditTemplates {
    static let audit = """
    {{> header}}
    <h1>Audit</h1>
    <p>The audit log is a chain: each record carries an HMAC over the one before, so a record changed, removed or inserted breaks it from there on.</p>
    {{#problem}}<p class="alert" role="alert">{{problem}}</p>{{/problem}}
    {{#verified}}
    {{#holds}}<p class="notice" role="status">The chain holds: {{records}} record(s), root <code>{{root}}</code>.</p>{{/holds}}
    {{^holds}}<p class="alert" role="alert">The chain is broken{{#firstBreak}} at line {{line}}: {{reason}}{{/firstBreak}}. {{records}} record(s) read.</p>{{/holds}}
    {{/verified}}
    <div class="actions">
      <form method="post" action="/audit/verify"><input type="hidden" name="csrf_token" value="{{csrf}}"><button type="submit">Verify the chain</button></form>
      <a class="button secondary" href="/reports">Reports</a>
    </div>
    <h2 id="events">Events</h2>
    <form method="get" action="/audit" class="actions" role="search" aria-label="Filter events">
      <label for="kind">Event</label>
      <select id="kind" name="kind"><option value="">any</option>{{#kinds}}<option value="{{value}}" {{#selected}}selected{{/selected}}>{{value}}</option>{{/kinds}}</select>
      <label for="entity">Entity kind</label>
      <select id="entity" name="entity"><option value="">any</option>{{#entities}}<option value="{{value}}" {{#selected}}selected{{/selected}}>{{value}}</option>{{/entities}}</select>
      <label for="agent">Agent</label>
      <select id="agent" name="agent"><option value="">all</option>{{#agents}}<option value="{{id}}" {{#selected}}selected{{/selected}}>{{name}}</option>{{/agents}}</select>
      <label for="call">Call id</label>
      <input id="call" name="call" value="{{call}}" size="16">
      <button type="submit">Filter</button>
    </form>
    {{^hasEvents}}<p>No event matches{{#partial}} in the {{scanned}} most recent records read{{/partial}}.</p>{{/hasEvents}}
    {{#hasEvents}}
    <table>
      <caption>Newest first: this account's agents{{#isAdmin}} and the server's own records{{/isAdmin}}. Positions and kinds only, never text.</caption>
      <thead><tr><th scope="col">Time (UTC)</th><th scope="col">Event</th><th scope="col">Kind</th><th scope="col">Pass</th>
        <th scope="col" class="num">Confidence</th><th scope="col">Treatment</th><th scope="col">Agent</th><th scope="col">Call id</th>
        <th scope="col">Field</th><th scope="col">Span</th></tr></thead>
      <tbody>
      {{#events}}<tr><td>{{ts}}</td><td>{{kind}}</td><td>{{entity}}</td><td>{{pass}}</td><td class="num">{{confidence}}</td><td>{{tokenKind}}</td>
        <td>{{agent}}</td><td>{{call}}</td><td>{{field}}</td><td>{{span}}</td></tr>{{/events}}
      </tbody>
    </table>
    {{#partial}}<p class="hint">{{scanned}} records read for this page; older records may match.</p>{{/partial}}
    {{/hasEvents}}
    {{#next}}<p><a class="button secondary" href="{{next}}">Older events</a></p>{{/next}}
    {{> footer}}
    """
}
