extension Policy {
    /// `healthcare-default` as shipped in `configs/mask_policy.yaml`: every kind that carries a Safe
    /// Harbor category in text. Used when no policy file is found and as the dev-mode fallback for an
    /// invalid one. A test asserts the YAML file parses to exactly this value, so the two cannot drift.
    public static let healthcareDefault = Policy(
        name: "healthcare-default",
        description: """
        HIPAA Safe Harbor coverage for voice AI agents in healthcare: every identifier category that \
        text can carry (45 CFR 164.514(b)(2), categories A-O and R). Biometrics (P) and photographs (Q) \
        do not occur in text.

        """,
        kid: "K_HEALTHCARE",
        tokenization: .vaultDeterministic,
        passes: [DetectionPass(.regex), DetectionPass(.gemma)],
        entities: [
            .name: EntityRule(regex: false, ner: true, confidenceThreshold: 0.7),
            .address: EntityRule(confidenceThreshold: 0.6),
            .dob: EntityRule(confidenceThreshold: 0.5),
            .date: EntityRule(ner: false, confidenceThreshold: 0.6),
            .age: EntityRule(ner: false, confidenceThreshold: 0.6),
            .phone: EntityRule(confidenceThreshold: 0.6),
            .fax: EntityRule(ner: false, confidenceThreshold: 0.6),
            .email: EntityRule(ner: false, confidenceThreshold: 0.0),
            .ssn: EntityRule(ner: false, confidenceThreshold: 0.0),
            .mrn: EntityRule(confidenceThreshold: 0.6),
            .healthPlan: EntityRule(confidenceThreshold: 0.7),
            .account: EntityRule(confidenceThreshold: 0.7),
            .license: EntityRule(confidenceThreshold: 0.7),
            .vehicle: EntityRule(ner: false, confidenceThreshold: 0.6),
            .device: EntityRule(confidenceThreshold: 0.7),
            .url: EntityRule(ner: false, confidenceThreshold: 0.0),
            .ipAddress: EntityRule(ner: false, confidenceThreshold: 0.0, action: .redact),
            .otherID: EntityRule(confidenceThreshold: 0.6),
        ]
    )
}
