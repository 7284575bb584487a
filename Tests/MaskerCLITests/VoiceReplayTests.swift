import Foundation
import MaskerTestSupport
import Testing

/// `masker-voice replay` on calls rendered from data/voice/calls.jsonl with flite and sox (never
/// downloaded audio): the masked transcript leaves no PHI word of the script, events carry their
/// audio time, a stereo call is attributed by channel, the redacted recording recognised again
/// holds none of the masked values, and bad input is a clear error.
@Suite(.serialized)
struct VoiceReplayTests {
    /// The fixtures, rendered once for the suite.
    static let fixtures: URL = {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("masker-voice-fixtures-\(UUID().uuidString)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [Repository.url("data/voice/render_calls.py").path, directory.path]
        try? process.run()
        process.waitUntilExit()
        return directory
    }()

    func environment(_ scratch: ScratchDirectory) -> [String: String] {
        ["MASKER_DATA_DIR": scratch.url.path, "MASKER_KEY_K_HEALTHCARE": MaskerProcess.validKey, "MASKER_AUDIT_HMAC_KEY": MaskerProcess.auditKey]
    }

    func replay(_ file: String, _ extra: [String] = [], scratch: ScratchDirectory) throws -> (code: Int32, json: [String: Any], stderr: String) {
        let path = Self.fixtures.appendingPathComponent(file).path
        #expect(FileManager.default.fileExists(atPath: path), "the fixtures were not rendered: flite, sox and python3 are needed (scripts/setup.sh)")
        let run = try MaskerProcess.run(["replay", "--input", path, "--json"] + extra, binary: "masker-voice", environment: environment(scratch))
        let json = (try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8))) as? [String: Any] ?? [:]
        return (run.code, json, run.stderr)
    }

    static func turns(_ json: [String: Any]) -> [[String: Any]] { json["turns"] as? [[String: Any]] ?? [] }

    @Test func aMonoCallIsTranscribedAndMaskedWithTheAudioTimeOfEachSpan() throws {
        let scratch = try ScratchDirectory()
        let run = try replay("refill-mono16k.wav", scratch: scratch)
        #expect(run.code == 0, "\(run.stderr)")
        let turns = Self.turns(run.json)
        let text = turns.compactMap { $0["text"] as? String }.joined(separator: " ")
        let masked = turns.compactMap { $0["masked"] as? String }.joined(separator: " ")
        #expect(text.contains("sarah") && text.contains("refill"), "the recogniser followed the call: \(text)")
        for value in ["sarah", "chen", "six one seven five five five", "march third nineteen eighty"] {
            #expect(!masked.contains(value), "\(value) survived masking: \(masked)")
        }
        let events = turns.flatMap { $0["events"] as? [[String: Any]] ?? [] }
        #expect(Set(events.compactMap { $0["kind"] as? String }).isSuperset(of: ["NAME", "PHONE"]), "\(events)")
        for event in events {
            let start = event["audio_start_ms"] as? Int ?? -1, end = event["audio_end_ms"] as? Int ?? -1
            #expect(start >= 0 && end > start, "an event without its audio time: \(event)")
        }
    }

    @Test func aStereoCallIsAttributedByChannelWithTheEchoLeftOut() throws {
        let scratch = try ScratchDirectory()
        let run = try replay("refill-stereo.wav", scratch: scratch)
        #expect(run.code == 0, "\(run.stderr)")
        let turns = Self.turns(run.json)
        func speaker(of word: String) -> String? { turns.first { ($0["text"] as? String)?.contains(word) == true }?["speaker"] as? String }
        #expect(speaker(of: "pharmacy") == "agent" && speaker(of: "sarah") == "caller" && speaker(of: "my date of birth is") == "caller", "\(turns.map { ($0["speaker"] ?? "", $0["text"] ?? "") })")
        // Each side's words once: the 30 dB echo on the other channel is not a second copy.
        let pharmacy = turns.filter { ($0["text"] as? String)?.contains("pharmacy") == true }
        #expect(pharmacy.count == 1)
        let swapped = try replay("refill-stereo.wav", ["--channel-map", "agent,caller"], scratch: scratch)
        #expect(Self.turns(swapped.json).first { ($0["text"] as? String)?.contains("pharmacy") == true }?["speaker"] as? String == "caller")
    }

    /// One channel, two voices: --diarize clusters the stretches between pauses by voice, and the
    /// caller is the one who speaks second (the agent greets).
    @Test func aMonoCallIsDiarizedByVoice() throws {
        let scratch = try ScratchDirectory()
        let run = try replay("refill-mono16k.wav", ["--diarize"], scratch: scratch)
        #expect(run.code == 0, "\(run.stderr)")
        let turns = Self.turns(run.json)
        func speaker(of word: String) -> String? { turns.first { ($0["text"] as? String)?.contains(word) == true }?["speaker"] as? String }
        #expect(speaker(of: "pharmacy") == "agent" && speaker(of: "sarah") == "caller" && speaker(of: "of course") == "agent",
                "\(turns.map { ($0["speaker"] ?? "", $0["text"] ?? "") })")
        let plain = try replay("refill-mono16k.wav", scratch: scratch)
        #expect(Set(Self.turns(plain.json).compactMap { $0["speaker"] as? String }) == ["unknown"])
    }

    /// No pause between the turns (render_calls.py --gap 0, flite's own silences trimmed): the
    /// speakers are still told apart, where one cuts in on the other (BIC change detection), and
    /// the caller's words are masked whoever they are attributed to.
    @Test func aMonoCallWithoutPausesIsDiarizedAtTheChangesOfVoice() throws {
        let scratch = try ScratchDirectory()
        let calls = try String(contentsOf: Repository.url("data/voice/calls.jsonl"), encoding: .utf8)
        let refill = try scratch.write("refill.jsonl", calls.split(separator: "\n").first { $0.contains("\"refill\"") }.map(String.init) ?? "")
        let render = Process()
        render.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        render.arguments = [Repository.url("data/voice/render_calls.py").path, scratch.path, "--calls", refill, "--gap", "0"]
        try render.run()
        render.waitUntilExit()
        let path = scratch.url.appendingPathComponent("refill-mono16k.wav").path
        let run = try MaskerProcess.run(["replay", "--input", path, "--json", "--diarize"], binary: "masker-voice", environment: environment(scratch))
        #expect(run.code == 0, "\(run.stderr)")
        let turns = Self.turns((try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8))) as? [String: Any] ?? [:])
        func speaker(of word: String) -> String? { turns.first { ($0["text"] as? String)?.contains(word) == true }?["speaker"] as? String }
        #expect(speaker(of: "pharmacy") == "agent" && speaker(of: "date of birth is") == "caller" && speaker(of: "of course") == "agent",
                "\(turns.map { ($0["speaker"] ?? "", $0["text"] ?? "") })")
        let masked = turns.compactMap { $0["masked"] as? String }.joined(separator: " ")
        for value in ["march third nineteen eighty", "six one seven five five five"] { #expect(!masked.contains(value), "\(value): \(masked)") }
    }

    @Test func theRedactedRecordingRecognisedAgainHoldsNoneOfTheMaskedValues() throws {
        let scratch = try ScratchDirectory()
        let redacted = scratch.url.appendingPathComponent("redacted.wav").path
        for fill in ["tone", "silence"] {
            let run = try replay("appointment-mono16k.wav", ["--redacted-audio", redacted, "--fill", fill], scratch: scratch)
            #expect(run.code == 0, "\(run.stderr)")
            let again = try MaskerProcess.run(["replay", "--input", redacted, "--json"], binary: "masker-voice", environment: environment(scratch))
            let heard = Self.turns((try? JSONSerialization.jsonObject(with: Data(again.stdout.utf8))) as? [String: Any] ?? [:])
                .compactMap { $0["text"] as? String }.joined(separator: " ")
            #expect(heard.contains("scheduling") || heard.contains("thursday"), "the rest of the call is still there: \(heard)")
            for value in ["david", "miller", "four one five five", "two six seven one"] {
                #expect(!heard.contains(value), "\(value) is still audible with \(fill): \(heard)")
            }
        }
    }

    @Test func badInputIsAClearErrorNeverACrash() throws {
        let scratch = try ScratchDirectory()
        let text = try scratch.write("notes.txt", "not audio")
        let empty = try scratch.write("empty.wav", "")
        let env = environment(scratch)
        let notWAV = try MaskerProcess.run(["replay", "--input", text], binary: "masker-voice", environment: env)
        #expect(notWAV.code == 1 && notWAV.stderr.contains("not a RIFF/WAVE file") && notWAV.stderr.contains("sox"), "\(notWAV.all)")
        let nothing = try MaskerProcess.run(["replay", "--input", empty], binary: "masker-voice", environment: env)
        #expect(nothing.code == 1 && nothing.stderr.contains("empty"), "\(nothing.all)")
        let missing = try MaskerProcess.run(["replay", "--input", scratch.url.appendingPathComponent("none.wav").path], binary: "masker-voice", environment: env)
        #expect(missing.code == 1 && missing.stderr.contains("no such file"))
        let header = Data("RIFF".utf8) + Data([0x24, 0, 0, 0]) + Data("WAVEfmt ".utf8)
        let truncated = scratch.url.appendingPathComponent("cut.wav")
        try header.write(to: truncated)
        let cut = try MaskerProcess.run(["replay", "--input", truncated.path], binary: "masker-voice", environment: env)
        #expect(cut.code == 1 && !cut.stderr.isEmpty, "\(cut.all)")
        let wav = Self.fixtures.appendingPathComponent("billing-mono16k.wav").path
        let unknown = try MaskerProcess.run(["replay", "--input", wav, "--asr-provider", "whisperx"], binary: "masker-voice", environment: env)
        #expect(unknown.code == 64 && unknown.stderr.contains("local, deepgram or openai"), "\(unknown.all)")
        let order = try MaskerProcess.run(["replay", "--input", wav, "--diarize", "--caller-speaks", "third"], binary: "masker-voice", environment: env)
        #expect(order.code == 64 && order.stderr.contains("first or second"), "\(order.all)")
        let map = try MaskerProcess.run(["replay", "--input", wav, "--channel-map", "left,right"], binary: "masker-voice", environment: env)
        #expect(map.code == 64)
    }

    /// The hosted providers as real HTTP clients, against Tests/e2e/fake_asr.py, which implements
    /// their documented request and response shapes: the words come back and are masked; a wrong
    /// key is exit 5 with the provider's message and never the key; a provider down is exit 5; a
    /// missing key says which variable to set.
    @Test func deepgramAndOpenAIAreCalledAsTheirAPIsDocument() throws {
        let scratch = try ScratchDirectory()
        let portFile = scratch.url.appendingPathComponent("port")
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        server.arguments = [Repository.url("Tests/e2e/fake_asr.py").path, "good-key", portFile.path]
        // Its output goes nowhere: a child holding the test runner's pipes keeps the run open.
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        // SIGKILL: a child of the test runner may inherit a signal mask that holds SIGTERM.
        defer {
            kill(server.processIdentifier, SIGKILL)
            server.waitUntilExit()
        }
        var port = ""
        for _ in 0..<200 where port.isEmpty {
            port = ((try? String(contentsOf: portFile, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            if port.isEmpty { Thread.sleep(forTimeInterval: 0.05) }
        }
        #expect(!port.isEmpty, "the fake provider did not start")
        // Three seconds of quiet: the stand-in hears its sentence whatever the audio holds.
        let data = TestWAV.silence(seconds: 3)
        let wav = scratch.url.appendingPathComponent("quiet.wav").path
        try data.write(to: URL(fileURLWithPath: wav))
        let providers: [(name: String, key: String, base: String, url: String)] = [
            ("deepgram", "DEEPGRAM_API_KEY", "DEEPGRAM_BASE_URL", "http://127.0.0.1:\(port)"),
            ("openai", "OPENAI_API_KEY", "OPENAI_BASE_URL", "http://127.0.0.1:\(port)/v1"),
        ]
        for provider in providers {
            var env = environment(scratch)
            env["MASKER_ASR_CONNECT_TIMEOUT_MS"] = "1500"
            env[provider.base] = provider.url
            env[provider.key] = "good-key"
            let ok = try MaskerProcess.run(["replay", "--input", wav, "--asr-provider", provider.name, "--json"], binary: "masker-voice", environment: env)
            #expect(ok.code == 0, "\(provider.name): \(ok.all)")
            let json = (try? JSONSerialization.jsonObject(with: Data(ok.stdout.utf8))) as? [String: Any] ?? [:]
            let masked = Self.turns(json).compactMap { $0["masked"] as? String }.joined(separator: " ")
            #expect(masked.contains("my number is") && !masked.contains("sarah") && !masked.contains("six one seven"), "\(provider.name): \(masked)")
            #expect(json["asr_provider"] as? String == provider.name)
            env[provider.key] = "sk-wrong-secret-key"
            let refused = try MaskerProcess.run(["replay", "--input", wav, "--asr-provider", provider.name], binary: "masker-voice", environment: env)
            #expect(refused.code == 5 && refused.stderr.contains("401"), "\(provider.name): \(refused.all)")
            #expect(refused.stderr.contains(provider.name == "deepgram" ? "Invalid credentials" : "Incorrect API key"))
            #expect(!refused.all.contains("sk-wrong-secret-key"), "the key reached the output")
            env[provider.base] = "http://127.0.0.1:9"
            let down = try MaskerProcess.run(["replay", "--input", wav, "--asr-provider", provider.name], binary: "masker-voice", environment: env)
            #expect(down.code == 5 && down.stderr.contains("could not be reached"), "\(down.all)")
            env[provider.key] = nil
            let keyless = try MaskerProcess.run(["replay", "--input", wav, "--asr-provider", provider.name], binary: "masker-voice", environment: env)
            #expect(keyless.code == 1 && keyless.stderr.contains("\(provider.key) is not set"), "\(keyless.all)")
        }
    }
}
