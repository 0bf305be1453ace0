@testable import DICOM
import Testing

/// The streaming writer: Part 10 framing, meta group, group lengths, padding and event order.
struct StreamWriterTests {
    static func write(_ events: [StreamEvent]) throws -> [UInt8] {
        var writer = StreamWriter()
        var output: [UInt8] = []
        for event in events { try writer.write(event) { output += $0 } }
        return output
    }

    @Test(.enabled(if: Fixtures.pydicomTestFiles != nil, "pydicom is not importable"))
    func streamedWriteEqualsWholeWrite() throws {
        #expect(Fixtures.readableFiles.count > 50)
        for readable in Fixtures.readableFiles {
            let events = try StreamReaderTests.events(readable.bytes, chunkSize: 4096)
            let streamed = try Self.write(events)
            let whole = try readable.file.serialized()
            if readable.file.dataSet.contains(Tag(0x7FE0, 0x0000)) {
                // Streaming drops the retired group length of the pixel data group (see StreamWriter).
                let (a, b) = (try DICOMFile(bytes: streamed), try DICOMFile(bytes: whole))
                #expect(Normalised(a.dataSet) == Normalised(b.dataSet), "\(readable.name)")
                #expect(a.dataSet[Tag(0x7FE0, 0x0000)] == nil)
            } else {
                #expect(streamed == whole, "\(readable.name)")
            }
        }
    }

