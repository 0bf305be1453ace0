"""The generic pass: every Table E.1-1 attribute that a file does not hold yet gets a planted value.

Attributes outside the file's IOD are harmless to add (dciodvfy warns, it does not err); those whose
presence would make dciodvfy expect a whole module, or that change what the file is, are left to the
IOD builders (``BUILDER_ONLY``) or skipped for an IOD (``SKIP_BY_IOD``). Private elements, the overlay
and curve groups and the trailing padding are added here too.
"""

from __future__ import annotations

from pydicom.datadict import dictionary_VR
from pydicom.dataset import Dataset
from pydicom.sequence import Sequence

from . import modules as m
from .modules import Context
from .table import Table
from .values import token

#: Sequences whose contents only make sense where the IOD defines them; their builders plant them.
BUILDER_ONLY = {
    "ContentSequence", "VerifyingObserverSequence", "GraphicAnnotationSequence", "PersonIdentificationCodeSequence",
    "AcquisitionContextSequence", "DataSetTrailingPadding", "EncapsulatedDocument",
}

#: Attributes whose presence makes dciodvfy require more of a module than the file has: the content
#: item values of the Document Content Macro at the root of an SR (whose value type is CONTAINER).
_SR_ROOT = {"Date", "Time", "DateTime", "PersonName", "UID", "TextValue"}
SPECIMEN = {"ContainerIdentifier", "IssuerOfTheContainerIdentifierSequence", "ContainerDescription",
            "SpecimenIdentifier", "SpecimenUID", "IssuerOfTheSpecimenIdentifierSequence",
            "SpecimenShortDescription", "SpecimenDetailedDescription", "SpecimenPreparationSequence",
            "ContainerComponentID", "SpecimenAccessionNumber"}
SKIP_BY_IOD: dict[str, set[str]] = {"ComprehensiveSR": _SR_ROOT, "KOS": _SR_ROOT,
                                    "EnhancedCT": {"ConcatenationUID"}}

#: Table E.1-1 attributes newer than the dicom3tools release Debian ships (dciodvfy reports each as an
#: unrecognised even-group attribute, an error): planted in one carrier file only, so that the other
#: files validate cleanly.
UNKNOWN_TO_DCIODVFY = {0x00102161, 0x00120022, 0x00120023, 0x00120032, 0x00120041, 0x00120043, 0x00120055,
                       0x00120073, 0x00181204, 0x00181205, 0x003A0329, 0x003A032B, 0x30020121, 0x30020123,
                       0x3006002D, 0x3006002E, 0x3006004D, 0x3006004E, 0x300A0054}

#: Patient Study module (PS3.3 C.7.2.2) and other per-visit attributes: one value per study.
STUDY_LEVEL = {
    "PatientAge", "PatientSize", "PatientWeight", "Occupation", "AdditionalPatientHistory", "SmokingStatus",
    "PregnancyStatus", "MedicalAlerts", "Allergies", "PatientState", "LastMenstrualDate", "AdmissionID",
    "AdmittingDate", "AdmittingTime", "ReasonForVisit", "ServiceEpisodeID", "ServiceEpisodeDescription",
    "PhysiciansOfRecord", "NameOfPhysiciansReadingStudy", "RequestingPhysician", "RequestingService",
    "ConsultingPhysicianName", "ReferringPhysicianAddress", "ReferringPhysicianTelephoneNumbers",
}

#: Values that must come from an enumeration or a fixed form to stay valid.
ENUMERATED = {
    "SmokingStatus": "NO", "PregnancyStatus": 4, "PatientSexNeutered": "UNALTERED",
    "ReasonForTheAttributeModification": "CORRECT", "InstanceOriginStatus": "LOCAL",
    "GPSLatitudeRef": "N", "GPSLongitudeRef": "E", "GPSAltitudeRef": 0, "GPSStatus": "A",
    "GPSMeasureMode": "2", "GPSSpeedRef": "K", "GPSTrackRef": "T", "GPSImgDirectionRef": "T",
    "GPSDestLatitudeRef": "N", "GPSDestLongitudeRef": "E", "GPSDestBearingRef": "T",
    "GPSDestDistanceRef": "K", "GPSDifferential": "0", "GPSVersionID": b"\x02\x02\x00\x00",
}


def level_for(keyword: str, tag: int) -> str:
    group = tag >> 16
    if keyword in STUDY_LEVEL:
        return "study"
    if group == 0x0010 or (group == 0x0012 and (tag & 0xFFFF) < 0x0050):
        return "patient"
    return "file"


