enum LoginTemplate {
    static let text = """
    {{> header}}
    <section class="narrow">
      <h1>Log in</h1>
      {{#notice}}<p class="notice" role="status">{{notice}}</p>{{/notice}}
      {{#message}}<p class="alert" role="alert">{{message}}</p>{{/message}}
      <form method="post" action="/login">
        <input type="hidden" name="csrf_token" value="{{csrf}}">
        <label for="username">User name</label>
        <input id="username" name="username" autocomplete="username" required value="{{typedName}}">
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required>
        <button type="submit">Log in</button>
      </form>
      <p class="hint">Users are created with <code>masker users create</code> on the server.</p>
    </section>
    {{> footer}}
    """
}
