enum SettingsTemplate {
    static let text = """
    {{> header}}
    <h1>Settings</h1>
    <section class="card" aria-labelledby="tokens">
      <h2 id="tokens">API tokens of {{account}}</h2>
      <p>For the CLI (<code>MASKER_API_TOKEN</code>) and automation. A token can do everything this account can; revoke a leaked one here and it stops working at once.</p>
      {{#newToken}}
      <div class="notice" role="status">
        <p>New token <code>{{id}}</code>. Copy it now: it is shown once, and only its hash is kept.</p>
        <p class="copy"><code>{{secret}}</code> <button type="button" class="secondary" data-copy="{{secret}}">Copy</button></p>
      </div>
      {{/newToken}}
      {{#hasTokens}}
      <table><caption>Tokens (their secrets are not kept)</caption>
        <thead><tr><th scope="col">Id</th><th scope="col">Role</th><th scope="col">Created (UTC)</th><th scope="col"><span class="sr">Action</span></th></tr></thead>
        <tbody>{{#tokens}}<tr><td><code>{{id}}</code></td><td>{{role}}</td><td>{{created}}</td>
          <td><form method="post" action="/settings/tokens/{{id}}/revoke"><input type="hidden" name="csrf_token" value="{{csrf}}"><button type="submit" class="danger">Revoke</button></form></td></tr>{{/tokens}}</tbody>
      </table>
      {{/hasTokens}}
      {{^hasTokens}}<p>No token yet.</p>{{/hasTokens}}
      <form method="post" action="/settings/tokens" class="actions"><input type="hidden" name="csrf_token" value="{{csrf}}"><button type="submit">Create a token</button></form>
    </section>
    <section class="card" aria-labelledby="users">
      <h2 id="users">People of {{account}}</h2>
      <table><caption>Who can log in to this account</caption>
        <thead><tr><th scope="col">User</th><th scope="col">Role</th><th scope="col">Created (UTC)</th></tr></thead>
        <tbody>{{#users}}<tr><td>{{name}}{{#you}} (you){{/you}}</td><td>{{role}}</td><td>{{created}}</td></tr>{{/users}}</tbody>
      </table>
      <p><small>People are added on the server (<code>masker users create NAME --account ACCOUNT --role admin|member --password-stdin</code>):
      there is no sign-up page, on purpose.</small></p>
    </section>
    <section class="card" aria-labelledby="password">
      <h2 id="password">Your password</h2>
      {{#passwordProblem}}<p class="alert" role="alert">{{passwordProblem}}</p>{{/passwordProblem}}
      <form class="stack" method="post" action="/settings/password">
        <input type="hidden" name="csrf_token" value="{{csrf}}">
        <label for="current">Current password</label>
        <input id="current" name="current" type="password" autocomplete="current-password" required>
        <label for="new">New password (at least {{minimumLength}} characters)</label>
        <input id="new" name="new" type="password" autocomplete="new-password" minlength="{{minimumLength}}" required>
        <label for="again">New password again</label>
        <input id="again" name="again" type="password" autocomplete="new-password" minlength="{{minimumLength}}" required>
        <button type="submit">Change the password</button>
        <small>Every browser session of yours ends, this one too: log in again with the new password.</small>
      </form>
    </section>
    {{> footer}}
    """
}
