import DICOM
import Testing

/// The streaming reader: chunking, bulk values, leniency and precise errors.
struct StreamReaderTests {
    /// Reads `bytes` in chunks of `size`, returning every event.
    static func events(
        _ bytes: [UInt8], chunkSize size: Int, configuration: StreamReader.Configuration = .init()
    ) throws -> [StreamEvent] {
        var reader = StreamReader(configuration: configuration)
        var events: [StreamEvent] = []
        var start = 0
        while start < bytes.count {
            let end = min(start + size, bytes.count)
            try reader.feed(bytes[start..<end]) { events.append($0) }
            start = end
        }
        try reader.finish { events.append($0) }
        return events
    }

    static func collect(_ events: [StreamEvent]) throws -> DataSetCollector {
        var collector = DataSetCollector()
        for event in events { try collector.collect(event) }
        return collector
    }

    @Test(.enabled(if: Fixtures.pydicomTestFiles != nil, "pydicom is not importable"), arguments: [3, 100, 4096])
    func chunkSizeDoesNotChangeWhatIsRead(chunkSize: Int) throws {
        #expect(Fixtures.readableFiles.count > 50)
        for readable in Fixtures.readableFiles {
            let collector = try Self.collect(Self.events(readable.bytes, chunkSize: chunkSize))
            #expect(collector.isComplete)
            #expect(collector.dataSet == readable.file.dataSet, "\(readable.name) in \(chunkSize)-byte chunks")
            #expect(collector.header == readable.file.header, "\(readable.name) header")
        }
    }

    @Test func singleByteChunksReadAFileWithSequencesAndPixelData() throws {
        let bytes = Encoding.part10(
            transferSyntax: "1.2.840.10008.1.2",
            dataSet: Encoding.implicit(.patientName, Encoding.text("Doe^John"))
                + Encoding.implicit(Tag(0x0008, 0x1115), [], length: 0xFFFF_FFFF)
                + Encoding.item(Encoding.implicit(Tag(0x0020, 0x000E), Encoding.text("1.2.3")))
                + Encoding.sequenceEnd
                + Encoding.implicit(.pixelData, [UInt8](repeating: 7, count: 64)))
        let whole = try DICOMFile(bytes: bytes)
        let collector = try Self.collect(Self.events(bytes, chunkSize: 1))
        #expect(collector.dataSet == whole.dataSet)
        #expect(whole.dataSet[Tag(0x0008, 0x1115)]?.items?.first?[Tag(0x0020, 0x000E)]?.string() == "1.2.3")
        #expect(whole.dataSet[.pixelData]?.vr == .OW)
    }