def value_for(ctx: Context, table: Table, keyword: str, tag: int, vr: str):
    """A planted value for one generic attribute, valid for its VR."""
    row = table.row(tag)
    if keyword in ENUMERATED:
        return ENUMERATED[keyword]
    vr = vr.split(" or ")[0]
    if vr == "SQ":
        return Sequence(sequence_items(ctx, keyword, row is not None and row.options.get("cleanDesc") == "C"))
    if row is not None and row.options.get("cleanDesc") == "C":
        limit = {"SH": 16, "LO": 64, "ST": 1024, "LT": 10240, "UT": 10240, "UC": 200, "OB": 1024}.get(vr, 64)
        if vr == "CS":
            return "CORRECT"
        text = ctx.descriptor("file", keyword, limit)
        return (text.encode() + b" ")[: len(text.encode()) // 2 * 2 + 2] if vr == "OB" else text
    if vr == "AS":
        return f"{ctx.study.date.year - ctx.patient.birth_date.year:03d}Y"
    if vr == "DS" and dictionary_vm(tag) not in ("1", ""):
        n = ctx.factory.next_serial()
        count = {"LensSpecification": 4}.get(keyword, 3)
        return [f"{n % 90}.{i}{n:05d}" for i in range(count)]
    return ctx.v(level_for(keyword, tag), keyword, vr)


def dictionary_vm(tag: int) -> str:
    from pydicom.datadict import dictionary_VM
    try:
        return dictionary_VM(tag)
    except KeyError:
        return ""


def sequence_items(ctx: Context, keyword: str, cleaned: bool) -> list[Dataset]:
    """One or two items for a planted sequence, holding further planted attributes."""
    if keyword in SPECIAL_SEQUENCES:
        return SPECIAL_SEQUENCES[keyword](ctx)
    if keyword.endswith("CodeSequence"):
        items = [m.free_text_code(ctx, keyword, identifying=cleaned)]
        return ([m.real("pneumonia")] + items) if cleaned else items
    if keyword.endswith("IdentificationSequence"):
        return [m.person_identification(ctx)]
    if keyword.startswith("IssuerOf"):
        item = Dataset()
        item.LocalNamespaceEntityID = ctx.sv.make("LocalNamespaceEntityID", "UT")
        return [item]
    item = Dataset()
    item.PersonName = ctx.sv.make("PersonName", "PN")
    item.InstitutionName = ctx.sv.make("InstitutionName", "LO")
    return [item]


def _icon(ctx: Context) -> list[Dataset]:
    item = Dataset()
    item.SamplesPerPixel = 1
    item.PhotometricInterpretation = "MONOCHROME2"
    item.Rows = 8
    item.Columns = 8
    item.BitsAllocated = 8
    item.BitsStored = 8
    item.HighBit = 7
    item.PixelRepresentation = 0
    item.PixelData = (token(ctx.factory.next_serial()).encode() * 8)[:64]
    return [item]


def _original_attributes(ctx: Context) -> list[Dataset]:
    """Original Attributes Sequence (PS3.3 C.12.1): the name the archive corrected, kept "for audit"."""
    modified = Dataset()
    modified.PatientName = ctx.sv.make("PatientName", "PN")
    modified.PatientID = ctx.patient.patient_id
    item = Dataset()
    item.ModifiedAttributesSequence = Sequence([modified])
    item.AttributeModificationDateTime = ctx.sv.make("AttributeModificationDateTime", "DT")
    item.ModifyingSystem = ctx.sv.make("ModifyingSystem", "LO")
    item.SourceOfPreviousValues = ctx.sv.make("SourceOfPreviousValues", "LO")
    item.ReasonForTheAttributeModification = "CORRECT"
    return [item]


def _signatures(ctx: Context) -> list[Dataset]:
    item = Dataset()
    item.MACIDNumber = 1
    item.DigitalSignatureUID = ctx.sv.make("DigitalSignatureUID", "UI")
    item.DigitalSignatureDateTime = ctx.sv.make("DigitalSignatureDateTime", "DT")
    item.CertificateType = "X509_1993_SIG"
    item.CertificateOfSigner = ctx.sv.make("CertificateOfSigner", "OB")
    item.Signature = ctx.sv.make("Signature", "OB")
    return [item]


def _patient_photo(ctx: Context) -> list[Dataset]:
    """Referenced Instances and Access Macro (PS3.3 Table 10-3b), retrievable over DICOM."""
    ref = Dataset()
    ref.ReferencedSOPClassUID = "1.2.840.10008.5.1.4.1.1.77.1.4"
    ref.ReferencedSOPInstanceUID = ctx.sv.make("ReferencedSOPInstanceUID", "UI")
    # (dciodvfy 2022 requires it here even for DICOM instances; harmless, and one more planted value.)
    ref.HL7InstanceIdentifier = ctx.sv.make("HL7InstanceIdentifier", "ST")
    item = Dataset()
    item.StudyInstanceUID = ctx.sv.make("StudyInstanceUID", "UI")
    item.SeriesInstanceUID = ctx.sv.make("SeriesInstanceUID", "UI")
    item.ReferencedSOPSequence = Sequence([ref])
    item.TypeOfInstances = "DICOM"
    retrieval = Dataset()
    retrieval.RetrieveAETitle = ctx.sv.make("RetrieveAETitle", "AE")
    item.DICOMRetrievalSequence = Sequence([retrieval])
    return [item]


def _participant(ctx: Context) -> list[Dataset]:
    """Participant Sequence item (PS3.3 C.17.2): an identified person and when they took part."""
    item = Dataset()
    item.ParticipationType = "ENT"
    item.ParticipationDateTime = ctx.sv.make("ParticipationDateTime", "DT")
    item.ObserverType = "PSN"
    item.PersonName = ctx.sv.make("PersonName", "PN")
    item.PersonIdentificationCodeSequence = Sequence([m.free_text_code(ctx, "PersonIdentificationCode", False)])
    item.InstitutionName = ctx.sv.make("InstitutionName", "LO")
    item.InstitutionCodeSequence = Sequence([])
    return [item]


def _flow(ctx: Context) -> list[Dataset]:
    """Flow Identifier Sequence item (PS3.3 C.7.6.1.1.7): the flow and source identifiers (both D)."""
    item = Dataset()
    item.FlowIdentifier = ctx.sv.make("FlowIdentifier", "OB")
    item.SourceIdentifier = ctx.sv.make("SourceIdentifier", "OB")
    return [item]


def _udi(ctx: Context) -> list[Dataset]:
    """UDI Macro (PS3.3 Table 10.29-1): the device's Unique Device Identifier."""
    item = Dataset()
    item.UniqueDeviceIdentifier = ctx.sv.make("UniqueDeviceIdentifier", "UT")
    item.DeviceDescription = ctx.sv.make("DeviceDescription", "LO")
    return [item]


def _referenced(sop_class: str):
    def make(ctx: Context) -> list[Dataset]:
        item = Dataset()
        item.ReferencedSOPClassUID = sop_class
        item.ReferencedSOPInstanceUID = ctx.sv.make("ReferencedSOPInstanceUID", "UI")
        return [item]
    return make


SPECIAL_SEQUENCES = {
    "IconImageSequence": _icon,
    "UDISequence": _udi,
    "FlowIdentifierSequence": _flow,
    "ParticipantSequence": _participant,
    "OriginalAttributesSequence": _original_attributes,
    "DigitalSignaturesSequence": _signatures,
    "ReferencedPatientPhotoSequence": _patient_photo,
    "ReferencedPatientSequence": _referenced("1.2.840.10008.3.1.2.1.1"),
    "ReferencedImageSequence": _referenced("1.2.840.10008.5.1.4.1.1.2"),
    "SourceImageSequence": _referenced("1.2.840.10008.5.1.4.1.1.2"),
    "ReferencedStudySequence": _referenced("1.2.840.10008.3.1.2.3.1"),
    "ReferencedPerformedProcedureStepSequence": _referenced("1.2.840.10008.3.1.2.3.3"),
}


def plant_rows(ds: Dataset, ctx: Context, table: Table, iod: str, carrier: bool = False) -> None:
    """Adds every Table E.1-1 attribute ``ds`` does not hold, with a planted value; the ``carrier`` file
    also gets those dciodvfy does not know."""
    skip = BUILDER_ONLY | SKIP_BY_IOD.get(iod, set())
    if iod in ("CT", "EnhancedCT") and "Laterality" not in ds:
        add_specimen(ds, ctx)
    elif "Laterality" in ds:
        # dciodvfy 2022 refuses a series Laterality beside a Specimen Description Sequence, and any
        # one Specimen module attribute makes it expect the whole module: none in this file.
        skip = skip | SPECIMEN
    for row in table.keyword_rows():
        tag = Table.tag_of(row)
        if tag >> 16 in (0x0000, 0x0002, 0xFFFC) or tag in ds or row.keyword in skip:
            continue
        if tag in UNKNOWN_TO_DCIODVFY and not carrier:
            continue
        try:
            vr = dictionary_VR(tag)
        except KeyError:
            continue
        ds.add_new(tag, vr.split(" or ")[0], value_for(ctx, table, row.keyword, tag, vr))
    if carrier:
        # Rows newer than pydicom's dictionary (2026c): their VR is unknown here, so UN (PS3.5 6.2.2).
        for row in table.rows:
            if row.keyword is None and "x" not in row.tag.lower() and row.tag.startswith("(00"):
                tag = Table.tag_of(row)
                text = f"{token(ctx.factory.next_serial())} unknown row {row.tag}".encode()
                ds.add_new(tag, "UN", text + b" " * (len(text) % 2))
    if "ResponsiblePerson" in ds and "ResponsiblePersonRole" not in ds:
        ds.ResponsiblePersonRole = "PARENT"  # Type 1C with Responsible Person (PS3.3 C.7.1.1)


def add_specimen(ds: Dataset, ctx: Context) -> None:
    """Specimen Module (PS3.3 C.7.6.22), allowed in CT and Enhanced CT: container and specimen
    identifiers, UIDs and descriptions, all planted."""
    issuer = Dataset()
    issuer.LocalNamespaceEntityID = ctx.sv.make("LocalNamespaceEntityID", "UT")
    ds.ContainerIdentifier = ctx.sv.make("ContainerIdentifier", "LO")
    ds.IssuerOfTheContainerIdentifierSequence = Sequence([issuer])
    ds.ContainerTypeCodeSequence = Sequence([])
    ds.ContainerDescription = ctx.descriptor("file", "ContainerDescription", 64)
    specimen = Dataset()
    specimen.SpecimenIdentifier = ctx.sv.make("SpecimenIdentifier", "LO")
    specimen_issuer = Dataset()
    specimen_issuer.LocalNamespaceEntityID = ctx.sv.make("LocalNamespaceEntityID", "UT")
    specimen.IssuerOfTheSpecimenIdentifierSequence = Sequence([specimen_issuer])
    specimen.SpecimenUID = ctx.sv.make("SpecimenUID", "UI")
    specimen.SpecimenShortDescription = ctx.descriptor("file", "SpecimenShortDescription", 64)
    specimen.SpecimenDetailedDescription = ctx.descriptor("file", "SpecimenDetailedDescription", 10240)
    specimen.SpecimenPreparationSequence = Sequence([])
    ds.SpecimenDescriptionSequence = Sequence([specimen])


def plant_private(ds: Dataset, ctx: Context, large: bool = False) -> None:
    """Private elements with creators: text, a private sequence (holding a private and a standard
    element), and optionally a large value, all holding planted tokens."""
    family = ctx.patient.name.split("^")[0]
    block = ds.private_block(0x0009, "PLANTED PRIVATE CREATOR", create=True)
    block.add_new(0x01, "LO", f"{token(ctx.factory.next_serial())} {family} {ctx.patient.patient_id}")
    block.add_new(0x02, "DS", f"7{ctx.factory.next_serial():05d}.5")
    inner = Dataset()
    inner_block = inner.private_block(0x0011, "PLANTED PRIVATE ITEM", create=True)
    inner_block.add_new(0x01, "LO", f"{token(ctx.factory.next_serial())} in private item")
    inner.PatientName = ctx.sv.make("PatientName", "PN")
    block.add_new(0x03, "SQ", Sequence([inner]))
    if large:
        marker = token(ctx.factory.next_serial()).encode()
        body = bytearray(b"CSA2" + marker + bytes(range(256)) * 256 + marker + b" " + family.encode() + b" ")
        body += b"\0" * (len(body) % 2)
        ds.private_block(0x0029, "PLANTED LARGE PRIVATE", create=True).add_new(0x10, "OB", bytes(body))


def plant_after_pixels(ds: Dataset, ctx: Context, group: int, padding: bool = False) -> None:
    """A private element after Pixel Data (group 7FE1 or 7FE3), and Data Set Trailing Padding."""
    block = ds.private_block(group, "PLANTED PIXEL PRIVATE", create=True)
    text = f"{token(ctx.factory.next_serial())} after pixel data {ctx.patient.patient_id}".encode()
    block.add_new(0x01, "OB", text + b"\0" * (len(text) % 2))
    if padding:
        ds.add_new(0xFFFCFFFC, "OB", f"{token(ctx.factory.next_serial())} trailing padding".encode().ljust(32, b"\0"))
