import Foundation

/// The public tables surrogates are drawn from (`Resources/synthetic`, built by
/// `scripts/build-synthetic-tables.sh`): Census first names by sex and surnames with frequencies,
/// ZIP codes with city, state and area codes, and each area code's state.
///
/// Loaded once per process, found the way the NER model is (`MASKER_SYNTHETIC_DIR`, the resource
/// bundle next to the binary, the source tree): a missing table is an error the caller reports,
/// never a crash.
public final class SurrogateTables: Sendable {
    /// A weighted list: `cumulative[i]` is the total weight of entries 0...i, for sampling by a
    /// binary search instead of a walk.
    struct Weighted: Sendable {
        let values: [String]
        let cumulative: [UInt64]

        init(_ rows: [(String, UInt64)]) {
            values = rows.map(\.0)
            var running: UInt64 = 0
            cumulative = rows.map { running += $0.1; return running }
        }

        var total: UInt64 { cumulative.last ?? 0 }
        var count: Int { values.count }

        func sample(_ random: inout SurrogateRandom) -> String {
            let target = random.below(total)
            var low = 0, high = cumulative.count - 1
            while low < high {
                let middle = (low + high) / 2
                if cumulative[middle] > target { high = middle } else { low = middle + 1 }
            }
            return values[low]
        }
    }

    struct ZIPEntry: Sendable {
        let zip: String
        let city: String
        let state: String
        let areaCodes: [String]
    }

    let femaleFirst: Weighted
    let maleFirst: Weighted
    /// Lowercased first name → its weight among women and among men (for the likely sex).
    let firstNameWeights: [String: (female: UInt64, male: UInt64)]
    let surnames: Weighted
    let surnameWeights: [String: UInt64]
    let zips: [ZIPEntry]
    let zipIndex: [String: Int]
    /// Indexes into `zips` by 3-digit ZIP area and by state.
    let byZIP3: [String: [Int]]
    let byState: [String: [Int]]
    /// Lowercased city → indexes into `zips`.
    let byCity: [String: [Int]]
    let stateOfAreaCode: [String: String]
    let areaCodesByState: [String: [String]]
    /// States (and DC, territories) in a fixed order, for the randomized response over states.
    let states: [String]

    public struct Unavailable: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    public static let shared: Result<SurrogateTables, Unavailable> = {
        guard let directory = locate() else {
            return .failure(Unavailable(description: "the synthetic-mode tables were not found: set MASKER_SYNTHETIC_DIR to a folder "
                                        + "holding first_names.tsv, surnames.tsv, zips.tsv and area_codes.tsv (Sources/MaskerCore/Resources/synthetic)"))
        }
        do {
            return .success(try SurrogateTables(directory: directory))
        } catch let error as Unavailable {
            return .failure(error)
        } catch {
            return .failure(Unavailable(description: "the synthetic-mode tables could not be read: \(error.localizedDescription)"))
        }
    }()

    static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL? {
        if let configured = environment["MASKER_SYNTHETIC_DIR"], !configured.isEmpty { return URL(fileURLWithPath: configured) }
        var candidates: [URL] = []
        if let executable = Bundle.main.executableURL?.resolvingSymlinksInPath() {
            candidates.append(executable.deletingLastPathComponent().appendingPathComponent("Masker_MaskerCore.resources/synthetic"))
        }
        candidates.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Resources/synthetic"))
        return candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("zips.tsv").path) }
    }

    init(directory: URL) throws {
        func rows(_ name: String, columns: Int) throws -> [[Substring]] {
            let url = directory.appendingPathComponent(name)
            guard let text = try? String(contentsOf: url, encoding: .utf8) else {
                throw Unavailable(description: "cannot read \(url.path); rebuild it with scripts/build-synthetic-tables.sh")
            }
            var result: [[Substring]] = []
            for line in text.split(separator: "\n", omittingEmptySubsequences: true) where !line.hasPrefix("#") {
                let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
                guard fields.count >= columns else { throw Unavailable(description: "\(name) has a malformed line; rebuild it") }
                result.append(fields)
            }
            return result
        }
        var female: [(String, UInt64)] = [], male: [(String, UInt64)] = []
        var firstWeights: [String: (female: UInt64, male: UInt64)] = [:]
        for fields in try rows("first_names.tsv", columns: 3) {
            let name = String(fields[0]), weight = UInt64(fields[2]) ?? 1
            if fields[1] == "F" {
                female.append((name, weight))
                firstWeights[name.lowercased(), default: (0, 0)].female += weight
            } else {
                male.append((name, weight))
                firstWeights[name.lowercased(), default: (0, 0)].male += weight
            }
        }
        femaleFirst = Weighted(female)
        maleFirst = Weighted(male)
        firstNameWeights = firstWeights
        let lasts = try rows("surnames.tsv", columns: 2).map { (String($0[0]), UInt64($0[1]) ?? 1) }
        surnames = Weighted(lasts)
        surnameWeights = Dictionary(lasts.map { ($0.0.lowercased(), $0.1) }, uniquingKeysWith: { first, _ in first })
        var entries: [ZIPEntry] = []
        for fields in try rows("zips.tsv", columns: 4) {
            entries.append(ZIPEntry(zip: String(fields[0]), city: String(fields[1]), state: String(fields[2]),
                                    areaCodes: fields[3].split(separator: ",").map(String.init)))
        }
        zips = entries
        var zipIndex: [String: Int] = [:], byZIP3: [String: [Int]] = [:], byState: [String: [Int]] = [:], byCity: [String: [Int]] = [:]
        for (index, entry) in entries.enumerated() {
            zipIndex[entry.zip] = index
            byZIP3[String(entry.zip.prefix(3)), default: []].append(index)
            byState[entry.state, default: []].append(index)
            byCity[entry.city.lowercased(), default: []].append(index)
        }
        self.zipIndex = zipIndex
        self.byZIP3 = byZIP3
        self.byState = byState
        self.byCity = byCity
        var stateOf: [String: String] = [:], codesBy: [String: [String]] = [:]
        for fields in try rows("area_codes.tsv", columns: 2) {
            stateOf[String(fields[0])] = String(fields[1])
            codesBy[String(fields[1]), default: []].append(String(fields[0]))
        }
        stateOfAreaCode = stateOf
        areaCodesByState = codesBy
        states = byState.keys.sorted()
        guard !female.isEmpty, !male.isEmpty, !lasts.isEmpty, !entries.isEmpty, !stateOf.isEmpty else {
            throw Unavailable(description: "the synthetic-mode tables in \(directory.path) are empty; rebuild them")
        }
    }

    /// The likely sex of a first name: the table's, or nil for a name it does not hold.
    func likelySex(ofFirstName name: String) -> Sex? {
        guard let weights = firstNameWeights[name.lowercased()] else { return nil }
        return weights.female >= weights.male ? .female : .male
    }

    func firstNames(_ sex: Sex) -> Weighted { sex == .female ? femaleFirst : maleFirst }

    enum Sex: String, Sendable, CaseIterable { case female, male }
}
