/// Shown at /login until the first user exists: the portal has no sign-up, on purpose (an open
/// sign-up on a server that holds PHI would be a door).
enum FirstRunTemplate {
    static let text = """
    {{> header}}
    <section class="narrow">
      <h1>Set up Masker</h1>
      <p>No user exists yet. Create the first one on the server, where the keys are:</p>
      <pre><code>printf '%s\\n' "$PASSWORD" | masker users create admin --role admin --password-stdin</code></pre>
      <p>The password (at least 12 characters) comes from standard input or <code>MASKER_USER_PASSWORD</code>.
      Then reload this page and log in.</p>
      <p>Automation does not need a user: <code>masker admin token</code> prints an API token for the
      <code>/api/v1</code> routes (see <code>docs/server.md</code>).</p>
    </section>
    {{> footer}}
    """
}
