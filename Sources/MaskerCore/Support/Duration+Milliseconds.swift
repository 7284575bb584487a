extension Duration {
    /// As fractional milliseconds, for log lines, session stage timings and load times.
    public var milliseconds: Double {
        Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
    }
}
