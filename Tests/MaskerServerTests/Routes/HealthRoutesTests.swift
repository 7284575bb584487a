import MaskerCore
import Testing

@testable import MaskerServer

struct HealthRoutesTests {
    /// `/health` is degraded by a missing NER model only when the policy's gemma pass would look
    /// for something: listing the pass with NER off for every kind needs no model.
    @Test func theNERModelIsNeededOnlyWhenTheGemmaPassLooksForSomething() {
        #expect(HealthRoutes.needsNERModel(DetectionPipeline(policy: .healthcareDefault)))

        var nothingForNER = Policy.healthcareDefault
        #expect(nothingForNER.passes.contains { $0.name == .gemma })
        for kind in nothingForNER.entities.keys { nothingForNER.entities[kind]?.ner = false }
        #expect(!HealthRoutes.needsNERModel(DetectionPipeline(policy: nothingForNER)))

        var withoutThePass = Policy.healthcareDefault
        withoutThePass.passes.removeAll { $0.name == .gemma }
        #expect(!HealthRoutes.needsNERModel(DetectionPipeline(policy: withoutThePass)))
    }
}
