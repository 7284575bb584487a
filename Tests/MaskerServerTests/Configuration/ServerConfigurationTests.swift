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
}
