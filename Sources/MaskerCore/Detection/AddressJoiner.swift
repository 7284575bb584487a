/// Joins the parts of one written address into one span: "1474 Pine Dr, Austin, TX 78701" comes
/// out of the passes as street, city and ZIP (with the state between them left alone), but it is
/// one address, and one token in the masked text reads better and reveals less than three tokens
/// around a visible state.
///
/// Two ADDRESS detections are joined when only commas, full stops and a US state name or code
/// stand between them. Other words ("park drive *in* denver") keep the parts apart.
enum AddressJoiner {
    static func join(_ detections: [Detection], tokens: [Token]) -> [Detection] {
        guard detections.count > 1 else { return detections }
        var output: [Detection] = []
        output.reserveCapacity(detections.count)
        var cursor = 0 // first token not before the last output span's end
        for detection in detections {
            guard let previous = output.last, previous.kind == .address, detection.kind == .address else {
                output.append(detection)
                continue
            }
            while cursor < tokens.count, tokens[cursor].start < previous.end { cursor += 1 }
            var index = cursor, onlyGlue = true
            while index < tokens.count, tokens[index].start < detection.start {
                let token = tokens[index]
                if token.isPunct(",") || token.isPunct(".") { index += 1; continue }
                if let length = USStates.length(at: index, in: tokens) { index += length; continue }
                onlyGlue = false
                break
            }
            guard onlyGlue else { output.append(detection); continue }
            var joined = previous
            joined.end = max(previous.end, detection.end)
            joined.confidence = min(previous.confidence, detection.confidence)
            output[output.count - 1] = joined
        }
        return output
    }
}
