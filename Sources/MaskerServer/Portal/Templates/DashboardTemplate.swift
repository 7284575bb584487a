enum DashboardTemplate {
    static let text = """
    {{> header}}
    <h1>Dashboard</h1>
    <div class="grid">
      <section aria-labelledby="calls">
        <h2 id="calls">Calls, last 7 days</h2>
        {{^hasSessions}}<p>No calls yet. Point a voice platform at an agent's proxy URL (<code>masker agents create</code>).</p>{{/hasSessions}}
        {{#hasSessions}}
        <table>
          <caption>Sessions and turns per day (UTC){{#truncated}}, from the latest {{sessionCount}} sessions{{/truncated}}</caption>
          <thead><tr><th scope="col">Day</th><th scope="col" class="num">Sessions</th><th scope="col" class="num">Turns</th><th scope="col"><span class="sr">Share</span></th></tr></thead>
          <tbody>
          {{#days}}<tr><td>{{day}}</td><td class="num">{{sessions}}</td><td class="num">{{turns}}</td><td class="bar"><meter min="0" max="100" value="{{width}}">{{width}}%</meter></td></tr>{{/days}}
          </tbody>
        </table>
        {{/hasSessions}}
        <p>{{agentCount}} agent(s).</p>
      </section>
      <section aria-labelledby="masked">
        <h2 id="masked">What was masked</h2>
        {{^hasKinds}}<p>Nothing masked in this period.</p>{{/hasKinds}}
        {{#hasKinds}}
        <table>
          <caption>Redactions by kind, last 7 days</caption>
          <thead><tr><th scope="col">Kind</th><th scope="col" class="num">Count</th><th scope="col"><span class="sr">Share</span></th></tr></thead>
          <tbody>
          {{#kinds}}<tr><td>{{kind}}</td><td class="num">{{count}}</td><td class="bar"><meter min="0" max="100" value="{{width}}">{{width}}%</meter></td></tr>{{/kinds}}
          </tbody>
        </table>
        <table>
          <caption>By the pass that found them</caption>
          <thead><tr><th scope="col">Pass</th><th scope="col" class="num">Count</th><th scope="col"><span class="sr">Share</span></th></tr></thead>
          <tbody>
          {{#passes}}<tr><td>{{kind}}</td><td class="num">{{count}}</td><td class="bar"><meter min="0" max="100" value="{{width}}">{{width}}%</meter></td></tr>{{/passes}}
          </tbody>
        </table>
        {{/hasKinds}}
      </section>
      <section aria-labelledby="time">
        <h2 id="time">Where the time went</h2>
        {{^hasStages}}<p>No turns yet.</p>{{/hasStages}}
        {{#hasStages}}
        <table>
          <caption>Mean milliseconds per turn, by stage</caption>
          <thead><tr><th scope="col">Stage</th><th scope="col" class="num">ms</th></tr></thead>
          <tbody>{{#stages}}<tr><td>{{stage}}</td><td class="num">{{ms}}</td></tr>{{/stages}}</tbody>
        </table>
        {{/hasStages}}
        <table>
          <caption>Per request on this server since it started, all accounts (its /metrics histogram)</caption>
          <thead><tr><th scope="col">Stage</th><th scope="col" class="num">Requests</th><th scope="col">p50</th><th scope="col">p99</th></tr></thead>
          <tbody>{{#latency}}<tr><td>{{stage}}</td><td class="num">{{count}}</td><td>{{p50}}</td><td>{{p99}}</td></tr>{{/latency}}</tbody>
        </table>
      </section>
      <section aria-labelledby="health">
        <h2 id="health">Health</h2>
        <ul class="health">
          {{#components}}<li class="{{#ok}}ok{{/ok}}{{^ok}}down{{/ok}}"><strong>{{name}}</strong> <span>{{#ok}}ok{{/ok}}{{^ok}}down{{/ok}}</span><br><small>{{detail}}</small></li>{{/components}}
        </ul>
      </section>
      <section aria-labelledby="policy">
        <h2 id="policy">Policy in force</h2>
        {{#policy}}
        <p><strong>{{name}}</strong>, version {{version}}</p>
        {{#description}}<p>{{description}}</p>{{/description}}
        <p>Passes: {{passes}}</p>
        {{/policy}}
      </section>
    </div>
    {{> footer}}
    """
}
