import Hummingbird

/// The portal's one stylesheet, served by Masker itself (no CDN, no web font). System fonts,
/// contrast above WCAG AA, a visible focus ring, and one column below 720 px.
enum PortalAssets {
    static func stylesheet() -> Response {
        PortalResponse.text(css, type: "text/css; charset=utf-8", headers: [.cacheControl: "public, max-age=3600"])
    }

    static func script() -> Response {
        PortalResponse.text(js, type: "text/javascript; charset=utf-8", headers: [.cacheControl: "public, max-age=3600"])
    }

    /// Copy buttons (`<button data-copy="…">`), and the live check of policy editors
    /// (`<textarea data-check="ID">`: as the user types, the draft goes to `/policy/check` with
    /// its form's CSRF token, and the problems are written into the element `ID` as text, never
    /// as HTML). Every page works without it: the forms validate when posted.
    static let js = """
    (function () {
      var timers = new WeakMap(), latest = new WeakMap();
      function show(target, answer) {
        while (target.firstChild) target.removeChild(target.firstChild);
        var head = document.createElement("p");
        head.textContent = answer.valid ? (answer.issues.length ? "Valid, with warnings:" : "Valid.") : "Not valid yet:";
        target.appendChild(head);
        if (!answer.issues.length) return;
        var list = document.createElement("ul");
        answer.issues.forEach(function (issue) {
          var item = document.createElement("li");
          item.textContent = issue.severity + ", line " + issue.line + ", column " + issue.column + ": " + issue.code + ": " +
            issue.message + " Fix: " + issue.fix;
          list.appendChild(item);
        });
        target.appendChild(list);
      }
      function check(area) {
        var target = document.getElementById(area.getAttribute("data-check"));
        var token = area.form && area.form.querySelector("input[name=csrf_token]");
        if (!target || !token) return;
        var body = new URLSearchParams();
        body.set("csrf_token", token.value);
        body.set("draft", area.value);
        // Answers can come back out of order: only the latest request's is shown.
        var ticket = (latest.get(area) || 0) + 1;
        latest.set(area, ticket);
        fetch("/policy/check", { method: "POST", body: body, credentials: "same-origin" })
          .then(function (response) { return response.ok ? response.json() : null; })
          .then(function (answer) { if (answer && latest.get(area) === ticket) show(target, answer); })
          .catch(function () {});
      }
      document.addEventListener("input", function (event) {
        var area = event.target;
        if (!area.matches || !area.matches("textarea[data-check]")) return;
        clearTimeout(timers.get(area));
        timers.set(area, setTimeout(function () { check(area); }, 400));
      });
    })();
    document.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-copy]");
      if (!button || !navigator.clipboard) return;
      navigator.clipboard.writeText(button.getAttribute("data-copy")).then(function () {
        var label = button.textContent;
        button.textContent = "Copied";
        setTimeout(function () { button.textContent = label; }, 1500);
      });
    });
    """

