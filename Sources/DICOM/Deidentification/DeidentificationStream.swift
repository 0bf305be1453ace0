/// De-identifies one instance as the streaming reader's events pass (see `StreamEvent`), for the writer.
///
/// The header data set (every element before the first bulk value) is held, because the patient
/// pseudonym and date offset depend on Patient ID, which follows the dates in tag order. Bulk values
/// then pass through as they come, byte-identical, except that burned-in annotation is blanked in native
/// pixel data when a blanking rule applies; a bulk value the profile removes is dropped without being
/// held, and one it replaces becomes a small dummy element.
///
/// Feed every event to `process(_:emit:)` in order; the de-identified events go to `emit`.
public struct DeidentificationStream {
    private let deidentifier: Deidentifier
    private let centre: String
    private var held = DataSet()
    private var context: Deidentifier.Context?
    private var blanker: PixelBlanker?
    private var isEncapsulated = false
    private var bulk = BulkState.none
    /// Every private creator seen, by tag: the safe-list applies after the header too.
    private var creators: [Tag: Element] = [:]
    /// The private creators already emitted.
    private var emittedCreators: Set<Tag> = []
    /// Private elements after the header, held until their group is complete.
    private var pendingPrivate = DataSet()

    private enum BulkState {
        case none
        /// Passing bytes through; `offset` counts the value's bytes so far, for blanking.
        case passing(blankedFrom: PixelBlanker?, offset: Int)
        /// Dropping the bytes of a removed or replaced value.
        case skipping
    }

    /// The first tag after the attributes the header must hold before anything can be emitted:
    /// Patient ID, the de-identification records and the Image Pixel module up to Longitudinal Temporal
    /// Information Modified (0028,0303).
    static let headerEnd = Tag(0x0028, 0x0304)

    /// The patient's pseudonym, known once the header has been emitted.
    public var pseudonym: Pseudonym? { context?.pseudonym }
    /// Whether burned-in annotation is being blanked out of the pixel data.
    public var isPixelDataBlanked: Bool { blanker != nil }

    /// What happens to the bytes of the bulk value under way: passed on unchanged (`true`), dropped
    /// (`false`), or neither because they are rewritten (blanking) or no bulk value is under way (`nil`).
    var isPassingBulkUnchanged: Bool? {
        switch bulk {
        case .none: nil
        case .skipping: false
        case .passing(let blanker, _): blanker == nil ? true : nil
        }
    }

    /// Starts de-identifying one instance.
    /// - Parameters:
    ///   - deidentifier: The profile, keys and rules.
    ///   - centre: The sending centre's identifier, part of the patient pseudonym.
    public init(deidentifier: Deidentifier, centre: String) {
        self.deidentifier = deidentifier
        self.centre = centre
    }

    /// Takes one event of the reader and emits the de-identified events it leads to.
    /// - Throws: `DeidentificationError` when the instance is refused or events are out of order, and
    ///   whatever `emit` throws.
    public mutating func process(_ event: StreamEvent, emit: (StreamEvent) throws -> Void) throws {
        switch event {
        case .header(var header):
            isEncapsulated = header.transferSyntax.isEncapsulated
            header.meta = deidentifier.deidentifyMeta(header.meta)
            try emit(.header(header))
        case .element(let element):
            guard case .none = bulk else { throw Self.outOfOrder }
            if let context {
                try pass(element, context, emit: emit)
            } else {
                held.set(element)
            }
        case .bulkStart(let tag, let vr, let value):
            guard case .none = bulk else { throw Self.outOfOrder }
            if pendingPrivate.first?.tag.group != tag.group || !tag.isPrivate { try flushPrivate(emit: emit) }
            try startBulk(tag: tag, vr: vr, value: value, emit: emit)
        case .fragmentStart, .bulkBytes:
            switch bulk {
            case .none: throw Self.outOfOrder
            case .skipping: break
            case .passing(let blanker, let offset):
                guard case .bulkBytes(let chunk) = event else { return try emit(event) }
                bulk = .passing(blankedFrom: blanker, offset: offset + chunk.count)
                if let blanker, blanker.touches(offset: offset, length: chunk.count) {
                    var copy = Array(chunk)
                    blanker.blank(&copy, at: offset)
                    try emit(.bulkBytes(copy[...]))
                } else {
                    try emit(event)
                }
            }
        case .bulkEnd:
            switch bulk {
            case .none: throw Self.outOfOrder
            case .skipping: break
            case .passing: try emit(.bulkEnd)
            }
            bulk = .none
        case .end:
            guard case .none = bulk else { throw Self.outOfOrder }
            try flush(emit: emit)
            try flushPrivate(emit: emit)
            try emit(.end)
        }
    }