    @Test func metaGroupFollowsTheDataSetsSOPIdentity() throws {
        var file = DICOMFile(
            header: FileHeader(meta: DataSet(), transferSyntax: .implicitVRLittleEndian, hasPreamble: false),
            dataSet: DataSet())
        file.dataSet.set(try #require(Element(tag: .sopClassUID, vr: .UI, string: "1.2.840.10008.5.1.4.1.1.2")))
        file.dataSet.set(try #require(Element(tag: .sopInstanceUID, vr: .UI, string: "2.25.1234")))
        file.dataSet.set(try #require(Element(tag: .patientID, vr: .LO, string: "X")))
        let bytes = try file.serialized()
        #expect(bytes[128..<132].elementsEqual("DICM".utf8))
        let reread = try DICOMFile(bytes: bytes)
        #expect(reread.header.meta[.mediaStorageSOPInstanceUID]?.string() == "2.25.1234")
        #expect(reread.header.meta[.mediaStorageSOPClassUID]?.string() == "1.2.840.10008.5.1.4.1.1.2")
        #expect(reread.header.meta[.transferSyntaxUID]?.bytes == Array("1.2.840.10008.1.2.1".utf8) + [0])
        #expect(reread.header.meta[.fileMetaInformationVersion]?.bytes == [0, 1])
        // The group length counts every meta element after it.
        let metaLength = try #require(reread.header.meta[.fileMetaInformationGroupLength]?.uint32)
        let dataSetStart = 132 + 12 + Int(metaLength)
        #expect(bytes[dataSetStart..<(dataSetStart + 4)].elementsEqual(Encoding.tag(.sopClassUID)))
    }

    @Test func groupLengthsAreRecomputed() throws {
        let dataSet = Encoding.implicit(Tag(0x0010, 0x0000), Encoding.uint32(999))
            + Encoding.implicit(.patientName, Encoding.text("Doe^J"))
            + Encoding.implicit(.patientID, Encoding.text("ID1"))
            + Encoding.implicit(Tag(0x7FE0, 0x0000), Encoding.uint32(12))
            + Encoding.implicit(.pixelData, [1, 2, 3, 4])
        let source = Encoding.part10(transferSyntax: "1.2.840.10008.1.2", dataSet: dataSet)
        let file = try DICOMFile(bytes: source)
        let reread = try DICOMFile(bytes: file.serialized())
        // (0010,0010) PN 6 bytes + (0010,0020) LO 4 bytes, explicit VR headers of 8 bytes each.
        let expectedLength: UInt32 = 8 + 6 + 8 + 4
        #expect(reread.dataSet[Tag(0x0010, 0x0000)]?.uint32 == expectedLength)
        // Written whole, the pixel data group's length is recomputed: a 12-byte OW header and 4 bytes.
        #expect(reread.dataSet[Tag(0x7FE0, 0x0000)]?.uint32 == 16)
        // Streamed, a group holding a bulk value loses its retired group length: it is only known afterwards.
        let streamed = try DICOMFile(bytes: Self.write(StreamReaderTests.events(source, chunkSize: 7)))
        #expect(streamed.dataSet[Tag(0x7FE0, 0x0000)] == nil)
        #expect(streamed.dataSet[Tag(0x0010, 0x0000)]?.uint32 == expectedLength)
        #expect(streamed.dataSet[.pixelData]?.bytes == [1, 2, 3, 4])
    }

    @Test func oddLengthValuesArePaddedPerVR() throws {
        let dataSet = Encoding.implicit(.patientID, Array("ABC".utf8)) + Encoding.implicit(Tag(0x0020, 0x000D), Array("1.2.3".utf8))
        let file = try DICOMFile(bytes: Encoding.part10(transferSyntax: "1.2.840.10008.1.2", dataSet: dataSet))
        let reread = try DICOMFile(bytes: file.serialized())
        #expect(reread.dataSet[.patientID]?.bytes == Array("ABC ".utf8))
        #expect(reread.dataSet[.studyInstanceUID]?.bytes == Array("1.2.3".utf8) + [0])
    }

    @Test func overlongShortLengthValuesBecomeOW() throws {
        let lut = [UInt8](repeating: 9, count: 70_000)
        var file = DICOMFile(
            header: FileHeader(meta: DataSet(), transferSyntax: .implicitVRLittleEndian, hasPreamble: false),
            dataSet: DataSet([Element(tag: Tag(0x0028, 0x3006), vr: .US, bytes: lut)]))
        file.dataSet.set(Element(tag: .rows, uint16s: [2]))
        let reread = try DICOMFile(bytes: file.serialized())
        #expect(reread.dataSet[Tag(0x0028, 0x3006)]?.vr == .OW)
        #expect(reread.dataSet[Tag(0x0028, 0x3006)]?.bytes == lut)
    }

    @Test func encapsulatedSyntaxIsKeptAndNativeOnesBecomeExplicitLittleEndian() throws {
        for (source, expected) in [
            (TransferSyntax.explicitVRBigEndian, TransferSyntax.explicitVRLittleEndian),
            (.deflatedExplicitVRLittleEndian, .explicitVRLittleEndian), (.implicitVRLittleEndian, .explicitVRLittleEndian),
            (TransferSyntax(uid: "1.2.840.10008.1.2.4.80"), TransferSyntax(uid: "1.2.840.10008.1.2.4.80")),
        ] {
            var writer = StreamWriter()
            try writer.write(.header(FileHeader(meta: DataSet(), transferSyntax: source, hasPreamble: true))) { _ in }
            #expect(writer.transferSyntax == expected)
        }
    }

    @Test func eventsOutOfOrderAreRefused() throws {
        var writer = StreamWriter()
        let error = try #require(throws: DICOMError.self) {
            try writer.write(.element(Element(tag: .rows, uint16s: [1]))) { _ in }
        }
        #expect(error.code == .invalidUse)
        try writer.write(.header(FileHeader(meta: DataSet(), transferSyntax: .explicitVRLittleEndian, hasPreamble: true))) { _ in }
        #expect(throws: DICOMError.self) { try writer.write(.bulkBytes([1, 2][...])) { _ in } }
    }

    @Test func bulkBytesPassToTheSinkWithoutBeingGathered() throws {
        var writer = StreamWriter()
        var writes: [Int] = []
        let chunk = [UInt8](repeating: 5, count: 200_000)
        try writer.write(.header(FileHeader(meta: DataSet(), transferSyntax: .explicitVRLittleEndian, hasPreamble: true))) { writes.append($0.count) }
        try writer.write(.bulkStart(tag: .pixelData, vr: .OW, value: BulkValue(length: 200_000))) { writes.append($0.count) }
        try writer.write(.bulkBytes(chunk[...])) { writes.append($0.count) }
        try writer.write(.bulkEnd) { writes.append($0.count) }
        try writer.write(.end) { writes.append($0.count) }
        #expect(writes.contains(200_000))
    }
}
