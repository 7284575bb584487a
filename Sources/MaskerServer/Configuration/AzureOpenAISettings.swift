import Foundation

/// Where `azure-openai:<deployment>` agents go: an Azure OpenAI resource, whose URLs name the
/// deployment and an API version, and whose key goes in an `api-key` header, not `Authorization`.
public struct AzureOpenAISettings: Sendable, Equatable {
    /// `MASKER_AZURE_OPENAI_ENDPOINT`, without a trailing slash: `https://NAME.openai.azure.com`.
    public var endpoint: String
    /// `MASKER_AZURE_OPENAI_API_VERSION` (default `defaultAPIVersion`). The Responses API needs
    /// `2025-03-01-preview` or later.
    public var apiVersion: String
    /// `MASKER_AZURE_OPENAI_API_KEY`: used when the caller sends neither an `api-key` nor an
    /// `Authorization` of its own (a caller's Microsoft Entra bearer token is passed through).
    public var apiKey: String?

    public static let defaultAPIVersion = "2024-10-21"

    public init(endpoint: String, apiVersion: String = defaultAPIVersion, apiKey: String? = nil) {
        self.endpoint = endpoint
        self.apiVersion = apiVersion
        self.apiKey = apiKey
    }

    /// From the environment's values: nil without an endpoint; an error naming the variable when a
    /// value is malformed.
    init?(_ endpoint: String?, apiVersion: String?, apiKey: String?) throws(ServerConfiguration.Invalid) {
        guard let endpoint else {
            guard apiVersion == nil, apiKey == nil else {
                throw .init(description: "MASKER_AZURE_OPENAI_API_VERSION or _API_KEY is set without MASKER_AZURE_OPENAI_ENDPOINT; set the endpoint (e.g. https://clinic.openai.azure.com)")
            }
            return nil
        }
        guard let url = URL(string: endpoint), url.scheme == "https" || url.scheme == "http", url.host != nil, url.query == nil else {
            throw .init(description: "MASKER_AZURE_OPENAI_ENDPOINT \"\(endpoint)\" is not an http(s) URL without a query (e.g. https://clinic.openai.azure.com)")
        }
        let version = apiVersion ?? Self.defaultAPIVersion
        guard !version.isEmpty, version.utf8.allSatisfy({ (48...57).contains($0) || (97...122).contains($0) || $0 == 45 }) else {
            throw .init(description: "MASKER_AZURE_OPENAI_API_VERSION \"\(version)\" must look like 2024-10-21 or 2025-03-01-preview")
        }
        self.init(endpoint: endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint, apiVersion: version, apiKey: apiKey)
    }
}
