"""Image IODs of the corpus: CT Image (PS3.3 A.3), a reformatted CT series, and Enhanced CT (A.38)."""

from __future__ import annotations

import struct

from pydicom.dataset import Dataset
from pydicom.sequence import Sequence

from . import modules as m
from .modules import Context

CT_IMAGE = "1.2.840.10008.5.1.4.1.1.2"
ENHANCED_CT = "1.2.840.10008.5.1.4.1.1.2.1"
SIZE = 32


def pixels(seed: int, frames: int = 1, big_endian: bool = False) -> bytes:
    """32×32 16-bit unsigned pixels (12 bits stored): a disc on a gradient, different for each seed."""
    values = []
    for f in range(frames):
        for y in range(SIZE):
            for x in range(SIZE):
                inside = (x - 16) ** 2 + (y - 16) ** 2 < (6 + (seed + f) % 7) ** 2
                values.append((1024 + 900 * inside + 3 * x + 5 * y + 17 * seed + 31 * f) & 0x0FFF)
    return struct.pack((">" if big_endian else "<") + f"{len(values)}H", *values)


def add_image_pixel(ds: Dataset, seed: int, frames: int = 1, big_endian: bool = False) -> None:
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.Rows = SIZE
    ds.Columns = SIZE
    ds.BitsAllocated = 16
    ds.BitsStored = 12
    ds.HighBit = 11
    ds.PixelRepresentation = 0
    ds.PixelData = pixels(seed, frames, big_endian)


