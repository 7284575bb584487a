enum TranscriptsTemplate {
    static let text = """
    {{> header}}
    <h1>Transcripts</h1>
    <p>Upload a call recording: it is transcribed on this server (PocketSphinx, no network), split by speaker, and masked under the
    policy you choose, as <code>masker-voice replay</code> does. Every masked span is recorded in the audit log. The recording is kept
    only when that policy sets <code>audit.log_payloads: true</code>, and then sealed for this account; the API gives the redacted
    recording (<code>POST /api/v1/transcripts?redacted_audio=tone</code>).</p>
    {{#problem}}<p class="alert" role="alert">{{problem}}</p>{{/problem}}
    <form class="stack" method="post" action="/transcripts" enctype="multipart/form-data">
      <input type="hidden" name="csrf_token" value="{{csrf}}">
      <label for="file">Recording: WAV, FLAC or μ-law WAV, up to {{maxMB}} MB and {{maxMinutes}} minutes</label>
      <input id="file" name="file" type="file" accept="audio/*,.wav,.flac" required>
      <fieldset>
        <legend>Speakers</legend>
        <label><input type="checkbox" name="diarize" value="true"> One channel: tell the two voices apart</label><br>
        <label for="caller_speaks">Then the caller speaks</label>
        <select id="caller_speaks" name="caller_speaks"><option value="second">second (an inbound call)</option><option value="first">first (an outbound call)</option></select><br>
        <label for="channel_map">Two channels</label>
        <select id="channel_map" name="channel_map"><option value="caller,agent">caller left, agent right</option><option value="agent,caller">agent left, caller right</option></select>
      </fieldset>
      <label for="agent_id">Policy</label>
      <select id="agent_id" name="agent_id"><option value="">The server's ({{serverPolicy}})</option>{{#agents}}<option value="{{id}}">Agent {{name}}'s</option>{{/agents}}</select>
      <button type="submit">Transcribe and mask</button>
    </form>
    {{#ran}}
    <section class="card" aria-labelledby="heard">
      <h2 id="heard">What was heard ({{policyName}})</h2>
      <p>{{duration}} of audio, {{channels}} channel(s), {{turnCount}} turn(s), {{spanCount}} span(s) masked. Session <code>{{session}}</code>.
      {{#recordingID}}The recording was kept, sealed: <code>{{recordingID}}</code>.{{/recordingID}}{{^recordingID}}The recording was not kept.{{/recordingID}}</p>
      {{^turnCount}}<p>No speech was recognised.</p>{{/turnCount}}
      {{#turnCount}}
      <table><caption>Each turn: the words heard, masked spans highlighted, and what a model would see</caption>
        <thead><tr><th scope="col">Time</th><th scope="col">Speaker</th><th scope="col">Heard</th><th scope="col">Masked</th></tr></thead>
        <tbody>{{#turns}}<tr><td>{{time}}</td><td>{{speaker}}</td><td class="highlighted">{{#segments}}{{#plain}}{{plain}}{{/plain}}{{#mark}}<mark class="k-{{kind}}" title="{{kind}} · {{pass}} · {{confidence}}">{{mark}}<span class="tag">{{kind}}</span></mark>{{/mark}}{{/segments}}</td><td class="masked">{{masked}}</td></tr>{{/turns}}</tbody>
      </table>
      {{/turnCount}}
    </section>
    {{/ran}}
    {{> footer}}
    """
}
