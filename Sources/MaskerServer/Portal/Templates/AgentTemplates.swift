/// The agent pages: the list, the create form (also the edit form, on the agent's page), the
/// agent's page, and the delete confirmation.
enum AgentTemplates {
    static let list = """
    {{> header}}
    <h1>Agents</h1>
    <div class="actions"><a class="button" href="/agents/new">New agent</a></div>
    {{^hasAgents}}<p>No agent yet. An agent is what a voice platform calls: its proxy URL, its upstream model and its policy.</p>{{/hasAgents}}
    {{#hasAgents}}
    <table>
      <caption>This account's agents</caption>
      <thead><tr><th scope="col">Name</th><th scope="col">Upstream</th><th scope="col">Scheme</th><th scope="col">Policy</th><th scope="col">Created (UTC)</th></tr></thead>
      <tbody>
      {{#agents}}<tr><td><a href="/agents/{{id}}">{{name}}</a></td><td>{{upstream}}</td><td>{{scheme}}</td><td>{{policy}}</td><td>{{created}}</td></tr>{{/agents}}
      </tbody>
    </table>
    {{/hasAgents}}
    {{> footer}}
    """

    /// The fields, shared by the create page and the agent's edit section.
    static let fields = """
    {{#problem}}
    <div class="alert" role="alert">
      <p>{{message}}</p>
      {{#hasIssues}}<ul class="issues">{{#issues}}<li>Line {{line}}, column {{column}}: <code>{{code}}</code>: {{message}} <em>Fix:</em> {{fix}}</li>{{/issues}}</ul>{{/hasIssues}}
    </div>
    {{/problem}}
    <form class="stack" method="post" action="{{action}}">
      <input type="hidden" name="csrf_token" value="{{csrf}}">
      {{#form}}
      <label for="name">Name</label>
      <input id="name" name="name" required maxlength="100" value="{{name}}">
      <label for="upstream">Upstream model</label>
      <input id="upstream" name="upstream" required value="{{upstream}}" aria-describedby="upstream-help">
      <small id="upstream-help"><code>openai:MODEL</code> (your key travels with each request), <code>azure-openai:DEPLOYMENT</code> (the server's Azure OpenAI resource), or <code>stub</code> to try without a model.</small>
      {{/form}}
      <label for="tokenization">Tokenization scheme</label>
      <select id="tokenization" name="tokenization">{{#schemes}}<option value="{{value}}" {{#selected}}selected{{/selected}}>{{label}}</option>{{/schemes}}</select>
      {{#form}}
      <fieldset>
        <legend>Policy</legend>
        <label><input type="radio" name="policy_choice" value="server" {{#server}}checked{{/server}}> The server's policy</label><br>
        <label><input type="radio" name="policy_choice" value="builtin" {{#builtin}}checked{{/builtin}}> The built-in {{builtinPolicy}}</label><br>
        <label><input type="radio" name="policy_choice" value="yaml" {{#yaml}}checked{{/yaml}}> Its own, pasted below (checked as you type, and when you save)</label>
        <label for="policy_yaml" class="sr">Policy YAML</label>
        <textarea id="policy_yaml" name="policy_yaml" spellcheck="false" data-check="policy-live" aria-describedby="policy-live">{{policyYAML}}</textarea>
        <div id="policy-live" class="live" aria-live="polite"></div>
      </fieldset>
      {{/form}}
      <button type="submit">Save</button>
    </form>
    """

    static let form = """
    {{> header}}
    <h1>{{title}}</h1>
    {{> agent-fields}}
    {{> footer}}
    """

    static let show = """
    {{> header}}
    {{#agent}}
    <h1>{{name}}</h1>
    {{#justCreated}}<p class="notice" role="status">Agent created. Paste its URL into your voice platform.</p>{{/justCreated}}
    <section class="card" aria-labelledby="url">
      <h2 id="url">Proxy URL</h2>
      <p class="copy"><code>{{proxyURL}}</code> <button type="button" class="secondary" data-copy="{{proxyURL}}">Copy</button></p>
      <p><small>Upstream {{upstream}} · scheme {{scheme}} · policy {{policy}} · created {{created}} UTC · id {{id}}</small></p>
    </section>
    {{/agent}}
    {{#noPublicURL}}<p class="hint">These URLs use the address your browser reached this server at. A voice platform calls from the internet:
    set <code>MASKER_PUBLIC_URL</code> to the address it can reach (https, behind your proxy) and they will use it.</p>{{/noPublicURL}}
    <section class="card" aria-labelledby="platforms">
      <h2 id="platforms">Settings for your voice platform</h2>
      {{#platforms}}
      <h3>{{name}}</h3>
      <p>{{how}}</p>
      {{#fields}}<p class="copy"><span>{{label}}:</span> <code>{{value}}</code> <button type="button" class="secondary" data-copy="{{value}}">Copy</button></p>{{/fields}}
      {{/platforms}}
    </section>
    {{#stats}}
    <section class="card" aria-labelledby="week">
      <h2 id="week">Last 7 days</h2>
      <p>{{sessions}} call(s), {{turns}} turn(s).</p>
      {{#hasKinds}}<table><caption>Redactions by kind</caption><thead><tr><th scope="col">Kind</th><th scope="col" class="num">Count</th></tr></thead>
      <tbody>{{#kinds}}<tr><td>{{kind}}</td><td class="num">{{count}}</td></tr>{{/kinds}}</tbody></table>{{/hasKinds}}
    </section>
    {{/stats}}
    <section class="card" aria-labelledby="edit">
      <h2 id="edit">Edit</h2>
      <p><small>The id, and so the proxy URL, stays the same.</small></p>
      {{> agent-fields}}
    </section>
    {{#agent}}<p><a class="button secondary" href="/agents/{{id}}/delete">Delete this agent…</a></p>{{/agent}}
    {{> footer}}
    """

    static let delete = """
    {{> header}}
    {{#agent}}
    <h1>Delete {{name}}?</h1>
    <p>Calls to <code>{{proxyURL}}</code> will be refused from then on. Its recorded sessions and audit records stay.</p>
    <form method="post" action="/agents/{{id}}/delete" class="actions">
      <input type="hidden" name="csrf_token" value="{{csrf}}">
      <input type="hidden" name="confirm" value="yes">
      <button type="submit" class="danger">Delete the agent</button>
      <a href="/agents/{{id}}">Keep it</a>
    </form>
    {{/agent}}
    {{> footer}}
    """
}
