enum PlaygroundTemplate {
    static let text = """
    {{> header}}
    <h1>Try it</h1>
    <p>Paste a transcript, a note, or a JSON document (an object or array is masked as data: each value read with its key as context,
    the shape kept). Nothing is stored or logged.</p>
    {{#problem}}<p class="alert" role="alert">{{problem}}</p>{{/problem}}
    <form class="stack" method="post" action="/playground">
      <input type="hidden" name="csrf_token" value="{{csrf}}">
      <label for="text">Text</label>
      <textarea id="text" name="text" spellcheck="false" required>{{text}}</textarea>
      <fieldset>
        <legend>Policy</legend>
        <label><input type="radio" name="policy" value="server" {{#server}}checked{{/server}}> The server's ({{serverPolicy}})</label><br>
        <label><input type="radio" name="policy" value="builtin" {{#builtin}}checked{{/builtin}}> The built-in {{builtinPolicy}}</label>
        {{#agents}}<br><label><input type="radio" name="policy" value="{{value}}" {{#checked}}checked{{/checked}}> Agent {{name}}'s</label>{{/agents}}
      </fieldset>
      <button type="submit">Detect and mask</button>
    </form>
    {{#ran}}
    <section class="card" aria-labelledby="found">
      <h2 id="found">What was found ({{policyName}})</h2>
      {{#pieces}}
      {{#isDocument}}<h3 class="context">{{context}}</h3>{{/isDocument}}
      <p class="highlighted">{{#segments}}{{#plain}}{{plain}}{{/plain}}{{#mark}}<mark class="k-{{kind}}" title="{{kind}} · {{pass}} · {{confidence}}">{{mark}}<span class="tag">{{kind}}</span></mark>{{/mark}}{{/segments}}</p>
      {{/pieces}}
      {{^hasEvents}}<p>Nothing to mask.</p>{{/hasEvents}}
      {{#hasEvents}}
      <table><caption>Each detection</caption>
        <thead><tr><th scope="col">Kind</th><th scope="col">Text</th><th scope="col">Pass</th><th scope="col" class="num">Confidence</th><th scope="col">Span</th>{{#isDocument}}<th scope="col">Key</th>{{/isDocument}}{{#diarizes}}<th scope="col">Speaker</th>{{/diarizes}}</tr></thead>
        <tbody>{{#events}}<tr><td>{{kind}}</td><td>{{text}}</td><td>{{pass}}</td><td class="num">{{confidence}}</td><td>{{span}}</td>{{#isDocument}}<td>{{context}}</td>{{/isDocument}}{{#diarizes}}<td>{{speaker}}</td>{{/diarizes}}</tr>{{/events}}</tbody>
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
