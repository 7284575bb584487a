enum ErrorTemplate {
    static let text = """
    {{> header}}
    <section class="narrow">
      <h1>{{title}}</h1>
      <p class="alert" role="alert">{{message}}</p>
      <p><a href="/">Back to the dashboard</a></p>
    </section>
    {{> footer}}
    """
}