    static let css = """
    :root { --ink: #1b1f24; --muted: #4a5361; --line: #c9d0d9; --accent: #0b5cad; --ok: #1a6b34; --down: #a4161a; --bg: #f6f7f9; }
    * { box-sizing: border-box; }
    body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
    a { color: var(--accent); }
    a:focus, button:focus, input:focus { outline: 3px solid #f0a500; outline-offset: 2px; }
    .skip { position: absolute; left: -999px; } .skip:focus { left: 8px; top: 8px; background: #fff; padding: 4px 8px; }
    .sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
    header.top { display: flex; flex-wrap: wrap; align-items: center; gap: 16px; padding: 10px 24px; background: #fff; border-bottom: 1px solid var(--line); }
    .brand { font-weight: 700; font-size: 1.2rem; text-decoration: none; color: var(--ink); }
    nav ul { display: flex; flex-wrap: wrap; gap: 6px 12px; list-style: none; margin: 0; padding: 0; }
    nav a[aria-current="page"] { font-weight: 700; text-decoration: none; }
    form.logout { margin-left: auto; display: flex; align-items: center; gap: 8px; }
    .who { color: var(--muted); font-size: 0.9rem; }
    main { max-width: 1200px; margin: 0 auto; padding: 16px 24px 48px; }
    .narrow { max-width: 420px; margin: 32px auto; background: #fff; padding: 24px; border: 1px solid var(--line); border-radius: 6px; }
    .narrow form { display: grid; gap: 8px; }
    label { font-weight: 600; }
    input { font: inherit; padding: 8px; border: 1px solid #7a8594; border-radius: 4px; }
    button { font: inherit; padding: 8px 14px; border: 0; border-radius: 4px; background: var(--accent); color: #fff; cursor: pointer; }
    .alert { background: #fdecea; border: 1px solid var(--down); color: #611a15; padding: 8px 12px; border-radius: 4px; }
    .hint, small { color: var(--muted); }
    pre { background: #eef1f4; padding: 10px; overflow-x: auto; border-radius: 4px; }
    .grid { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 16px; }
    .grid section { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 16px; }
    h1 { font-size: 1.6rem; margin: 8px 0 16px; } h2 { font-size: 1.15rem; margin: 0 0 8px; }
    table { width: 100%; border-collapse: collapse; } caption { text-align: left; color: var(--muted); font-size: 0.9rem; padding-bottom: 4px; }
    th, td { text-align: left; padding: 4px 6px; border-bottom: 1px solid #e3e7ec; }
    th.num, td.num { text-align: right; font-variant-numeric: tabular-nums; } td:first-child { white-space: nowrap; }
    td.bar { width: 35%; } meter { width: 100%; min-width: 0; }
    .grid section { min-width: 0; overflow-x: auto; }
    ul.health { list-style: none; margin: 0; padding: 0; } ul.health li { padding: 6px 0; border-bottom: 1px solid #e3e7ec; }
    li.ok span { color: var(--ok); font-weight: 700; } li.down span { color: var(--down); font-weight: 700; }
    footer.bottom { max-width: 1200px; margin: 0 auto; padding: 0 24px 24px; color: var(--muted); font-size: 0.85rem; }
    .actions { display: flex; gap: 12px; align-items: center; flex-wrap: wrap; margin: 8px 0 16px; }
    .button { display: inline-block; padding: 8px 14px; border-radius: 4px; background: var(--accent); color: #fff; text-decoration: none; }
    button.secondary, .button.secondary { background: #e3e7ec; color: var(--ink); } button.danger { background: var(--down); }
    form.stack { display: grid; gap: 8px; max-width: 640px; } fieldset { border: 1px solid var(--line); border-radius: 4px; }
    textarea { width: 100%; font: 14px/1.4 ui-monospace, monospace; padding: 8px; border: 1px solid #7a8594; border-radius: 4px; min-height: 12em; }
    select { font: inherit; padding: 6px; }
    .card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 16px; margin-bottom: 16px; }
    .copy { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; } .copy code { word-break: break-all; min-width: 0; flex: 1 1 12em; }
    code, h1, h2, h3, td { overflow-wrap: anywhere; }
    .issues li { margin-bottom: 6px; } .notice { background: #e8f3ec; border: 1px solid var(--ok); padding: 8px 12px; border-radius: 4px; }
    .highlighted { white-space: pre-wrap; overflow-wrap: anywhere; line-height: 2; } mark { background: #fff1b8; padding: 1px 2px; border-radius: 3px; }
    mark .tag { font-size: 0.7rem; font-weight: 700; margin-left: 3px; color: #5c4500; }
    mark.k-NAME { background: #dbeafe; } mark.k-ADDRESS { background: #dcfce7; } mark.k-PHONE, mark.k-FAX { background: #fde2e2; }
    pre { white-space: pre-wrap; word-break: break-word; }
    .turn { border-top: 1px solid var(--line); margin-top: 20px; padding-top: 8px; } .turn h3 small, .panels h4 small { font-weight: 400; color: var(--muted); }
    .panels { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 12px; margin: 8px 0; }
    .panels section { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; min-width: 0; overflow-x: auto; }
    .panels h4 { margin: 0 0 4px; font-size: 0.95rem; } .stages span { margin-right: 10px; color: var(--muted); font-size: 0.9rem; }
    @media (max-width: 720px) { .grid, .panels { grid-template-columns: minmax(0, 1fr); } table { display: block; overflow-x: auto; } main { padding: 12px; } header.top { padding: 10px 12px; } }
    """
}