    @Test func nativePixelDataIsStreamedInChunksNeverWhole() throws {
        let pixels = (0..<100_000).map { UInt8(truncatingIfNeeded: $0) }
        let bytes = Encoding.part10(
            transferSyntax: "1.2.840.10008.1.2.1",
            dataSet: Encoding.explicit(.rows, .US, Encoding.uint16(10)) + Encoding.explicit(.pixelData, .OW, pixels))
        let events = try Self.events(bytes, chunkSize: 4096)
        var streamed: [UInt8] = []
        var largestChunk = 0
        for event in events {
            if case .bulkBytes(let chunk) = event {
                streamed += chunk
                largestChunk = max(largestChunk, chunk.count)
            }
            if case .element(let element) = event { #expect(element.tag != .pixelData) }
        }
        #expect(events.contains(.bulkStart(tag: .pixelData, vr: .OW, value: BulkValue(length: 100_000))))
        #expect(streamed == pixels)
        #expect(largestChunk <= 4096)
        #expect(events.last == .end)
    }

    @Test func encapsulatedFragmentsPassThroughByteExact() throws {
        let table = Encoding.uint32(0)
        let fragment1 = [UInt8](repeating: 0xAB, count: 1000)
        let fragment2: [UInt8] = [0xFF, 0xD8, 0xFE, 0xFF, 0xDD, 0xE0, 0, 0]  // holds a delimiter-like pattern
        let items = [table, fragment1, fragment2].flatMap { Encoding.tag(.item) + Encoding.uint32(UInt32($0.count)) + $0 }
        let bytes = Encoding.part10(
            transferSyntax: "1.2.840.10008.1.2.4.50",
            dataSet: Encoding.explicit(.pixelData, .OB, [], length: 0xFFFF_FFFF) + items + Encoding.sequenceEnd)
        let events = try Self.events(bytes, chunkSize: 333)
        #expect(events.filter { if case .fragmentStart = $0 { true } else { false } }.count == 3)
        let file = try DICOMFile(bytes: bytes)
        #expect(file.dataSet[.pixelData]?.value == .encapsulated(EncapsulatedPixelData(basicOffsetTable: table, fragments: [fragment1, fragment2])))
        let written = try file.serialized()
        #expect(written.suffix(items.count + 8) == ArraySlice(items + Encoding.sequenceEnd))
    }

    @Test func largeValuesAboveTheThresholdAreStreamed() throws {
        var configuration = StreamReader.Configuration()
        configuration.bulkThreshold = 1000
        let blob = [UInt8](repeating: 1, count: 2000)
        let bytes = Encoding.part10(
            transferSyntax: "1.2.840.10008.1.2.1",
            dataSet: Encoding.explicit(Tag(0x0009, 0x0010), .LO, Encoding.text("ACME"))
                + Encoding.explicit(Tag(0x0009, 0x1001), .OB, blob))
        let events = try Self.events(bytes, chunkSize: 512, configuration: configuration)
        #expect(events.contains(.bulkStart(tag: Tag(0x0009, 0x1001), vr: .OB, value: BulkValue(length: 2000))))
        #expect(try Self.collect(events).dataSet[Tag(0x0009, 0x1001)]?.bytes == blob)
    }

    @Test func undefinedLengthUNIsReadAsAnImplicitSequence() throws {
        let inner = Encoding.item(Encoding.implicit(Tag(0x0010, 0x0020), Encoding.text("ID42")))
        let bytes = Encoding.part10(
            transferSyntax: "1.2.840.10008.1.2.1",
            dataSet: Encoding.explicit(Tag(0x0029, 0x1010), .UN, [], length: 0xFFFF_FFFF) + inner + Encoding.sequenceEnd)
        let file = try DICOMFile(bytes: bytes)
        let element = try #require(file.dataSet[Tag(0x0029, 0x1010)])
        #expect(element.vr == .SQ)
        #expect(element.items?.first?[.patientID]?.string() == "ID42")
    }

    @Test func bigEndianValuesComeOutLittleEndian() throws {
        let bytes = Encoding.part10(
            transferSyntax: "1.2.840.10008.1.2.2",
            dataSet: Encoding.explicit(.rows, .US, Encoding.uint16(512, bigEndian: true), bigEndian: true)
                + Encoding.explicit(.pixelData, .OW, [0x01, 0x02, 0x03, 0x04], bigEndian: true))
        let file = try DICOMFile(bytes: bytes)
        #expect(file.dataSet[.rows]?.uint16 == 512)
        #expect(file.dataSet[.pixelData]?.bytes == [0x02, 0x01, 0x04, 0x03])
    }

    @Test func explicitLabelledImplicitDataSetIsDetected() throws {
        let bytes = Encoding.part10(
            transferSyntax: "1.2.840.10008.1.2.1", dataSet: Encoding.implicit(.patientID, Encoding.text("X1")))
        let file = try DICOMFile(bytes: bytes)
        #expect(file.dataSet[.patientID]?.string() == "X1")
        #expect(file.dataSet[.patientID]?.vr == .LO)
    }

    @Test func bareDataSetWithoutMetaIsRead() throws {
        let bytes = Encoding.implicit(.patientID, Encoding.text("P7")) + Encoding.implicit(.rows, Encoding.uint16(4))
        let file = try DICOMFile(bytes: bytes)
        #expect(!file.header.hasPreamble)
        #expect(file.header.transferSyntax == .implicitVRLittleEndian)
        #expect(file.dataSet[.rows]?.uint16 == 4)
    }

    @Test func truncationReportsOffsetAndTag() throws {
        let dataSet = Encoding.explicit(.patientID, .LO, Encoding.text("P7")) + Encoding.explicit(.studyInstanceUID, .UI, Array("1.2.3.4".utf8) + [0])
        let bytes = Encoding.part10(transferSyntax: "1.2.840.10008.1.2.1", dataSet: dataSet)
        let error = try #require(throws: DICOMError.self) { try DICOMFile(bytes: Array(bytes.dropLast(3))) }
        #expect(error.code == .truncated)
        #expect(error.tag == .studyInstanceUID)
        #expect(error.offset == bytes.count - dataSet.count + 10 + 8)  // where the UI value starts
        #expect(error.description.contains("(0020,000D)"))
    }

    @Test func nestingDeeperThanTheLimitIsRefused() throws {
        var content = Encoding.implicit(.patientID, Encoding.text("deep"))
        for _ in 0..<10 {
            content = Encoding.implicit(Tag(0x0008, 0x1115), [], length: 0xFFFF_FFFF) + Encoding.item(content) + Encoding.sequenceEnd
        }
        var configuration = StreamReader.Configuration()
        configuration.maximumDepth = 5
        let error = try #require(throws: DICOMError.self) {
            try DICOMFile(bytes: Encoding.part10(transferSyntax: "1.2.840.10008.1.2", dataSet: content), configuration: configuration)
        }
        #expect(error.code == .limitExceeded)
        configuration.maximumDepth = 10
        #expect(throws: Never.self) {
            try DICOMFile(bytes: Encoding.part10(transferSyntax: "1.2.840.10008.1.2", dataSet: content), configuration: configuration)
        }
    }

    @Test func elementCountIsLimited() throws {
        var configuration = StreamReader.Configuration()
        configuration.maximumElementCount = 50
        let dataSet = (0..<60).flatMap { Encoding.implicit(Tag(0x0011, UInt16(0x1000 + $0)), [1, 2]) }
        let error = try #require(throws: DICOMError.self) {
            try DICOMFile(bytes: Encoding.part10(transferSyntax: "1.2.840.10008.1.2", dataSet: dataSet), configuration: configuration)
        }
        #expect(error.code == .limitExceeded)
    }

    @Test func itemWithoutSequenceDelimiterIsMalformed() throws {
        let dataSet = Encoding.implicit(Tag(0x0008, 0x1115), [], length: 0xFFFF_FFFF) + Encoding.implicit(.patientID, Encoding.text("X"))
        let error = try #require(throws: DICOMError.self) {
            try DICOMFile(bytes: Encoding.part10(transferSyntax: "1.2.840.10008.1.2", dataSet: dataSet))
        }
        #expect(error.code == .malformed)
        #expect(error.tag == Tag(0x0008, 0x1115))
    }

    @Test func bareDataSetUsesTheGivenTransferSyntax() throws {
        var configuration = StreamReader.Configuration()
        configuration.bareTransferSyntax = .explicitVRBigEndian
        let bytes = Encoding.explicit(.rows, .US, Encoding.uint16(300, bigEndian: true), bigEndian: true)
        let file = try DICOMFile(bytes: bytes, configuration: configuration)
        #expect(file.header.transferSyntax == .explicitVRBigEndian)
        #expect(file.dataSet[.rows]?.uint16 == 300)
    }

    @Test func textIsRefusedAsNotDICOM() throws {
        let error = try #require(throws: DICOMError.self) {
            try DICOMFile(bytes: Array("This is a README, not a data set.\n".utf8))
        }
        #expect(error.code == .notDICOM)
    }

    @Test func preambleCanBeRequired() throws {
        var configuration = StreamReader.Configuration()
        configuration.requiresPreamble = true
        let error = try #require(throws: DICOMError.self) {
            try DICOMFile(bytes: Encoding.implicit(.patientID, Encoding.text("P7")), configuration: configuration)
        }
        #expect(error.code == .notDICOM)
    }

    @Test(.enabled(if: Fixtures.pydicomTestFiles != nil, "pydicom is not importable"))
    func deflatedDataSetIsInflatedWithinItsLimit() throws {
        let deflated = try #require(Fixtures.readableFiles.first { $0.name == "image_dfl.dcm" })
        #expect(deflated.file.header.transferSyntax.isDeflated)
        #expect(deflated.file.dataSet[.pixelData] != nil)
        var configuration = StreamReader.Configuration()
        configuration.maximumInflatedLength = 1000
        let error = try #require(throws: DICOMError.self) { try DICOMFile(bytes: deflated.bytes, configuration: configuration) }
        #expect(error.code == .limitExceeded)
    }
}
