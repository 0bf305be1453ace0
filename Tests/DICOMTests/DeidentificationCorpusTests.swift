import Testing

@testable import DICOM

/// A corpus with an identifying value planted in every attribute of PS3.15 Table E.1-1 (issue 5, "done
/// when"): after de-identification none of the values the profile removes or replaces is left in any byte
/// of the output, nested or private, and the pixel data is byte-identical.
@Suite struct DeidentificationCorpusTests {
    static let key = try! PseudonymisationKey(bytes: Array(repeating: 0x42, count: 32))
    static let deidentifier = Deidentifier(pseudonymiser: Pseudonymiser(key: key))

    @Test(arguments: [
        (SpecificCharacterSet.utf8, "Ærøskøbing^Jürgen"), (SpecificCharacterSet.latin1, "Müller^Göran"),
    ])
    func noPlantedValueSurvivesInWrittenOutput(characterSet: SpecificCharacterSet, name: String) throws {
        let deidentifier = Self.deidentifier
        let corpus = DeidentificationCorpus.instance(
            options: deidentifier.options, characterSet: characterSet, patientName: name)
        let result = try deidentifier.deidentify(corpus.dataSet, centre: "CENTRE-A")
        let output = try DeidentificationOutput.bytes(of: result)
        Self.expectNoPlants(in: output, corpus: corpus, name: name, characterSet: characterSet)
        #expect(result.dataSet[.pixelData]?.bytes == DeidentificationCorpus.pixelBytes)
        #expect(!result.dataSet.contains { $0.tag.isPrivate })
    }

    @Test func streamingGivesTheSameBytesAndKeepsPixelsIdentical() throws {
        let corpus = DeidentificationCorpus.instance(options: Self.deidentifier.options)
        let input = try DeidentificationOutput.file(corpus.dataSet)
        #expect(input.contains(bytes: Array("PLANT00100020".utf8)))
        // Small, odd chunks cross every element boundary.
        let streamed = try DeidentificationPipeline.deidentify(
            input, deidentifier: Self.deidentifier, centre: "CENTRE-A", chunkSize: 777)
        Self.expectNoPlants(in: streamed, corpus: corpus, name: "Ærøskøbing^Jürgen", characterSet: .utf8)
        let whole = try DeidentificationOutput.bytes(of: Self.deidentifier.deidentify(corpus.dataSet, centre: "CENTRE-A"))
        #expect(streamed == whole)
        let reread = try DICOMFile(bytes: streamed)
        #expect(reread.dataSet[.pixelData]?.bytes == DeidentificationCorpus.pixelBytes)
        #expect(reread.dataSet[.patientIdentityRemoved]?.string() == "YES")
    }

    static func expectNoPlants(
        in output: [UInt8], corpus: (dataSet: DataSet, plants: [DeidentificationCorpus.Plant], nested: [DeidentificationCorpus.Plant]),
        name: String, characterSet: SpecificCharacterSet
    ) {
        var removed = 0
        var kept = 0
        for plant in corpus.plants + corpus.nested where !plant.marker.isEmpty {
            if plant.mustRemain {
                #expect(output.contains(bytes: plant.marker), "\(plant.row.keyword) should be kept")
                kept += 1
            } else {
                #expect(!output.contains(bytes: plant.marker), "\(plant.row.keyword) left in output")
                removed += 1
            }
        }
        #expect(removed > 1000)
        #expect(kept > 10)
        #expect(!output.contains(bytes: Array(DeidentificationCorpus.plantedDate.utf8)))
        for text in ["PLANTCREATOR", "PLANTPRIVATE1", "PLANTPRIVATE2", "PLANTPRIVATE3", "CENTRE-A"] {
            #expect(!output.contains(bytes: Array(text.utf8)), "\(text) left in output")
        }
        #expect(!output.contains(bytes: characterSet.encode(name, vr: .PN)!))
        #expect(!output.contains(bytes: Array(name.utf8)))
        for part in name.split(separator: "^") {
            #expect(!output.contains(bytes: characterSet.encode(String(part), vr: .PN)!))
        }
    }

    @Test func binaryAndAgeValuesAreHandledStructurally() throws {
        let deidentifier = Self.deidentifier
        let corpus = DeidentificationCorpus.instance(options: deidentifier.options)
        let result = try deidentifier.deidentify(corpus.dataSet, centre: "CENTRE-A")
        for plant in corpus.plants where plant.marker.isEmpty {
            let out = result.dataSet[plant.element.tag]
            if plant.mustRemain {
                #expect(out == plant.element, "\(plant.row.keyword) should be kept")
            } else {
                #expect(out == nil || out?.bytes != plant.element.bytes, "\(plant.row.keyword) left as planted")
            }
        }
    }

    @Test func everyRowWithAnExactTagWasPlanted() {
        let corpus = DeidentificationCorpus.instance(options: Self.deidentifier.options)
        let exactRows = ConfidentialityProfile.rows.filter {
            if case .tag(let raw) = $0.pattern { return raw >> 16 != 0 && raw >> 16 != 2 }
            return false
        }
        #expect(corpus.plants.count == exactRows.count)
        #expect(corpus.plants.count > 600)
    }

