/// De-identifies DICOM data sets by PS3.15 Table E.1-1: the Basic Application Level Confidentiality
/// Profile with the options of `Configuration`, keyed pseudonyms for the patient and keyed `2.25.` UIDs.
///
/// Actions apply wherever an attribute occurs, inside sequences too. Private elements go unless
/// safe-listed. The result records what was done in Patient Identity Removed, De-identification Method
/// and De-identification Method Code Sequence (PS3.3 C.7.1.1). Images with burned-in annotation are
/// refused unless a blanking rule covers their scanner model.
///
/// Use `deidentify(_:meta:centre:)` for a data set held whole and `DeidentificationStream` for the
/// streaming reader's events, where the pixel data passes through without being held.
public struct Deidentifier: Sendable {
    /// What is done beyond the Basic Profile.
    public let configuration: Configuration
    let pseudonymiser: Pseudonymiser
    let options: Set<ConfidentialityProfile.Option>
    /// Descriptor cleaners already built, shared by the copies of this de-identifier.
    let descriptorCleaners = DescriptorCleanerCache()

    /// Creates a de-identifier.
    /// - Parameters:
    ///   - pseudonymiser: Keyed pseudonyms, UIDs and date offsets.
    ///   - configuration: Options, safe-lists and blanking rules.
    public init(pseudonymiser: Pseudonymiser, configuration: Configuration = .init()) {
        self.pseudonymiser = pseudonymiser
        self.configuration = configuration
        self.options = configuration.effectiveOptions
    }

    /// What stays the same for every element of one instance.
    struct Context: Sendable {
        let pseudonym: Pseudonym
        let dates: DateShifter
        /// The instance's Specific Character Set (0008,0005), for text that must be read or written.
        var characterSet: SpecificCharacterSet = .default
        /// The instance's IOD (from its SOP Class UID), for the types of its attributes.
        var iod: Int? = nil
        /// The instance's identifying values, to clean descriptions with.
        var descriptors = DescriptorCleaner()
    }

    /// The outcome of de-identifying a whole instance.
    public struct Result: Sendable {
        /// The de-identified file meta group (MediaStorageSOPInstanceUID replaced).
        public var meta: DataSet
        /// The de-identified data set.
        public var dataSet: DataSet
        /// The patient's pseudonym, for the index; safe to log.
        public var pseudonym: Pseudonym
        /// Whether burned-in annotation was blanked out of the pixel data.
        public var isPixelDataBlanked: Bool
    }

    /// De-identifies an instance held whole, pixel data included.
    /// - Parameters:
    ///   - dataSet: The instance.
    ///   - meta: Its file meta group, if any.
    ///   - centre: The sending centre's identifier, part of the patient pseudonym.
    /// - Throws: `DeidentificationError` when the instance must be refused.
    public func deidentify(_ dataSet: DataSet, meta: DataSet = DataSet(), centre: String)
        throws(DeidentificationError) -> Result
    {
        var isEncapsulated = false
        if case .encapsulated = dataSet[.pixelData]?.value { isEncapsulated = true }
        if let uid = meta[.transferSyntaxUID]?.string(), TransferSyntax(uid: uid).isEncapsulated { isEncapsulated = true }
        var header = try deidentifyHeader(dataSet, centre: centre, isEncapsulated: isEncapsulated)
        if let blanker = header.blanker, var pixels = header.dataSet[.pixelData], var bytes = pixels.bytes {
            blanker.blank(&bytes, at: 0)
            pixels.value = .bytes(bytes)
            header.dataSet.set(pixels)
        }
        return Result(
            meta: deidentifyMeta(meta), dataSet: header.dataSet, pseudonym: header.context.pseudonym,
            isPixelDataBlanked: header.blanker != nil)
    }

    /// The file meta group reduced to what describes the encoding, with its SOP Instance UID replaced
    /// as the data set's is (PS3.10 §7.1, PS3.15 Table E.1-1 row (0002,0003)).
    ///
    /// Source, sending and receiving AE titles and private information (0002,0016-0102) name the sender,
    /// so they go; the writer adds its own implementation identity.
    public func deidentifyMeta(_ meta: DataSet) -> DataSet {
        var out = DataSet()
        for tag in [Tag.fileMetaInformationVersion, .mediaStorageSOPClassUID, .transferSyntaxUID] {
            if let element = meta[tag] { out.set(element) }
        }
        if let uid = meta[.mediaStorageSOPInstanceUID]?.string() {
            out.set(Element(tag: .mediaStorageSOPInstanceUID, vr: .UI, bytes: Self.padded(pseudonymiser.uid(replacing: uid), .UI)))
        }
        return out
    }

    /// The header of an instance (everything that precedes bulk values) de-identified, the records of
    /// what was done added, and the blanking to apply to its pixel data decided.
    func deidentifyHeader(_ dataSet: DataSet, centre: String, isEncapsulated: Bool)
        throws(DeidentificationError) -> (dataSet: DataSet, context: Context, blanker: PixelBlanker?)
    {
        let context = try makeContext(dataSet, centre: centre)
        let blanker = try blankingPlan(for: dataSet, isEncapsulated: isEncapsulated)
        var cleaned = clean(dataSet, context)
        try addRecords(to: &cleaned, context, isBlanked: blanker != nil)
        return (cleaned, context, blanker)
    }

