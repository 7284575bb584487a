/// The frame of every page: the document head, the skip link, the navigation when logged in, and
/// the footer. No inline script or style (the Content-Security-Policy forbids both).
enum PortalLayout {
    static let header = """
    <!doctype html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>{{title}} · Masker</title>
    <link rel="stylesheet" href="/portal/assets/portal.css">
    <script src="/portal/assets/portal.js" defer></script>
    </head>
    <body>
    <a class="skip" href="#main">Skip to content</a>
    <header class="top">
      <a class="brand" href="/">Masker</a>
      {{#username}}
      <nav aria-label="Main">
        <ul>
          <li><a href="/" {{#isDashboard}}aria-current="page"{{/isDashboard}}>Dashboard</a></li>
          <li><a href="/agents" {{#isAgents}}aria-current="page"{{/isAgents}}>Agents</a></li>
          <li><a href="/sessions" {{#isSessions}}aria-current="page"{{/isSessions}}>Sessions</a></li>
          <li><a href="/playground" {{#isPlayground}}aria-current="page"{{/isPlayground}}>Try it</a></li>
          <li><a href="/transcripts" {{#isTranscripts}}aria-current="page"{{/isTranscripts}}>Transcripts</a></li>
          <li><a href="/policy" {{#isPolicy}}aria-current="page"{{/isPolicy}}>Policy</a></li>
          <li><a href="/audit" {{#isAudit}}aria-current="page"{{/isAudit}}>Audit</a></li>
          <li><a href="/settings" {{#isSettings}}aria-current="page"{{/isSettings}}>Settings</a></li>
        </ul>
      </nav>
      <form class="logout" method="post" action="/logout">
        <input type="hidden" name="csrf_token" value="{{csrf}}">
        <span class="who">{{username}} · {{account}}</span>
        <button type="submit">Log out</button>
      </form>
      {{/username}}
    </header>
    <main id="main">
    """
    static let footer = """
    </main>
    <footer class="bottom"><p>Masker masks PHI before it reaches a model. Pages show counts, kinds and timings; payloads appear only where a policy keeps them.</p></footer>
    </body>
    </html>
    """
}
