/// What to paste into each voice platform so its calls go through an agent, with the field names
/// each platform uses (docs/portal.md cites where they come from).
enum PlatformSettings {
    static func all(proxyURL: String, webhookURL: String) -> [[String: Any]] {
        [
            ["name": "Vapi", "how": "Assistant → Model → provider Custom LLM. In the API: model.provider \"custom-llm\", model.url, model.model.",
             "fields": [["label": "Custom LLM URL (model.url)", "value": proxyURL],
                        ["label": "Or the server URL, for Vapi's webhook with its own model", "value": webhookURL]]],
            ["name": "ElevenLabs", "how": "Agent → LLM → Custom LLM: the server URL and a model id; the API key is the one your model takes.",
             "fields": [["label": "Server URL (custom_llm.url)", "value": proxyURL]]],
            ["name": "Pipecat", "how": "An OpenAI-compatible LLM service pointed at the agent.",
             "fields": [["label": "OpenAILLMService(base_url=…)", "value": proxyURL]]],
            ["name": "LiveKit Agents", "how": "The OpenAI plugin with a base URL.",
             "fields": [["label": "openai.LLM(base_url=…)", "value": proxyURL]]],
            ["name": "Retell", "how": "Retell's custom LLM speaks its own WebSocket protocol, which Masker does not serve yet (issue 42). Use an OpenAI-compatible platform above meanwhile.",
             "fields": [[String: String]]()],
        ]
    }
}
