import Testing

@testable import MaskerServer

struct ServerConfigurationTests {
    @Test func callMetadataIsDroppedUnlessForwardingIsAskedFor() throws {
        #expect(try ServerConfiguration.from(environment: [:]).forwardCallMetadata == false)
        #expect(try ServerConfiguration.from(environment: ["MASKER_FORWARD_CALL_METADATA": "1"]).forwardCallMetadata == true)
        #expect(try ServerConfiguration.from(environment: ["MASKER_FORWARD_CALL_METADATA": "false"]).forwardCallMetadata == false)
        #expect {
            try ServerConfiguration.from(environment: ["MASKER_FORWARD_CALL_METADATA": "sometimes"])
        } throws: { error in
            "\(error)".contains("MASKER_FORWARD_CALL_METADATA") && "\(error)".contains("must be 1 or 0")
        }
    }

    @Test func theUpstreamPoolIsWideByDefaultAndItsWidthIsChecked() throws {
        #expect(try ServerConfiguration.from(environment: [:]).upstreamMaxConnections == 1024)
        #expect(try ServerConfiguration.from(environment: ["MASKER_UPSTREAM_MAX_CONNECTIONS": "64"]).upstreamMaxConnections == 64)
        for bad in ["0", "-3", "many", "70000"] {
            #expect {
                try ServerConfiguration.from(environment: ["MASKER_UPSTREAM_MAX_CONNECTIONS": bad])
            } throws: { error in
                "\(error)".contains("MASKER_UPSTREAM_MAX_CONNECTIONS") && "\(error)".contains("from 1 to 65535")
            }
        }
    }

    @Test func azureOpenAIIsReadWithItsDefaultsAndCheckedValues() throws {
        #expect(try ServerConfiguration.from(environment: [:]).azureOpenAI == nil)
        let azure = try #require(try ServerConfiguration.from(environment: ["MASKER_AZURE_OPENAI_ENDPOINT": "https://clinic.openai.azure.com/",
                                                                            "MASKER_AZURE_OPENAI_API_KEY": "k"]).azureOpenAI)
        #expect(azure == AzureOpenAISettings(endpoint: "https://clinic.openai.azure.com", apiVersion: "2024-10-21", apiKey: "k"))
        let bad: [([String: String], String)] = [
            (["MASKER_AZURE_OPENAI_API_KEY": "k"], "without MASKER_AZURE_OPENAI_ENDPOINT"),
            (["MASKER_AZURE_OPENAI_ENDPOINT": "clinic.openai.azure.com"], "is not an http(s) URL"),
            (["MASKER_AZURE_OPENAI_ENDPOINT": "https://clinic.openai.azure.com", "MASKER_AZURE_OPENAI_API_VERSION": "2024-10-21&x=1"], "must look like"),
        ]
        for (environment, message) in bad {
            #expect { try ServerConfiguration.from(environment: environment) } throws: { "\($0)".contains(message) }
        }
    }
}

