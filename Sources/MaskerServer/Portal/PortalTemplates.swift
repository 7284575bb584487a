import Mustache

/// The portal's Mustache templates, compiled once. Kept in the binary (one file per page under
/// `Templates/`) rather than in a resource bundle: a server installed without its bundle would
/// otherwise lose its pages, and there is no build step to forget.
///
/// Every value is inserted with `{{…}}`, which HTML-escapes it; the templates never use `{{{…}}}`.
enum PortalTemplates {
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        let templates: [(String, String)] = [
            ("header", PortalLayout.header), ("footer", PortalLayout.footer),
            ("login", LoginTemplate.text), ("first-run", FirstRunTemplate.text),
            ("dashboard", DashboardTemplate.text), ("error", ErrorTemplate.text),
            ("agents", AgentTemplates.list), ("agent-fields", AgentTemplates.fields), ("agent-form", AgentTemplates.form),
            ("agent", AgentTemplates.show), ("agent-delete", AgentTemplates.delete),
            ("playground", PlaygroundTemplate.text), ("settings", SettingsTemplate.text),
            ("sessions", SessionTemplates.list), ("session", SessionTemplates.show),
            ("policy", PolicyTemplates.policy), ("audit", AuditTemplates.audit),
            ("reports", ReportTemplates.list), ("report", ReportTemplates.show), ("transcripts", TranscriptsTemplate.text),
        ]
        for (name, text) in templates {
            // A template that does not parse is a programming error caught by the tests.
            try! library.register(text, named: name)
        }
        return library
    }()
}