def add_overlay(ds: Dataset, text: str) -> None:
    """Overlay Plane module (PS3.3 C.9.2) in group 6000; its bits spell a planted token."""
    ds.add_new(0x60000010, "US", SIZE)
    ds.add_new(0x60000011, "US", SIZE)
    ds.add_new(0x60000040, "CS", "G")
    ds.add_new(0x60000050, "SS", [1, 1])
    ds.add_new(0x60000100, "US", 1)
    ds.add_new(0x60000102, "US", 0)
    ds.add_new(0x60000022, "LO", "Planted overlay")
    bits = (text.encode() * 20)[: SIZE * SIZE // 8]
    ds.add_new(0x60003000, "OW", bits)
    ds.add_new(0x60004000, "LT", f"{text} overlay comment")


def add_curve(ds: Dataset, text: str) -> None:
    """A retired Curve (group 5000, PS3.3 2004 C.10.2) holding a planted description and data."""
    ds.add_new(0x50000005, "US", 1)
    ds.add_new(0x50000010, "US", 4)
    ds.add_new(0x50000020, "CS", "TAC")
    ds.add_new(0x50000022, "LO", f"{text} curve")
    ds.add_new(0x50000103, "US", 0)
    ds.add_new(0x50003000, "OW", text.encode()[:8].ljust(8, b"\0"))


def ct_slice(ctx: Context, sop_uid: str, index: int, position_z: float, *, big_endian: bool = False,
             charset: str | None = None) -> Dataset:
    """One axial CT slice of the original series."""
    ds = Dataset()
    m.add_sop_common(ds, ctx, CT_IMAGE, sop_uid, charset)
    m.add_patient(ds, ctx)
    m.add_clinical_trial(ds, ctx)
    m.add_general_study(ds, ctx)
    m.add_patient_study(ds, ctx)
    m.add_general_series(ds, ctx)
    ds.FrameOfReferenceUID = ctx.series.frame_of_reference
    ds.PositionReferenceIndicator = ""
    m.add_general_equipment(ds, ctx)
    ds.AcquisitionNumber = 1
    ds.AcquisitionDate = ctx.study.date.strftime("%Y%m%d")
    ds.AcquisitionTime = ctx.v("file", "AcquisitionTime")
    ds.ContentDate = ctx.study.date.strftime("%Y%m%d")
    ds.ContentTime = ctx.v("file", "ContentTime")
    ds.ImageType = ["ORIGINAL", "PRIMARY", "AXIAL"]
    ds.ImageComments = ctx.descriptor("file", "ImageComments", 10240)
    ds.PixelSpacing = [0.78125, 0.78125]
    ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    ds.ImagePositionPatient = [-12.5, -12.5, position_z]
    ds.SliceThickness = "1.25"
    ds.SliceLocation = str(position_z)
    add_image_pixel(ds, index, big_endian=big_endian)
    ds.RescaleIntercept = "-1024"
    ds.RescaleSlope = "1"
    ds.RescaleType = "HU"
    ds.KVP = "120"
    ds.WindowCenter = "-600"
    ds.WindowWidth = "1500"
    ds.ContrastBolusAgent = ctx.descriptor("series", "ContrastBolusAgent", 64, want="clean")
    ds.BurnedInAnnotation = "NO"
    return ds


def reformat(ctx: Context, sop_uid: str, index: int, sources: list[tuple[str, str]]) -> Dataset:
    """A coronal reformat of the right lung: Laterality on a paired body part, and references to the
    source slices in Source Image Sequence and Referenced Image Sequence (PS3.3 C.7.6.1)."""
    ds = ct_slice(ctx, sop_uid, 10 + index, 0.0)
    ds.ImageType = ["DERIVED", "SECONDARY", "REFORMATTED"]
    ds.BodyPartExamined = "LUNG"
    ds.Laterality = "R"
    ds.ImageOrientationPatient = [1, 0, 0, 0, 0, -1]
    ds.ImagePositionPatient = [-12.5, -5.0 + index, 10.0]
    del ds.SliceLocation
    ds.DerivationDescription = ctx.descriptor("file", "DerivationDescription", 1024)
    ds.DerivationCodeSequence = Sequence([m.real("mpr")])
    source_items, referenced_items = [], []
    for sop_class, uid in sources:
        item = Dataset()
        item.ReferencedSOPClassUID = sop_class
        item.ReferencedSOPInstanceUID = uid
        item.PurposeOfReferenceCodeSequence = Sequence([m.real("source_image")])
        source_items.append(item)
        ref = Dataset()
        ref.ReferencedSOPClassUID = sop_class
        ref.ReferencedSOPInstanceUID = uid
        referenced_items.append(ref)
    ds.SourceImageSequence = Sequence(source_items)
    ds.ReferencedImageSequence = Sequence(referenced_items)
    return ds


def enhanced_ct(ctx: Context, sop_uid: str, frames: int = 2) -> Dataset:
    """A derived Enhanced CT Image (PS3.3 A.38) with Enhanced General Equipment (DeviceSerialNumber
    Type 1) and the Acquisition Context module (Acquisition Context Sequence Type 2)."""
    ds = Dataset()
    m.add_sop_common(ds, ctx, ENHANCED_CT, sop_uid)
    m.add_patient(ds, ctx)
    m.add_clinical_trial(ds, ctx)
    m.add_general_study(ds, ctx)
    m.add_patient_study(ds, ctx)
    m.add_general_series(ds, ctx)
    ds.FrameOfReferenceUID = ctx.series.frame_of_reference
    ds.PositionReferenceIndicator = ""
    m.add_general_equipment(ds, ctx)
    ds.ImageType = ["DERIVED", "PRIMARY", "AXIAL", "NONE"]
    ds.PixelPresentation = "MONOCHROME"
    ds.VolumetricProperties = "VOLUME"
    ds.VolumeBasedCalculationTechnique = "NONE"
    ds.AcquisitionNumber = 1
    ds.ContentQualification = "RESEARCH"
    ds.ImageComments = ctx.descriptor("file", "ImageComments", 10240)
    ds.BurnedInAnnotation = "NO"
    ds.RecognizableVisualFeatures = "NO"
    ds.LossyImageCompression = "00"
    ds.PresentationLUTShape = "IDENTITY"
    ds.ContentDate = ctx.study.date.strftime("%Y%m%d")
    ds.ContentTime = ctx.v("file", "ContentTime")
    ds.NumberOfFrames = frames
    # Synchronization (PS3.3 C.7.4.2): the generic pass plants Synchronization Frame of Reference UID,
    # which makes these Type 1. (Concatenation UID would need a real concatenation: not planted here.)
    ds.SynchronizationTrigger = "NO TRIGGER"
    ds.AcquisitionTimeSynchronized = "N"
    add_image_pixel(ds, 40, frames)
    ds.AcquisitionContextSequence = Sequence(acquisition_context(ctx))

    dim_uid = ctx.v("file", "DimensionOrganizationUID", "UI")
    org = Dataset()
    org.DimensionOrganizationUID = dim_uid
    ds.DimensionOrganizationSequence = Sequence([org])
    ds.DimensionOrganizationType = "3D"
    index_items = []
    for pointer in (0x00209056, 0x00209057):  # Stack ID, In-Stack Position Number
        item = Dataset()
        item.DimensionOrganizationUID = dim_uid
        item.DimensionIndexPointer = pointer
        item.FunctionalGroupPointer = 0x00209111  # Frame Content Sequence
        index_items.append(item)
    ds.DimensionIndexSequence = Sequence(index_items)

    shared = Dataset()
    measures = Dataset()
    measures.PixelSpacing = [0.78125, 0.78125]
    measures.SliceThickness = "1.25"
    shared.PixelMeasuresSequence = Sequence([measures])
    orientation = Dataset()
    orientation.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    shared.PlaneOrientationSequence = Sequence([orientation])
    anatomy = Dataset()
    anatomy.AnatomicRegionSequence = Sequence([m.real("chest")])
    anatomy.FrameLaterality = "U"
    shared.FrameAnatomySequence = Sequence([anatomy])
    transform = Dataset()
    transform.RescaleIntercept = "-1024"
    transform.RescaleSlope = "1"
    transform.RescaleType = "HU"
    shared.PixelValueTransformationSequence = Sequence([transform])
    voi = Dataset()
    voi.WindowCenter = "-600"
    voi.WindowWidth = "1500"
    shared.FrameVOILUTSequence = Sequence([voi])
    frame_type = Dataset()
    frame_type.FrameType = ["DERIVED", "PRIMARY", "AXIAL", "NONE"]
    frame_type.PixelPresentation = "MONOCHROME"
    frame_type.VolumetricProperties = "VOLUME"
    frame_type.VolumeBasedCalculationTechnique = "NONE"
    shared.CTImageFrameTypeSequence = Sequence([frame_type])
    irradiation = Dataset()
    irradiation.IrradiationEventUID = ctx.v("file", "IrradiationEventUID", "UI")
    shared.IrradiationEventIdentificationSequence = Sequence([irradiation])
    ds.SharedFunctionalGroupsSequence = Sequence([shared])

    per_frame = []
    for f in range(frames):
        item = Dataset()
        content = Dataset()
        content.FrameReferenceDateTime = ctx.v("file", f"FrameReferenceDateTime{f}", "DT")
        content.FrameAcquisitionDateTime = ctx.v("file", f"FrameAcquisitionDateTime{f}", "DT")
        content.FrameAcquisitionDuration = 500.0
        content.StackID = "1"
        content.InStackPositionNumber = f + 1
        content.DimensionIndexValues = [1, f + 1]
        item.FrameContentSequence = Sequence([content])
        position = Dataset()
        position.ImagePositionPatient = [-12.5, -12.5, -100.0 + 1.25 * f]
        item.PlanePositionSequence = Sequence([position])
        per_frame.append(item)
    ds.PerFrameFunctionalGroupsSequence = Sequence(per_frame)
    return ds


def acquisition_context(ctx: Context) -> list[Dataset]:
    """Acquisition Context Sequence items (PS3.3 Table 10-12): TEXT, PNAME and DATE with planted values."""
    items = []
    text = Dataset()
    text.ValueType = "TEXT"
    text.ConceptNameCodeSequence = Sequence([m.real("comment")])
    family = ctx.patient.name.split("^")[0]
    text.TextValue = f"{ctx.sv.make('TextValue', 'UT')} patient {family} {ctx.patient.patient_id}"
    items.append(text)
    person = Dataset()
    person.ValueType = "PNAME"
    person.ConceptNameCodeSequence = Sequence([m.real("person_observer")])
    person.PersonName = ctx.sv.make("PersonName", "PN")
    items.append(person)
    date = Dataset()
    date.ValueType = "DATE"
    date.ConceptNameCodeSequence = Sequence([m.real("study_date")])
    date.Date = ctx.study.date.strftime("%Y%m%d")
    items.append(date)
    return items
