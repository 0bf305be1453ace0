import Testing

@testable import DICOM

/// Streaming de-identification through the real reader and writer: pixel data passes byte-identical,
/// burned-in annotation is blanked as rows pass or the instance is refused.
@Suite struct DeidentificationStreamTests {
    static let key = try! PseudonymisationKey(bytes: Array(repeating: 0x2B, count: 32))
    static let rule = BlankingRule(
        manufacturer: "ACME Imaging", modelName: "Lung 9",
        rectangles: [.init(x: 2, y: 1, width: 3, height: 2), .init(x: 8, y: 7, width: 10, height: 10)])

    static func deidentifier(rules: [BlankingRule] = []) -> Deidentifier {
        Deidentifier(pseudonymiser: Pseudonymiser(key: key), configuration: .init(blankingRules: rules))
    }

    /// An 8 × 10 image of 16-bit pixels, two frames, every byte 0xEE.
    static func image(burnedIn: String?, pixels: Element? = nil) -> DataSet {
        var dataSet = DataSet([
            Element(tag: .patientID, vr: .LO, string: "P-77")!,
            Element(tag: .manufacturer, vr: .LO, string: "ACME IMAGING ")!,
            Element(tag: .manufacturerModelName, vr: .LO, string: "Lung 9")!,
            Element(tag: .sopInstanceUID, vr: .UI, string: "1.2.826.0.1.3680043.9.5.77")!,
            Element(tag: .samplesPerPixel, uint16s: [1]),
            Element(tag: .numberOfFrames, vr: .IS, string: "2")!,
            Element(tag: .rows, uint16s: [8]), Element(tag: .columns, uint16s: [10]),
            Element(tag: .bitsAllocated, uint16s: [16]),
            pixels ?? Element(tag: .pixelData, vr: .OW, bytes: [UInt8](repeating: 0xEE, count: 2 * 8 * 10 * 2)),
        ])
        if let burnedIn { dataSet.set(Element(tag: .burnedInAnnotation, vr: .CS, string: burnedIn)!) }
        return dataSet
    }

    static func run(_ dataSet: DataSet, rules: [BlankingRule] = [], chunkSize: Int = 7, syntax: TransferSyntax = .explicitVRLittleEndian) throws -> DICOMFile {
        let meta = DataSet([Element(tag: .transferSyntaxUID, vr: .UI, string: syntax.uid)!])
        let input = try DICOMFile(header: FileHeader(meta: meta, transferSyntax: syntax, hasPreamble: true), dataSet: dataSet).serialized()
        let output = try DeidentificationPipeline.deidentify(
            input, deidentifier: deidentifier(rules: rules), centre: "C", chunkSize: chunkSize)
        return try DICOMFile(bytes: output)
    }