    private mutating func startBulk(tag: Tag, vr: VR, value: BulkValue, emit: (StreamEvent) throws -> Void) throws {
        let probe = Element(tag: tag, vr: vr, value: .bulk(value))
        let outcome: Element?
        if tag.isPrivate {
            let creatorTag = tag.privateCreatorTag
            let creator = creatorTag.flatMap { context == nil ? held[$0] : creators[$0] }
            let isSafe = creator.map { deidentifier.isSafePrivate(tag, creator: $0) } ?? false
            outcome = isSafe ? probe : nil
            if isSafe, context != nil {
                // What is pending of its group goes out first (tag order), with its creator if that came
                // after the header.
                if let creatorTag, let creator, !emittedCreators.contains(creatorTag) { pendingPrivate.set(creator) }
                try flushPrivate(emit: emit, keepingCreatorOf: tag)
            }
        } else {
            outcome = deidentifier.clean(probe, context ?? Self.placeholder, Deidentifier.Scope())
        }
        guard let outcome else {
            bulk = .skipping
            return
        }
        guard case .bulk = outcome.value else {
            // Replaced by a dummy or an empty value: it joins the held elements, its bytes are dropped.
            if context == nil { held.set(outcome) } else { try emit(.element(outcome)) }
            bulk = .skipping
            return
        }
        if context == nil {
            guard tag >= Self.headerEnd else {
                throw DeidentificationError(
                    .invalidStream, tag: tag,
                    "a bulk value precedes the patient and image description; raise the reader's bulk threshold")
            }
            try flush(emit: emit, keepingCreatorOf: tag)
        }
        let isPixelData = tag == .pixelData
        try emit(.bulkStart(tag: tag, vr: vr, value: value))
        bulk = .passing(blankedFrom: isPixelData && !value.isEncapsulated ? blanker : nil, offset: 0)
    }

    /// De-identifies the held header and emits it; from then on elements pass one by one.
    /// - Parameter tag: A safe-listed private bulk value about to pass, whose creator must be emitted.
    private mutating func flush(emit: (StreamEvent) throws -> Void, keepingCreatorOf tag: Tag? = nil) throws {
        guard context == nil else { return }
        var header = try deidentifier.deidentifyHeader(held, centre: centre, isEncapsulated: isEncapsulated)
        context = header.context
        blanker = header.blanker
        if let creatorTag = tag?.privateCreatorTag, let creator = held[creatorTag] { header.dataSet.set(creator) }
        for element in held where element.tag.isPrivateCreator { creators[element.tag] = element }
        for element in header.dataSet {
            if element.tag.isPrivateCreator { emittedCreators.insert(element.tag) }
            try emit(.element(element))
        }
        held = DataSet()
    }

    /// An element after the header: public ones are cleaned and emitted at once; private ones wait until
    /// their group is complete, because a private creator precedes the elements of its block and whether
    /// it stays depends on them.
    private mutating func pass(_ element: Element, _ context: Deidentifier.Context, emit: (StreamEvent) throws -> Void) throws {
        let tag = element.tag
        if tag.isPrivate {
            if pendingPrivate.first?.tag.group != tag.group { try flushPrivate(emit: emit) }
            if tag.isPrivateCreator { creators[tag] = element }
            pendingPrivate.set(element)
            return
        }
        try flushPrivate(emit: emit)
        if !tag.isGroupLength, let cleaned = deidentifier.clean(element, context, Deidentifier.Scope()) {
            try emit(.element(cleaned))
        }
    }

    /// Emits what the safe-list keeps of the pending private group, with the creators it needs that have
    /// not gone out yet.
    /// - Parameter tag: A safe-listed private bulk value about to pass, whose creator must be emitted.
    private mutating func flushPrivate(emit: (StreamEvent) throws -> Void, keepingCreatorOf tag: Tag? = nil) throws {
        guard let context, let group = pendingPrivate.first?.tag.group ?? tag?.group else { return }
        var input = pendingPrivate
        for (creatorTag, creator) in creators where creatorTag.group == group && !input.contains(creatorTag) {
            input.set(creator)
        }
        var cleaned = deidentifier.clean(input, context)
        if let creatorTag = tag?.privateCreatorTag, let creator = creators[creatorTag] { cleaned.set(creator) }
        pendingPrivate = DataSet()
        for element in cleaned where !emittedCreators.contains(element.tag) {
            if element.tag.isPrivateCreator { emittedCreators.insert(element.tag) }
            try emit(.element(element))
        }
    }

    /// Used only to classify a bulk value before the header is known; its values never reach output,
    /// because a bulk value kept as it is carries no replaced value.
    private static let placeholder = Deidentifier.Context(
        pseudonym: Pseudonym(rawValue: ""), dates: DateShifter(days: 0))

    private static let outOfOrder = DeidentificationError(.invalidStream, "stream events out of order")
}