    func makeContext(_ dataSet: DataSet, centre: String) throws(DeidentificationError) -> Context {
        let characterSetElement = dataSet[.specificCharacterSet]
        let characterSet = SpecificCharacterSet(element: characterSetElement)
        let text = { (tag: Tag) -> String? in
            guard let element = dataSet[tag], let bytes = element.bytes else { return nil }
            // ASCII reads the same in every character set.
            if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
            return element.string(characterSet: characterSet)
        }
        let patientID = text(.patientID) ?? ""
        let pseudonym: Pseudonym
        do {
            pseudonym = try pseudonymiser.pseudonym(centre: centre, patientID: patientID, issuer: text(.issuerOfPatientID))
        } catch {
            throw DeidentificationError(
                .missingPatientID, tag: .patientID, "Patient ID or centre is empty; no pseudonym can be made")
        }
        let sopClass = dataSet[.sopClassUID]?.string()?.trimmingBlanks
        return Context(
            pseudonym: pseudonym,
            dates: DateShifter(
                days: pseudonymiser.dateOffsetDays(for: pseudonym),
                seconds: pseudonymiser.timeOfDayOffsetSeconds(for: pseudonym)),
            characterSet: characterSet,
            iod: sopClass.flatMap(IODAttributeTypes.iod(ofSOPClass:)),
            descriptors: identifyingValues(of: dataSet, characterSet))
    }

    /// The values descriptions must not contain (see `DescriptorCleaner`): every person name, and every
    /// text value the profile removes or replaces, at any depth.
    ///
    /// The instances of a series share these values, so the cleaner built from them is kept (by their raw
    /// bytes) for the next instance: only the walk is paid again.
    func identifyingValues(of dataSet: DataSet, _ characterSet: SpecificCharacterSet) -> DescriptorCleaner {
        var key = DescriptorCleanerCache.Key(characterSet: characterSet.terms)
        func collect(_ dataSet: DataSet) {
            for element in dataSet where !element.tag.isPrivate {
                if let items = element.items {
                    items.forEach(collect)
                    continue
                }
                guard let bytes = element.bytes, !bytes.isEmpty else { continue }
                let vr = element.interpretedVR
                if vr == .PN {
                    key.names.append(bytes)
                    continue
                }
                guard [.LO, .SH, .LT, .ST, .UT, .UC, .AE, .UR].contains(vr),
                    let action = ConfidentialityProfile.row(for: element.tag.rawValue)?.action(with: options),
                    action != .k, action != .c
                else { continue }
                key.phrases.append(.init(vr: vr, bytes: bytes))
            }
        }
        collect(dataSet)
        return descriptorCleaners.cleaner(for: key) {
            var cleaner = DescriptorCleaner()
            for name in key.names {
                if let text = Element(tag: .patientName, vr: .PN, bytes: name).string(characterSet: characterSet) {
                    cleaner.addName(text)
                }
            }
            for phrase in key.phrases {
                let values = Element(tag: .patientID, vr: phrase.vr, bytes: phrase.bytes).strings(characterSet: characterSet)
                values?.forEach { cleaner.addPhrase($0) }
            }
            return cleaner
        }
    }

    /// Decides how burned-in annotation is handled: `nil` when there is none (Burned In Annotation absent
    /// or NO), a blanker when a rule covers the scanner, and a refusal otherwise.
    func blankingPlan(for dataSet: DataSet, isEncapsulated: Bool) throws(DeidentificationError) -> PixelBlanker? {
        guard let flag = dataSet[.burnedInAnnotation]?.string(), flag.uppercased().hasPrefix("YES") else { return nil }
        let manufacturer = dataSet[.manufacturer]?.string(characterSet: .latin1)
        let model = dataSet[.manufacturerModelName]?.string(characterSet: .latin1)
        guard let rule = configuration.blankingRules.first(where: { $0.matches(manufacturer: manufacturer, modelName: model) })
        else {
            throw DeidentificationError(
                .burnedInAnnotation, tag: .burnedInAnnotation,
                "Burned In Annotation is YES and no blanking rule covers this manufacturer and model")
        }
        guard !isEncapsulated else {
            throw DeidentificationError(
                .unsupportedPixelData, tag: .pixelData,
                "burned-in annotation can only be blanked in natively encoded pixel data")
        }
        let number = { (tag: Tag) -> Int? in dataSet[tag]?.uint16.map(Int.init) }
        let frames = dataSet[.numberOfFrames]?.string().flatMap { Int($0.trimmingBlanks) } ?? 1
        guard let rows = number(.rows), let columns = number(.columns), let bits = number(.bitsAllocated),
            let blanker = PixelBlanker(
                rows: rows, columns: columns, samplesPerPixel: number(.samplesPerPixel) ?? 1, bitsAllocated: bits,
                planarConfiguration: number(Tag(0x0028, 0x0006)) ?? 0, frameCount: max(1, frames),
                rectangles: rule.rectangles)
        else {
            throw DeidentificationError(
                .unsupportedPixelData, tag: .pixelData, "the Image Pixel module does not allow blanking")
        }
        return blanker
    }
}

extension String {
    /// The text without leading and trailing spaces and NULs.
    var trimmingBlanks: String { Pseudonymiser.trimmed(self) }
}
