extension Duration {
    /// As fractional milliseconds, for log lines and session stage timings.
    var milliseconds: Double {
        Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
    }
}
