/// What to paste into each voice platform so its calls go through an agent, with the field names
/// each platform uses (docs/portal.md cites where they come from).
enum PlatformSettings {
    /// `retellURL`: the agent's Retell WebSocket URL when the server listens for Retell
    /// (`MASKER_RETELL_LISTEN_ADDR`), else nil.
    static func all(proxyURL: String, webhookURL: String, retellURL: String?) -> [[String: Any]] {
        [
            ["name": "Vapi", "how": "Assistant → Model → provider Custom LLM. In the API: model.provider \"custom-llm\", model.url, model.model.",
             "fields": [["label": "Custom LLM URL (model.url)", "value": proxyURL],
                        ["label": "Or the server URL, for Vapi's webhook with its own model", "value": webhookURL]]],
            ["name": "ElevenLabs", "how": "Agent → LLM → Custom LLM: the server URL and a model id; the API key is the one your model takes.",
             "fields": [["label": "Server URL (custom_llm.url)", "value": proxyURL]]],
            ["name": "Pipecat", "how": "An OpenAI-compatible LLM service pointed at the agent.",
             "fields": [["label": "OpenAILLMService(base_url=…)", "value": proxyURL]]],
            ["name": "LiveKit Agents", "how": "The OpenAI plugin with a base URL: chat completions, or the Responses API at the same base.",
             "fields": [["label": "openai.LLM(base_url=…) or openai.responses.LLM(base_url=…)", "value": proxyURL]]],
            retellURL.map { url in
                ["name": "Retell", "how": "Agent → Custom LLM: the LLM WebSocket URL; Retell adds the call's id to it. Behind TLS, use wss:// and your public host.",
                 "fields": [["label": "Custom LLM WebSocket URL (llm_websocket_url)", "value": url]]]
            } ?? ["name": "Retell", "how": "Retell's custom LLM speaks a WebSocket protocol, served on a listener of its own: start the server with MASKER_RETELL_LISTEN_ADDR set.",
                  "fields": [[String: String]]()],
        ]
    }
}