    @Test func nativePixelDataPassesByteIdentical() throws {
        let varied = Element(tag: .pixelData, vr: .OW, bytes: (0..<320).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        let out = try Self.run(Self.image(burnedIn: "NO", pixels: varied))
        #expect(out.dataSet[.pixelData]?.bytes == varied.bytes)
        #expect(out.dataSet[.burnedInAnnotation]?.string() == "NO")
    }

    @Test func encapsulatedFragmentsPassByteIdentical() throws {
        let pixels = EncapsulatedPixelData(basicOffsetTable: [0, 0, 0, 0], fragments: [Array(repeating: 0x5C, count: 30), [0xFF, 0xD9]])
        let dataSet = Self.image(burnedIn: nil, pixels: Element(tag: .pixelData, vr: .OB, value: .encapsulated(pixels)))
        let jpeg2000 = TransferSyntax(uid: "1.2.840.10008.1.2.4.90")
        let out = try Self.run(dataSet, syntax: jpeg2000)
        #expect(out.header.transferSyntax.uid == jpeg2000.uid)
        guard case .encapsulated(let read) = out.dataSet[.pixelData]?.value else {
            Issue.record("pixel data not encapsulated")
            return
        }
        #expect(read == pixels)
    }

    @Test func burnedInAnnotationWithoutARuleIsRefused() throws {
        #expect(throws: DeidentificationError.self) { try Self.run(Self.image(burnedIn: "YES")) }
        do {
            _ = try Self.run(Self.image(burnedIn: "YES"))
        } catch let error as DeidentificationError {
            #expect(error.code == .burnedInAnnotation)
            #expect(!error.description.contains("ACME"))
        }
    }

    @Test(arguments: [1, 7, 64, 4096])
    func burnedInAnnotationIsBlankedAsRowsPass(chunkSize: Int) throws {
        let out = try Self.run(Self.image(burnedIn: "YES"), rules: [Self.rule], chunkSize: chunkSize)
        let bytes = try #require(out.dataSet[.pixelData]?.bytes)
        for frame in 0..<2 {
            for row in 0..<8 {
                for column in 0..<10 {
                    let inFirst = (1...2).contains(row) && (2...4).contains(column)
                    let inSecond = row == 7 && column >= 8  // clipped at the image edge
                    let offset = ((frame * 8 + row) * 10 + column) * 2
                    let expected: UInt8 = inFirst || inSecond ? 0 : 0xEE
                    #expect(bytes[offset] == expected && bytes[offset + 1] == expected, "frame \(frame) row \(row) column \(column)")
                }
            }
        }
        #expect(out.dataSet[.burnedInAnnotation]?.string() == "NO")
        let codes = out.dataSet[.deidentificationMethodCodeSequence]?.items?.compactMap { $0[Tag(0x0008, 0x0100)]?.string() }
        #expect(codes?.contains("113101") == true)
    }

    @Test func encapsulatedImagesWithBurnedInAnnotationAreRefusedEvenWithARule() throws {
        let pixels = EncapsulatedPixelData(fragments: [[1, 2, 3, 4]])
        let dataSet = Self.image(burnedIn: "YES", pixels: Element(tag: .pixelData, vr: .OB, value: .encapsulated(pixels)))
        do {
            _ = try Self.run(dataSet, rules: [Self.rule], syntax: TransferSyntax(uid: "1.2.840.10008.1.2.4.50"))
            Issue.record("expected a refusal")
        } catch let error as DeidentificationError {
            #expect(error.code == .unsupportedPixelData)
        }
    }

    @Test func colourByPlaneIsBlankedInEveryPlane() {
        let blanker = PixelBlanker(
            rows: 2, columns: 2, samplesPerPixel: 3, bitsAllocated: 8, planarConfiguration: 1, frameCount: 1,
            rectangles: [.init(x: 1, y: 0, width: 1, height: 1)])!
        var bytes = [UInt8](repeating: 9, count: 12)
        blanker.blank(&bytes, at: 0)
        #expect(bytes == [9, 0, 9, 9, 9, 0, 9, 9, 9, 0, 9, 9])
    }

    @Test func largeValuesStreamedAsBulkAreRemovedOrPassed() throws {
        var dataSet = Self.image(burnedIn: nil)
        dataSet.set(Element(tag: Tag(0x0029, 0x0010), vr: .LO, string: "VENDOR")!)
        dataSet.set(Element(tag: Tag(0x0029, 0x1010), vr: .OB, bytes: Array(String(repeating: "SECRETNAME", count: 20).utf8)))
        dataSet.set(Element(tag: Tag(0x0008, 0x0081), vr: .ST, string: String(repeating: "1 Main St ", count: 20))!)
        let lut = Element(tag: Tag(0x0028, 0x1201), vr: .OW, bytes: (0..<200).map { UInt8($0) })
        dataSet.set(lut)
        var reader = StreamReader.Configuration()
        reader.bulkThreshold = 64
        let meta = DataSet([Element(tag: .transferSyntaxUID, vr: .UI, string: TransferSyntax.explicitVRLittleEndian.uid)!])
        let input = try DICOMFile(header: FileHeader(meta: meta, transferSyntax: .explicitVRLittleEndian, hasPreamble: true), dataSet: dataSet).serialized()
        var pipeline = DeidentificationPipeline(deidentifier: Self.deidentifier(), centre: "C", reader: reader)
        var output: [UInt8] = []
        try pipeline.feed(input[...]) { output.append(contentsOf: $0) }
        try pipeline.finish { output.append(contentsOf: $0) }
        #expect(!output.contains(bytes: Array("SECRETNAME".utf8)))
        #expect(!output.contains(bytes: Array("Main St".utf8)))
        let out = try DICOMFile(bytes: output)
        #expect(out.dataSet[Tag(0x0028, 0x1201)]?.bytes == lut.bytes)
        #expect(out.dataSet[.patientIdentityRemoved]?.string() == "YES")
    }

    @Test func aPassedBulkValueBeforeTheImageDescriptionIsRefused() throws {
        var dataSet = Self.image(burnedIn: nil)
        dataSet.set(Element(tag: Tag(0x0018, 0x0022), vr: .CS, string: String(repeating: "A", count: 100))!)
        var reader = StreamReader.Configuration()
        reader.bulkThreshold = 64
        let meta = DataSet([Element(tag: .transferSyntaxUID, vr: .UI, string: TransferSyntax.explicitVRLittleEndian.uid)!])
        let input = try DICOMFile(header: FileHeader(meta: meta, transferSyntax: .explicitVRLittleEndian, hasPreamble: true), dataSet: dataSet).serialized()
        var pipeline = DeidentificationPipeline(deidentifier: Self.deidentifier(), centre: "C", reader: reader)
        #expect(throws: DeidentificationError.self) {
            try pipeline.feed(input[...]) { _ in }
            try pipeline.finish { _ in }
        }
    }

