/// The coding schemes whose codes the de-identifier keeps, each with the form its code values take
/// (PS3.16 Section 8, Table 8-1), so that free text put in a Code Value cannot pass as a code.
///
/// A code item (the Code Sequence Macro, PS3.3 Table 8.8-1) is kept only when its Coding Scheme
/// Designator is listed here and its Code Value (or Long Code Value) has that scheme's form; an item with
/// a URN Code Value is kept when the URN is well formed. Private schemes (`99…`) and local ones are not
/// known, so their items go.
enum CodingSchemes {
    /// Whether `value` is a well-formed code of the scheme `designator`.
    static func isValid(_ value: String, in designator: String) -> Bool {
        let value = Array(value.utf8)
        guard !value.isEmpty, value.count <= 64 else { return false }
        switch designator {
        case "DCM": return all(value, digit) && (3...6).contains(value.count) || modalities.contains(String(decoding: value, as: UTF8.self))
        case "SCT": return isSNOMEDConceptID(value)
        case "SRT", "SNM3", "99SDM": return isSNOMEDRTCode(value)
        case "LN": return isLOINC(value)
        case "RADLEX": return isPrefixed(value, "RID") || isPrefixed(value, "RPID")
        case "UCUM": return isUCUM(String(decoding: value, as: UTF8.self))
        case "I10", "ICD10", "I10C", "ICD10CM": return isICD10(value)
        case "I10P": return value.count == 7 && all(value) { digit($0) || upper($0) }
        case "I9C", "I9": return isICD9(value)
        case "NCIt": return isPrefixed(value, "C")
        case "UMLS": return value.count == 8 && value.first == UInt8(ascii: "C") && all(value.dropFirst(), digit)
        case "FMA", "RXNORM", "NEU", "UBERON", "PUBCHEM_CID", "NCBITaxon", "CLO": return all(value, digit) && value.count <= 10
        case "MDC": return all(value) { digit($0) || $0 == UInt8(ascii: ":") } || isPrefixed(value, "MDC_", allowing: { upper($0) || digit($0) || $0 == UInt8(ascii: "_") })
        case "ISO3166_1": return value.count == 2 && all(value, upper)
        case "ISO639_1": return value.count == 2 && all(value, lower)
        case "ISO639_2": return value.count == 3 && all(value, lower)
        case "IBSI": return value.count == 4 && all(value) { upper($0) || digit($0) }
        case "ACR": return all(value) { digit($0) || $0 == UInt8(ascii: ".") } && digit(value[0])
        default: return false
        }
    }

