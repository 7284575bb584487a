enum PlaygroundTemplate {
    static let text = """
    {{> header}}
    <h1>Try it</h1>
    <p>Paste a transcript, a note or a JSON body. Nothing is stored or logged.</p>
    {{#problem}}<p class="alert" role="alert">{{problem}}</p>{{/problem}}
    <form class="stack" method="post" action="/playground">
      <input type="hidden" name="csrf_token" value="{{csrf}}">
      <label for="text">Text</label>
      <textarea id="text" name="text" spellcheck="false" required>{{text}}</textarea>
      <fieldset>
        <legend>Policy</legend>
        <label><input type="radio" name="policy" value="server" {{#server}}checked{{/server}}> The server's ({{serverPolicy}})</label><br>
        <label><input type="radio" name="policy" value="builtin" {{#builtin}}checked{{/builtin}}> The built-in {{builtinPolicy}}</label>
      </fieldset>
      <button type="submit">Detect and mask</button>
    </form>
    {{#ran}}
    <section class="card" aria-labelledby="found">
      <h2 id="found">What was found ({{policyName}})</h2>
      <p class="highlighted">{{#segments}}{{#plain}}{{plain}}{{/plain}}{{#mark}}<mark class="k-{{kind}}" title="{{kind}} · {{pass}} · {{confidence}}">{{mark}}<span class="tag">{{kind}}</span></mark>{{/mark}}{{/segments}}</p>
      {{^hasEvents}}<p>Nothing to mask.</p>{{/hasEvents}}
      {{#hasEvents}}
      <table><caption>Each detection</caption>
        <thead><tr><th scope="col">Kind</th><th scope="col">Text</th><th scope="col">Pass</th><th scope="col" class="num">Confidence</th><th scope="col">Span</th></tr></thead>
        <tbody>{{#events}}<tr><td>{{kind}}</td><td>{{text}}</td><td>{{pass}}</td><td class="num">{{confidence}}</td><td>{{span}}</td></tr>{{/events}}</tbody>
      </table>
      {{/hasEvents}}
    </section>
    <section class="card" aria-labelledby="masked"><h2 id="masked">What the model sees</h2><pre>{{masked}}</pre></section>
    <section class="card" aria-labelledby="back"><h2 id="back">Restored from it</h2>
      <p>{{#roundTrips}}Identical to what you pasted.{{/roundTrips}}{{^roundTrips}}<strong>Differs from what you pasted.</strong>{{/roundTrips}}</p>
      <pre>{{restored}}</pre></section>
    <section class="card" aria-labelledby="synthetic"><h2 id="synthetic">Synthetic (realistic values that refer to nobody)</h2><pre>{{synthetic}}</pre></section>
    {{/ran}}
    {{> footer}}
    """
}