    /// Safe-listed private elements keep flowing after the first bulk value (the pixel data, or a large
    /// private value), with the creators they need; the others still go.
    @Test func safePrivateElementsAfterABulkValueAreKept() throws {
        var dataSet = Self.image(burnedIn: nil)
        dataSet.set(Element(tag: Tag(0x0029, 0x0010), vr: .LO, string: "VENDOR A")!)
        dataSet.set(Element(tag: Tag(0x0029, 0x1010), vr: .OB, bytes: [UInt8](repeating: 0x33, count: 200)))  // bulk, safe
        dataSet.set(Element(tag: Tag(0x0029, 0x1011), vr: .LO, string: "KEEP 1")!)  // after it, safe
        dataSet.set(Element(tag: Tag(0x0029, 0x1012), vr: .LO, string: "SECRET 1")!)
        dataSet.set(Element(tag: Tag(0x0029, 0x1013), vr: .OB, bytes: [UInt8](repeating: 0x44, count: 200)))  // bulk, safe
        dataSet.set(Element(tag: Tag(0x7FE1, 0x0010), vr: .LO, string: "VENDOR B")!)  // after the pixel data
        dataSet.set(Element(tag: Tag(0x7FE1, 0x0011), vr: .LO, string: "VENDOR C")!)
        dataSet.set(Element(tag: Tag(0x7FE1, 0x1001), vr: .LO, string: "KEEP 2")!)
        dataSet.set(Element(tag: Tag(0x7FE1, 0x1002), vr: .LO, string: "SECRET 2")!)
        dataSet.set(Element(tag: Tag(0x7FE1, 0x1101), vr: .LO, string: "SECRET 3")!)
        let safe: Set<Deidentifier.SafePrivateElement> = [
            .init(creator: "VENDOR A", group: 0x0029, element: 0x10), .init(creator: "VENDOR A", group: 0x0029, element: 0x11),
            .init(creator: "VENDOR A", group: 0x0029, element: 0x13),
            .init(creator: "VENDOR B", group: 0x7FE1, element: 0x01),
        ]
        let deidentifier = Deidentifier(pseudonymiser: Pseudonymiser(key: Self.key), configuration: .init(safePrivateElements: safe))
        var reader = StreamReader.Configuration()
        reader.bulkThreshold = 64
        let meta = DataSet([Element(tag: .transferSyntaxUID, vr: .UI, string: TransferSyntax.explicitVRLittleEndian.uid)!])
        let input = try DICOMFile(header: FileHeader(meta: meta, transferSyntax: .explicitVRLittleEndian, hasPreamble: true), dataSet: dataSet).serialized()
        for chunkSize in [5, 64, 100_000] {
            var pipeline = DeidentificationPipeline(deidentifier: deidentifier, centre: "C", reader: reader)
            var output: [UInt8] = []
            var start = 0
            while start < input.count {
                try pipeline.feed(input[start..<min(input.count, start + chunkSize)]) { output.append(contentsOf: $0) }
                start += chunkSize
            }
            try pipeline.finish { output.append(contentsOf: $0) }
            let out = try DICOMFile(bytes: output).dataSet
            #expect(out[Tag(0x0029, 0x0010)]?.string() == "VENDOR A")
            #expect(out[Tag(0x0029, 0x1010)]?.bytes == [UInt8](repeating: 0x33, count: 200))
            #expect(out[Tag(0x0029, 0x1011)]?.string() == "KEEP 1")
            #expect(out[Tag(0x0029, 0x1013)]?.bytes == [UInt8](repeating: 0x44, count: 200))
            #expect(out[Tag(0x7FE1, 0x0010)]?.string() == "VENDOR B")
            #expect(out[Tag(0x7FE1, 0x1001)]?.string() == "KEEP 2")
            #expect(out[Tag(0x7FE1, 0x0011)] == nil)  // no element of its block stays
            for secret in ["SECRET 1", "SECRET 2", "SECRET 3"] { #expect(!output.contains(bytes: Array(secret.utf8))) }
            // Written in tag order (a data set read back sorts itself, so the stream's own order is read).
            var written: [DICOM.Tag] = []
            var check = StreamReader()
            let record = { (event: StreamEvent) in
                switch event {
                case .element(let element): written.append(element.tag)
                case .bulkStart(let tag, _, _): written.append(tag)
                default: break
                }
            }
            try check.feed(output[...], emit: record)
            try check.finish(emit: record)
            #expect(written == written.sorted(), "out of tag order: \(written.filter(\.isPrivate))")
        }
    }
}
