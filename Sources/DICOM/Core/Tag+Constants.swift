/// Tags the reader, writer and de-identifier refer to by name (PS3.6 Tables 6-1, 7-1 and 8-1).
///
/// Any other tag can be written as `Tag(0x0010, 0x0010)` or looked up by keyword in `DataDictionary`.
extension Tag {
    // MARK: File meta information (PS3.10 §7.1, PS3.6 Table 7-1)

    /// (0002,0000) File Meta Information Group Length, UL.
    public static let fileMetaInformationGroupLength = Tag(0x0002, 0x0000)
    /// (0002,0001) File Meta Information Version, OB.
    public static let fileMetaInformationVersion = Tag(0x0002, 0x0001)
    /// (0002,0002) Media Storage SOP Class UID, UI.
    public static let mediaStorageSOPClassUID = Tag(0x0002, 0x0002)
    /// (0002,0003) Media Storage SOP Instance UID, UI.
    public static let mediaStorageSOPInstanceUID = Tag(0x0002, 0x0003)
    /// (0002,0010) Transfer Syntax UID, UI.
    public static let transferSyntaxUID = Tag(0x0002, 0x0010)
    /// (0002,0012) Implementation Class UID, UI.
    public static let implementationClassUID = Tag(0x0002, 0x0012)
    /// (0002,0013) Implementation Version Name, SH.
    public static let implementationVersionName = Tag(0x0002, 0x0013)
    /// (0002,0016) Source Application Entity Title, AE.
    public static let sourceApplicationEntityTitle = Tag(0x0002, 0x0016)

    // MARK: Data set (PS3.6 Table 6-1)

    /// (0008,0005) Specific Character Set, CS.
    public static let specificCharacterSet = Tag(0x0008, 0x0005)
    /// (0008,0008) Image Type, CS.
    public static let imageType = Tag(0x0008, 0x0008)
    /// (0008,0016) SOP Class UID, UI.
    public static let sopClassUID = Tag(0x0008, 0x0016)
    /// (0008,0018) SOP Instance UID, UI.
    public static let sopInstanceUID = Tag(0x0008, 0x0018)
    /// (0008,0020) Study Date, DA.
    public static let studyDate = Tag(0x0008, 0x0020)
    /// (0008,0030) Study Time, TM.
    public static let studyTime = Tag(0x0008, 0x0030)
    /// (0008,0050) Accession Number, SH.
    public static let accessionNumber = Tag(0x0008, 0x0050)
    /// (0008,0060) Modality, CS.
    public static let modality = Tag(0x0008, 0x0060)
    /// (0008,0070) Manufacturer, LO.
    public static let manufacturer = Tag(0x0008, 0x0070)
    /// (0008,0080) Institution Name, LO.
    public static let institutionName = Tag(0x0008, 0x0080)
    /// (0008,1090) Manufacturer's Model Name, LO.
    public static let manufacturerModelName = Tag(0x0008, 0x1090)
    /// (0010,0010) Patient's Name, PN.
    public static let patientName = Tag(0x0010, 0x0010)
    /// (0010,0020) Patient ID, LO.
    public static let patientID = Tag(0x0010, 0x0020)
    /// (0010,0021) Issuer of Patient ID, LO.
    public static let issuerOfPatientID = Tag(0x0010, 0x0021)
    /// (0010,0030) Patient's Birth Date, DA.
    public static let patientBirthDate = Tag(0x0010, 0x0030)
    /// (0010,0040) Patient's Sex, CS.
    public static let patientSex = Tag(0x0010, 0x0040)
    /// (0012,0062) Patient Identity Removed, CS.
    public static let patientIdentityRemoved = Tag(0x0012, 0x0062)
    /// (0012,0063) De-identification Method, LO.
    public static let deidentificationMethod = Tag(0x0012, 0x0063)
    /// (0012,0064) De-identification Method Code Sequence, SQ.
    public static let deidentificationMethodCodeSequence = Tag(0x0012, 0x0064)
    /// (0018,0015) Body Part Examined, CS.
    public static let bodyPartExamined = Tag(0x0018, 0x0015)
    /// (0020,000D) Study Instance UID, UI.
    public static let studyInstanceUID = Tag(0x0020, 0x000D)
    /// (0020,000E) Series Instance UID, UI.
    public static let seriesInstanceUID = Tag(0x0020, 0x000E)
    /// (0020,0052) Frame of Reference UID, UI.
    public static let frameOfReferenceUID = Tag(0x0020, 0x0052)
    /// (0028,0002) Samples per Pixel, US.
    public static let samplesPerPixel = Tag(0x0028, 0x0002)
    /// (0028,0004) Photometric Interpretation, CS.
    public static let photometricInterpretation = Tag(0x0028, 0x0004)
    /// (0028,0008) Number of Frames, IS.
    public static let numberOfFrames = Tag(0x0028, 0x0008)
    /// (0028,0010) Rows, US.
    public static let rows = Tag(0x0028, 0x0010)
    /// (0028,0011) Columns, US.
    public static let columns = Tag(0x0028, 0x0011)
    /// (0028,0100) Bits Allocated, US.
    public static let bitsAllocated = Tag(0x0028, 0x0100)
    /// (0028,0101) Bits Stored, US.
    public static let bitsStored = Tag(0x0028, 0x0101)
    /// (0028,0103) Pixel Representation, US.
    public static let pixelRepresentation = Tag(0x0028, 0x0103)
    /// (0028,0301) Burned In Annotation, CS.
    public static let burnedInAnnotation = Tag(0x0028, 0x0301)
    /// (7FE0,0008) Float Pixel Data, OF.
    public static let floatPixelData = Tag(0x7FE0, 0x0008)
    /// (7FE0,0009) Double Float Pixel Data, OD.
    public static let doubleFloatPixelData = Tag(0x7FE0, 0x0009)
    /// (7FE0,0010) Pixel Data, OB or OW.
    public static let pixelData = Tag(0x7FE0, 0x0010)
    /// (FFFC,FFFC) Data Set Trailing Padding, OB.
    public static let dataSetTrailingPadding = Tag(0xFFFC, 0xFFFC)

    // MARK: Delimiters (PS3.5 §7.5)

    /// (FFFE,E000) Item.
    public static let item = Tag(0xFFFE, 0xE000)
    /// (FFFE,E00D) Item Delimitation Item.
    public static let itemDelimitationItem = Tag(0xFFFE, 0xE00D)
    /// (FFFE,E0DD) Sequence Delimitation Item.
    public static let sequenceDelimitationItem = Tag(0xFFFE, 0xE0DD)
}
