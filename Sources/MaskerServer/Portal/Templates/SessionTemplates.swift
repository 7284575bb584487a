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
    <form method="post" action="/reports" class="actions">
      <input type="hidden" name="csrf_token" value="{{csrf}}"><input type="hidden" name="scope" value="session"><input type="hidden" name="session" value="{{id}}">
      <button type="submit" class="secondary">Make a signed report of this call</button>
    </form>
    {{/call}}
    <div class="grid">
      <section aria-labelledby="masked"><h2 id="masked">What was masked</h2>
        <table><caption>Redactions by kind</caption><thead><tr><th scope="col">Kind</th><th scope="col" class="num">Count</th></tr></thead>
        <tbody>{{#kinds}}<tr><td>{{kind}}</td><td class="num">{{count}}</td></tr>{{/kinds}}</tbody></table></section>
      <section aria-labelledby="time"><h2 id="time">Where the time went</h2>
        <table><caption>Mean milliseconds per turn</caption><thead><tr><th scope="col">Stage</th><th scope="col" class="num">ms</th></tr></thead>
        <tbody>{{#stages}}<tr><td>{{stage}}</td><td class="num">{{ms}}</td></tr>{{/stages}}</tbody></table></section>
    </div>
    <h2 id="turns">Turns</h2>
    {{^hasTurns}}<p>No turn of this session has a record of its own (turns answered before this version of Masker have counts only).</p>{{/hasTurns}}
    {{#moreTurns}}<p class="hint">The first {{moreTurns}} turns are shown.</p>{{/moreTurns}}
    {{#turns}}
    <article class="turn" aria-labelledby="{{id}}">
      <h3 id="{{id}}">Turn {{number}} <small>{{at}} UTC · {{status}} · {{masked}} masked · {{restored}} restored{{#hasUnrestorable}} · {{unrestorable}} not restorable{{/hasUnrestorable}}</small></h3>
      <p class="stages">{{#stages}}<span>{{stage}} {{ms}} ms</span> {{/stages}}</p>
      {{#payload}}
      {{#truncated}}<p class="hint">Long texts were cut to their first 64 Ki characters when kept.</p>{{/truncated}}
      {{#texts}}
      <div class="panels">
        <section aria-label="Original, {{field}}"><h4>Original <small>{{role}} · {{field}}</small></h4>
          <p class="highlighted">{{#original}}{{#plain}}{{plain}}{{/plain}}{{#mark}}<mark class="k-{{kind}}" title="{{kind}} · {{pass}} · {{confidence}}">{{mark}}<span class="tag">{{kind}}</span></mark>{{/mark}}{{/original}}</p></section>
        <section aria-label="Masked, {{field}}"><h4>Masked <small>what the model saw</small></h4>
          <p class="highlighted">{{#masked}}{{#plain}}{{plain}}{{/plain}}{{#mark}}<mark class="k-{{kind}}" title="{{kind}}">{{mark}}</mark>{{/mark}}{{/masked}}</p></section>
      </div>
      {{/texts}}
      {{^hasTexts}}<p class="hint">Nothing new in this turn's request: the call's earlier messages were masked in the turns that brought them.</p>{{/hasTexts}}
      <div class="panels">
        <section aria-label="Model answer"><h4>Model answer <small>as it came back</small></h4>{{#hasAnswer}}<pre>{{answer}}</pre>{{/hasAnswer}}{{^hasAnswer}}<p>No answer: the turn ended before one.</p>{{/hasAnswer}}</section>
        <section aria-label="Restored answer"><h4>Restored <small>what the caller heard</small></h4>{{#hasAnswer}}<pre>{{restored}}</pre>{{/hasAnswer}}{{^hasAnswer}}<p>No answer.</p>{{/hasAnswer}}</section>
      </div>
      {{/payload}}
      {{#why}}<p class="hint">{{why}}</p>{{/why}}
      {{#hasSpans}}
      <table><caption>Masked spans (positions in the field's text)</caption>
        <thead><tr><th scope="col">Field</th><th scope="col">Kind</th><th scope="col">Pass</th><th scope="col" class="num">Confidence</th><th scope="col">Replaced by</th><th scope="col">Span</th><th scope="col">Speaker</th></tr></thead>
        <tbody>{{#spans}}<tr><td>{{field}}</td><td>{{kind}}</td><td>{{pass}}</td><td class="num">{{confidence}}</td><td>{{action}}</td><td>{{span}}</td><td>{{speaker}}</td></tr>{{/spans}}</tbody>
      </table>
      {{/hasSpans}}
    </article>
    {{/turns}}
    {{> footer}}
    """
}