    @Test func uidReferencesBetweenInstancesStayIntact() throws {
        let study = "1.2.826.0.1.3680043.9.1.100"
        let first = DataSet([
            Element(tag: .patientID, vr: .LO, string: "PAT-1")!,
            Element(tag: .studyInstanceUID, vr: .UI, string: study)!,
            Element(tag: .sopInstanceUID, vr: .UI, string: "1.2.826.0.1.3680043.9.1.101")!,
            Element(tag: .frameOfReferenceUID, vr: .UI, string: "1.2.826.0.1.3680043.9.1.102")!,
        ])
        let reference = DataSet([
            Element(tag: Tag(0x0008, 0x1150), vr: .UI, string: "1.2.840.10008.5.1.4.1.1.2")!,
            Element(tag: Tag(0x0008, 0x1155), vr: .UI, string: "1.2.826.0.1.3680043.9.1.101")!,
        ])
        let second = DataSet([
            Element(tag: .patientID, vr: .LO, string: "PAT-1")!,
            Element(tag: .studyInstanceUID, vr: .UI, string: study)!,
            Element(tag: .sopInstanceUID, vr: .UI, string: "1.2.826.0.1.3680043.9.1.103")!,
            Element(tag: .frameOfReferenceUID, vr: .UI, string: "1.2.826.0.1.3680043.9.1.102")!,
            Element(tag: Tag(0x0008, 0x1140), items: [reference]),
        ])
        let a = try Self.deidentifier.deidentify(first, centre: "C").dataSet
        let b = try Self.deidentifier.deidentify(second, centre: "C").dataSet
        let newUID = { (set: DataSet, tag: DICOM.Tag) in set[tag]?.string() }
        #expect(newUID(a, .studyInstanceUID) == newUID(b, .studyInstanceUID))
        #expect(newUID(a, .frameOfReferenceUID) == newUID(b, .frameOfReferenceUID))
        #expect(newUID(a, .studyInstanceUID)?.hasPrefix("2.25.") == true)
        #expect(newUID(a, .studyInstanceUID) != study)
        let referenced = b[Tag(0x0008, 0x1140)]?.items?.first
        #expect(referenced?[Tag(0x0008, 0x1155)]?.string() == newUID(a, .sopInstanceUID))
        // The SOP Class UID is not an identifier and stays.
        #expect(referenced?[Tag(0x0008, 0x1150)]?.string() == "1.2.840.10008.5.1.4.1.1.2")
    }

    @Test func datesAndTimesOfOnePatientShiftTogether() throws {
        func instance(patient: String, study: String, time: String, birth: String) -> DataSet {
            DataSet([
                Element(tag: .studyDate, vr: .DA, string: study)!,
                Element(tag: .studyTime, vr: .TM, string: time)!,
                Element(tag: Tag(0x0008, 0x0021), vr: .DA, string: study)!,  // Series Date, no Series Time
                Element(tag: .patientID, vr: .LO, string: patient)!,
                Element(tag: .patientBirthDate, vr: .DA, string: birth)!,
                Element(tag: Tag(0x0008, 0x002A), vr: .DT, string: study + time + "+0100")!,
            ])
        }
        let january = try Self.deidentifier.deidentify(
            instance(patient: "P1", study: "20200115", time: "101500.25", birth: "19500101"), centre: "C")
        let march = try Self.deidentifier.deidentify(
            instance(patient: "P1", study: "20200316", time: "235959", birth: "19500101"), centre: "C")
        let other = try Self.deidentifier.deidentify(
            instance(patient: "P2", study: "20200115", time: "101500.25", birth: "19500101"), centre: "C")
        // Seconds since 1970 of a shifted Study Date and Study Time, as written.
        func instant(_ result: Deidentifier.Result, date: DICOM.Tag = .studyDate, time: DICOM.Tag? = .studyTime) -> Int {
            let d = Array(result.dataSet[date]!.string()!.utf8)
            let n = { (text: [UInt8], r: Range<Int>) in r.reduce(0) { $0 * 10 + Int(text[$1] - 48) } }
            var seconds = DateShifter.days(year: n(d, 0..<4), month: n(d, 4..<6), day: n(d, 6..<8)) * 86_400
            if let time {
                let t = Array(result.dataSet[time]!.string()!.utf8)
                seconds += n(t, 0..<2) * 3600 + n(t, 2..<4) * 60 + n(t, 4..<6)
            }
            return seconds
        }
        // The interval between two studies survives to the second, across midnight.
        let originalInterval = (DateShifter.days(year: 2020, month: 3, day: 16) - DateShifter.days(year: 2020, month: 1, day: 15))
            * 86_400 + (23 * 3600 + 59 * 60 + 59) - (10 * 3600 + 15 * 60)
        #expect(instant(march) - instant(january) == originalInterval)
        // The offset is the patient's: whole days plus a part of a day, the same for every value.
        let pseudonymiser = Self.deidentifier.pseudonymiser
        let offset = pseudonymiser.dateOffsetDays(for: january.pseudonym) * 86_400
            + pseudonymiser.timeOfDayOffsetSeconds(for: january.pseudonym)
        #expect(instant(january) - (DateShifter.days(year: 2020, month: 1, day: 15) * 86_400 + 10 * 3600 + 15 * 60) == offset)
        #expect(offset < 0)
        #expect(instant(other) != instant(january))
        // The time moved and kept its fraction; the DT moved exactly as the date and time did.
        let time = january.dataSet[.studyTime]!.string()!
        #expect(time != "101500.25" && time.hasSuffix(".25"))
        #expect(january.dataSet[Tag(0x0008, 0x002A)]!.string()! == january.dataSet[.studyDate]!.string()! + time + "+0100")
        // A date without its time moves by the whole days nearest to the offset.
        let seriesDay = instant(january, date: Tag(0x0008, 0x0021), time: nil) / 86_400
        let nearest = Int((Double(offset) / 86_400).rounded())
        #expect(seriesDay - DateShifter.days(year: 2020, month: 1, day: 15) == nearest)
        // Birth date is Z in the Basic Profile and has no modified-dates column: it is emptied.
        #expect(january.dataSet[.patientBirthDate]?.isEmpty == true)
    }
}