    /// Whether a URN Code Value (0008,0120) is a well-formed URN or URL, with no blanks.
    static func isValidURN(_ value: String) -> Bool {
        let lower = value.lowercased()
        guard lower.hasPrefix("urn:") || lower.hasPrefix("http://") || lower.hasPrefix("https://") else { return false }
        return value.count <= 256 && value.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F }
    }

    // MARK: Forms

    private static func digit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    private static func upper(_ byte: UInt8) -> Bool { byte >= 0x41 && byte <= 0x5A }
    private static func lower(_ byte: UInt8) -> Bool { byte >= 0x61 && byte <= 0x7A }
    private static func all(_ bytes: some Collection<UInt8>, _ test: (UInt8) -> Bool) -> Bool {
        !bytes.isEmpty && bytes.allSatisfy(test)
    }

    /// `prefix` then digits (or the characters `allowing` accepts).
    private static func isPrefixed(_ value: [UInt8], _ prefix: String, allowing: (UInt8) -> Bool = digit) -> Bool {
        let prefix = Array(prefix.utf8)
        return value.count > prefix.count && value.starts(with: prefix) && all(value.dropFirst(prefix.count), allowing)
    }

    /// A SNOMED CT identifier: 6 to 18 digits, no leading zero, the partition identifier's second digit a
    /// concept, description or relationship (0, 1, 2), and a valid Verhoeff check digit.
    static func isSNOMEDConceptID(_ value: [UInt8]) -> Bool {
        guard (6...18).contains(value.count), all(value, digit), value[0] != UInt8(ascii: "0") else { return false }
        guard value[value.count - 2] <= UInt8(ascii: "2") else { return false }
        return verhoeffIsValid(value.map { Int($0 - 0x30) })
    }

    /// A SNOMED RT / SNOMED 3 code as DICOM's legacy SRT scheme writes them: `T-D3000`, `G-C0E3`, `R-FAB57`,
    /// `D3-80000`.
    static func isSNOMEDRTCode(_ value: [UInt8]) -> Bool {
        guard let dash = value.firstIndex(of: UInt8(ascii: "-")), (1...2).contains(dash) else { return false }
        let head = value[..<dash]
        let tail = value[(dash + 1)...]
        return upper(head.first!) && all(head) { upper($0) || digit($0) } && (4...5).contains(tail.count)
            && all(tail) { upper($0) || digit($0) }
    }

    /// A LOINC code `NNNNN-C` (or a part `LPNNNNN-C`, answer `LANNNNN-C`) whose check digit is right
    /// (the mod 10 algorithm of the LOINC Users' Guide).
    static func isLOINC(_ value: [UInt8]) -> Bool {
        var body = value[...]
        if body.starts(with: Array("LP".utf8)) || body.starts(with: Array("LA".utf8)) { body = body.dropFirst(2) }
        guard body.count >= 3, body[body.endIndex - 2] == UInt8(ascii: "-") else { return false }
        let number = body.dropLast(2)
        guard (1...7).contains(number.count), all(number, digit), let check = body.last, digit(check) else { return false }
        if body.startIndex != value.startIndex { return true }  // parts and answers use another check
        // Mod 10: double every other digit from the right, starting with the rightmost.
        var sum = 0
        for (position, byte) in number.reversed().enumerated() {
            var digitValue = Int(byte - 0x30)
            if position % 2 == 0 {
                digitValue *= 2
                if digitValue > 9 { digitValue -= 9 }
            }
            sum += digitValue
        }
        return (10 - sum % 10) % 10 == Int(check - 0x30)
    }

    /// An ICD-10 code: a letter, two digits, then an optional `.` and up to four characters.
    static func isICD10(_ value: [UInt8]) -> Bool {
        guard value.count >= 3, upper(value[0]), digit(value[1]), digit(value[2]) || upper(value[2]) else { return false }
        let rest = value.dropFirst(3)
        if rest.isEmpty { return true }
        return rest.first == UInt8(ascii: ".") && (1...4).contains(rest.count - 1) && all(rest.dropFirst()) { digit($0) || upper($0) }
    }

    /// An ICD-9-CM code: three digits, `V` and two digits, or `E` and three, then an optional `.` and
    /// one or two digits.
    static func isICD9(_ value: [UInt8]) -> Bool {
        let letter = value.first == UInt8(ascii: "V") || value.first == UInt8(ascii: "E") ? 1 : 0
        let head = value.first == UInt8(ascii: "E") ? 4 : 3
        guard value.count >= head, all(value[letter..<head], digit) else { return false }
        let rest = value.dropFirst(head)
        return rest.isEmpty
            || rest.first == UInt8(ascii: ".") && (1...2).contains(rest.count - 1) && all(rest.dropFirst(), digit)
    }

    /// Verhoeff's dihedral check (used by SNOMED CT identifiers).
    static func verhoeffIsValid(_ digits: [Int]) -> Bool {
        let multiplication: [[Int]] = [
            [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5], [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
            [3, 4, 0, 1, 2, 8, 9, 5, 6, 7], [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
            [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3], [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
            [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
        ]
        let permutation: [[Int]] = [
            [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4], [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
            [8, 9, 1, 6, 0, 4, 3, 5, 2, 7], [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
            [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
        ]
        var check = 0
        for (position, digit) in digits.reversed().enumerated() {
            check = multiplication[check][permutation[position % 8][digit]]
        }
        return check == 0
    }

    // MARK: UCUM

    /// Whether `value` is a UCUM unit expression built from common atoms (The Unified Code for Units of
    /// Measure, §2–§7): terms of a prefixed atom with an optional exponent, joined by `.` and `/`; the
    /// unity `1`; an annotation `{…}` only from a short list, since its content is free text.
    static func isUCUM(_ value: String) -> Bool {
        guard !value.isEmpty, value.count <= 32 else { return false }
        if value == "1" || annotations.contains(value) { return true }
        var rest = Substring(value)
        if rest.first == "/" { rest = rest.dropFirst() }
        for term in rest.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "." || $0 == "/" }) {
            guard isUCUMTerm(term) else { return false }
        }
        return true
    }

    private static func isUCUMTerm(_ term: Substring) -> Bool {
        var body = term
        if let brace = body.firstIndex(of: "{") {
            guard annotations.contains(String(body[brace...])) else { return false }
            body = body[..<brace]
            if body.isEmpty { return true }
        }
        if body.allSatisfy(\.isASCIIDigit) { return !body.isEmpty && body.count <= 4 }  // 10, 1000 (factors)
        // Strip a trailing exponent (digits, optionally signed).
        var end = body.endIndex
        while end > body.startIndex, body[body.index(before: end)].isASCIIDigit { end = body.index(before: end) }
        if end > body.startIndex, end < body.endIndex, "+-".contains(body[body.index(before: end)]) {
            end = body.index(before: end)
        }
        let unit = String(body[..<end])
        if ucumAtoms.contains(unit) { return true }
        for prefix in ucumPrefixes where unit.hasPrefix(prefix) {
            if prefixableAtoms.contains(String(unit.dropFirst(prefix.count))) { return true }
        }
        return false
    }

    static let ucumPrefixes = ["da", "Y", "Z", "E", "P", "T", "G", "M", "k", "h", "d", "c", "m", "u", "n", "p", "f", "a"]
    /// Metric atoms, which take a prefix.
    static let prefixableAtoms: Set<String> = [
        "m", "s", "g", "rad", "K", "C", "cd", "mol", "sr", "Hz", "N", "Pa", "J", "W", "A", "V", "F", "Ohm", "S",
        "Wb", "T", "H", "lm", "lx", "Bq", "Gy", "Sv", "l", "L", "ar", "t", "bar", "u", "eV", "pc", "Ci", "R",
        "RAD", "REM", "eq", "osm", "g%", "kat", "U", "[iU]", "[IU]", "Cel", "bit", "By", "Bd", "mho", "St", "Ao",
        "b", "dyn", "erg", "P", "G", "Gb", "Mx", "Oe", "sph", "Ky", "Gal",
    ]
    /// Atoms that take no prefix, and common whole units.
    static let ucumAtoms: Set<String> = prefixableAtoms.union([
        "min", "h", "d", "wk", "mo", "a", "a_j", "a_t", "mo_j", "%", "[ppth]", "[ppm]", "[ppb]", "[pptr]",
        "deg", "'", "''", "gon", "[pi]", "10*", "10^", "[hnsf'U]", "[HU]", "[in_i]", "[ft_i]", "[yd_i]",
        "[mi_i]", "[lb_av]", "[oz_av]", "[degF]", "[degR]", "mm[Hg]", "cm[H2O]", "m[H2O]", "[pH]", "[drp]",
        "[mesh_i]", "[Ch]", "[diop]", "[p'diop]", "%[slope]", "[beth'U]", "[knk'U]", "[S]", "[CCID_50]",
        "[TCID_50]", "[PFU]", "[FFU]", "[CFU]", "[arb'U]", "[USP'U]", "[GPL'U]", "[MPL'U]", "[APL'U]",
        "[tb'U]", "[todd'U]", "[dye'U]", "[smgy'U]", "[ka'U]", "[lcwt_av]", "[ston_av]", "[gr]", "[pk_br]",
        "[bu_br]", "[gal_br]", "[gal_us]", "[qt_us]", "[pt_us]", "[foz_us]", "[cup_us]", "[tbs_us]",
        "[tsp_us]", "[psi]", "atm", "att", "[car_m]", "[car_Au]", "B", "B[SPL]", "B[V]", "B[mV]", "B[W]",
        "B[kW]", "Np", "cal", "[Cal]", "[Btu]", "[HP]", "[mclg'U]", "[hp'_X]", "[kp_C]", "[mg/dL]",
    ])
    /// Annotations accepted in UCUM codes (their content is otherwise free text).
    static let annotations: Set<String> = [
        "{ratio}", "{count}", "{cells}", "{beats}", "{breaths}", "{score}", "{index}", "{#}", "{H.B.}",
        "{pixels}", "{pixel}", "{voxels}", "{voxel}", "{counts}", "{events}", "{frames}", "{images}",
        "{slices}", "{Particles}", "{copies}", "{mean}", "{SD}", "{ratio_of_mean}",
    ]

    /// Modalities (PS3.3 C.7.3.1.1.1, CID 29 and CID 33), which DCM uses as code values.
    static let modalities: Set<String> = [
        "AR", "AS", "ASMT", "AU", "BDUS", "BI", "BMD", "CD", "CF", "CP", "CR", "CS", "CT", "DD", "DF", "DG", "DM",
        "DOC", "DS", "DX", "EC", "ECG", "EPS", "ES", "FA", "FID", "FS", "GM", "HC", "HD", "IO", "IOL", "IVOCT",
        "IVUS", "KER", "KO", "LEN", "LP", "LS", "MA", "MG", "MR", "MS", "NM", "OAM", "OCT", "OP", "OPM", "OPR",
        "OPT", "OPTBSV", "OPTENF", "OPV", "OSS", "OT", "PLAN", "POS", "PR", "PT", "PX", "REG", "RESP", "RF",
        "RG", "RTDOSE", "RTIMAGE", "RTINTENT", "RTPLAN", "RTRAD", "RTRECORD", "RTSEGANN", "RTSTRUCT", "RWV",
        "SEG", "SM", "SMR", "SR", "SRF", "ST", "STAIN", "TEXTUREMAP", "TG", "US", "VA", "VF", "XA", "XAPROTOCOL",
        "XC",
    ]
}
