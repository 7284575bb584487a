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
}
