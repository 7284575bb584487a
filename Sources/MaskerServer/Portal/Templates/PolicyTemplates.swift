enum PolicyTemplates {
    static let policy = """
    {{> header}}
    <h1>Policy</h1>
    {{#reloaded}}<p class="notice" role="status">{{reloaded}}</p>{{/reloaded}}
    {{#reloadProblem}}<p class="alert" role="alert">{{reloadProblem}}</p>{{/reloadProblem}}
    <div class="grid">
      <section aria-labelledby="live">
        <h2 id="live">In force: {{liveName}}, version {{liveVersion}}</h2>
        <pre>{{live}}</pre>
        {{#isAdmin}}
        <form method="post" action="/policy/reload"><input type="hidden" name="csrf_token" value="{{csrf}}">
          <button type="submit">Reload the server's policy file</button></form>
        {{/isAdmin}}
      </section>
      <section aria-labelledby="draft-title">
        <h2 id="draft-title">Check a draft</h2>
        {{#validated}}
        {{#valid}}<p class="notice" role="status">Valid{{#unchanged}}, and the same as the policy in force{{/unchanged}}.</p>{{/valid}}
        {{#hasIssues}}<ul class="issues alert" role="alert">{{#issues}}<li>{{severity}}, line {{line}}, column {{column}}: <code>{{code}}</code>: {{message}} <em>Fix:</em> {{fix}}</li>{{/issues}}</ul>{{/hasIssues}}
        {{^unchanged}}{{#valid}}<h3>Against the policy in force</h3><ul>{{#changes}}<li><code>{{line}}</code></li>{{/changes}}</ul>{{/valid}}{{/unchanged}}
        {{/validated}}
        <form class="stack" method="post" action="/policy/validate">
          <input type="hidden" name="csrf_token" value="{{csrf}}">
          <label for="draft">Policy YAML</label>
          <textarea id="draft" name="draft" spellcheck="false" data-check="draft-live" aria-describedby="draft-live">{{draft}}</textarea>
          <div id="draft-live" class="live" aria-live="polite"></div>
          <button type="submit">Validate and compare</button>
          <small>This checks the draft; it does not change the server's policy. Put it in the policy file, then reload.</small>
        </form>
      </section>
    </div>
    {{> footer}}
    """
}
