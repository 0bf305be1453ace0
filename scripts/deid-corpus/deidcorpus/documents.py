"""Document IODs of the corpus that reference its images: Key Object Selection (PS3.3 A.59),
Comprehensive SR (A.35.3) and Grayscale Softcopy Presentation State (A.33.1)."""

from __future__ import annotations

from dataclasses import dataclass

from pydicom.dataset import Dataset
from pydicom.sequence import Sequence

from . import modules as m
from .modules import Context

KOS = "1.2.840.10008.5.1.4.1.1.88.59"
COMPREHENSIVE_SR = "1.2.840.10008.5.1.4.1.1.88.33"
GSPS = "1.2.840.10008.5.1.4.1.1.11.1"


@dataclass(frozen=True)
class Instance:
    """An instance another file may reference."""

    sop_class: str
    sop_uid: str
    series_uid: str
    study_uid: str


def evidence(instances: list[Instance]) -> Sequence:
    """Hierarchical SOP Instance Reference Macro (PS3.3 Table C.17-3): study / series / instances."""
    studies: dict[str, dict[str, list[Instance]]] = {}
    for inst in instances:
        studies.setdefault(inst.study_uid, {}).setdefault(inst.series_uid, []).append(inst)
    items = []
    for study_uid, series in studies.items():
        study_item = Dataset()
        study_item.StudyInstanceUID = study_uid
        series_items = []
        for series_uid, members in series.items():
            series_item = Dataset()
            series_item.SeriesInstanceUID = series_uid
            series_item.ReferencedSOPSequence = Sequence([sop_ref(i) for i in members])
            series_items.append(series_item)
        study_item.ReferencedSeriesSequence = Sequence(series_items)
        items.append(study_item)
    return Sequence(items)


def sop_ref(inst: Instance) -> Dataset:
    item = Dataset()
    item.ReferencedSOPClassUID = inst.sop_class
    item.ReferencedSOPInstanceUID = inst.sop_uid
    return item


def content_item(relationship: str | None, value_type: str, concept: Dataset) -> Dataset:
    item = Dataset()
    if relationship:
        item.RelationshipType = relationship
    item.ValueType = value_type
    item.ConceptNameCodeSequence = Sequence([concept])
    return item


def image_item(relationship: str, inst: Instance, concept: Dataset | None = None) -> Dataset:
    item = Dataset()
    item.RelationshipType = relationship
    item.ValueType = "IMAGE"
    if concept is not None:
        item.ConceptNameCodeSequence = Sequence([concept])
    item.ReferencedSOPSequence = Sequence([sop_ref(inst)])
    return item


def add_document_series(ds: Dataset, ctx: Context) -> None:
    """SR Document Series / Key Object Document Series (PS3.3 C.17.1, C.17.6.1)."""
    se = ctx.series
    ds.Modality = se.modality
    ds.SeriesInstanceUID = se.uid
    ds.SeriesNumber = se.number
    ds.SeriesDate = ctx.study.date.strftime("%Y%m%d")
    ds.SeriesTime = ctx.v("series", "SeriesTime")
    ds.SeriesDescription = ctx.descriptor("series", "SeriesDescription", 64)
    ds.ProtocolName = ctx.descriptor("series", "ProtocolName", 64, want="clean")
    mpps = Dataset()
    mpps.ReferencedSOPClassUID = "1.2.840.10008.3.1.2.3.3"
    mpps.ReferencedSOPInstanceUID = ctx.v("series", "ReferencedMPPSInstanceUID", "UI")
    ds.ReferencedPerformedProcedureStepSequence = Sequence([mpps])


def add_common(ds: Dataset, ctx: Context, sop_class: str, sop_uid: str) -> None:
    m.add_sop_common(ds, ctx, sop_class, sop_uid)
    m.add_patient(ds, ctx)
    m.add_clinical_trial(ds, ctx)
    m.add_general_study(ds, ctx)
    m.add_patient_study(ds, ctx)
    m.add_general_equipment(ds, ctx)


def key_object_selection(ctx: Context, sop_uid: str, images: list[Instance]) -> Dataset:
    """KOS (TID 2010) flagging images "Of Interest", with a Key Object Description holding identifiers."""
    ds = Dataset()
    add_common(ds, ctx, KOS, sop_uid)
    add_document_series(ds, ctx)
    ds.ContentDate = ctx.study.date.strftime("%Y%m%d")
    ds.ContentTime = ctx.v("file", "ContentTime")
    ds.CurrentRequestedProcedureEvidenceSequence = evidence(images)
    ds.ValueType = "CONTAINER"
    ds.ConceptNameCodeSequence = Sequence([m.real("of_interest")])
    ds.ContinuityOfContent = "SEPARATE"
    template = Dataset()
    template.MappingResource = "DCMR"
    template.TemplateIdentifier = "2010"
    ds.ContentTemplateSequence = Sequence([template])
    items = []
    description = content_item("CONTAINS", "TEXT", m.real("key_object_description"))
    family, given = ctx.patient.name.split("^")[:2]
    description.TextValue = (f"{ctx.sv.make('TextValue', 'UT')} Images clefs de {family} {given}, "
                             f"IPP {ctx.patient.patient_id}, acc {ctx.study.accession}")
    items.append(description)
    items += [image_item("CONTAINS", inst) for inst in images]
    ds.ContentSequence = Sequence(items)
    return ds


def comprehensive_sr(ctx: Context, sop_uid: str, images: list[Instance], series_uid: str) -> Dataset:
    """A verified Comprehensive SR with content items of every value type, nested four levels."""
    ds = Dataset()
    add_common(ds, ctx, COMPREHENSIVE_SR, sop_uid)
    add_document_series(ds, ctx)
    ds.CompletionFlag = "COMPLETE"
    ds.VerificationFlag = "VERIFIED"
    ds.ContentDate = ctx.study.date.strftime("%Y%m%d")
    ds.ContentTime = ctx.v("file", "ContentTime")
    observer = Dataset()
    observer.VerifyingObserverName = ctx.v("file", "VerifyingObserverName")
    observer.VerifyingObserverIdentificationCodeSequence = Sequence(
        [m.free_text_code(ctx, "VerifyingObserverIdentificationCodeSequence", False)])
    observer.VerifyingOrganization = ctx.v("file", "VerifyingOrganization")
    observer.VerificationDateTime = ctx.v("file", "VerificationDateTime")
    ds.VerifyingObserverSequence = Sequence([observer])
    author = Dataset()
    author.ObserverType = "PSN"
    author.PersonName = ctx.sv.make("PersonName", "PN")
    author.PersonIdentificationCodeSequence = Sequence([m.free_text_code(ctx, "PersonIdentificationCode", False)])
    author.InstitutionName = ctx.sv.make("InstitutionName", "LO")
    author.InstitutionCodeSequence = Sequence([m.free_text_code(ctx, "InstitutionCodeSequence", False)])
    author.ObservationDateTime = ctx.v("file", "AuthorObservationDateTime", "DT")
    ds.AuthorObserverSequence = Sequence([author])
    custodian = Dataset()
    custodian.InstitutionName = ctx.sv.make("InstitutionName", "LO")
    custodian.InstitutionCodeSequence = Sequence([])
    ds.CustodialOrganizationSequence = Sequence([custodian])
    ds.PerformedProcedureCodeSequence = Sequence([m.real("ct_chest_ln"), m.free_text_code(ctx, "PerformedProcedureCodeSequence", True)])
    ds.CurrentRequestedProcedureEvidenceSequence = evidence(images)
    ds.ValueType = "CONTAINER"
    ds.ConceptNameCodeSequence = Sequence([m.real("report")])
    ds.ContinuityOfContent = "SEPARATE"
    ds.ContentSequence = Sequence(sr_content(ctx, images, series_uid))
    return ds


def sr_content(ctx: Context, images: list[Instance], series_uid: str) -> list[Dataset]:
    """Observation context, then Findings ⊃ finding ⊃ measurement ⊃ image, with every value type."""
    family, given = ctx.patient.name.split("^")[:2]
    obs_type = content_item("HAS OBS CONTEXT", "CODE", m.real("observer_type"))
    obs_type.ConceptCodeSequence = Sequence([m.real("person")])
    observer = content_item("HAS OBS CONTEXT", "PNAME", m.real("person_observer"))
    observer.PersonName = ctx.sv.make("PersonName", "PN")
    study_uid = content_item("HAS OBS CONTEXT", "UIDREF", m.real("study_uid"))
    study_uid.UID = ctx.study.uid
    study_date = content_item("HAS OBS CONTEXT", "DATE", m.real("study_date"))
    study_date.Date = ctx.study.date.strftime("%Y%m%d")
    study_time = content_item("HAS OBS CONTEXT", "TIME", m.real("study_time"))
    study_time.Time = ctx.study.time
    started = content_item("HAS OBS CONTEXT", "DATETIME", m.real("datetime_started"))
    started.DateTime = ctx.v("file", "DateTimeStarted", "DT")

    measurement = content_item("CONTAINS", "NUM", m.real("diameter"))
    value = Dataset()
    value.NumericValue = "8.5"
    value.MeasurementUnitsCodeSequence = Sequence([m.real("mm")])
    measurement.MeasuredValueSequence = Sequence([value])
    measurement.ObservationDateTime = ctx.v("file", "NumObservationDateTime", "DT")
    measurement.ContentSequence = Sequence([image_item("INFERRED FROM", images[0])])

    series_ref = content_item("HAS PROPERTIES", "UIDREF", m.real("series_uid"))
    series_ref.UID = series_uid

    nodule = content_item("CONTAINS", "CODE", m.real("finding"))
    nodule.ConceptCodeSequence = Sequence([m.real("nodule")])
    nodule.ContentSequence = Sequence([measurement, series_ref])

    local = content_item("CONTAINS", "CODE", m.real("finding"))
    local.ConceptCodeSequence = Sequence([m.free_text_code(ctx, "ConceptCodeSequence", True)])

    text = content_item("CONTAINS", "TEXT", m.real("finding"))
    text.TextValue = (f"{ctx.sv.make('TextValue', 'UT')} Nodule chez {family} {given} "
                      f"ne le {ctx.patient.birth_date.strftime('%d/%m/%Y')}, IPP {ctx.patient.patient_id}")
    text.ObservationDateTime = ctx.v("file", "TextObservationDateTime", "DT")

    level3 = content_item("CONTAINS", "CONTAINER", m.real("findings"))
    level3.ContinuityOfContent = "SEPARATE"
    level3.ContentSequence = Sequence([nodule, local])

    findings = content_item("CONTAINS", "CONTAINER", m.real("findings"))
    findings.ContinuityOfContent = "SEPARATE"
    findings.ContentSequence = Sequence([text, level3, image_item("CONTAINS", images[-1])])

    impression = content_item("CONTAINS", "TEXT", m.real("impression"))
    impression.TextValue = f"{ctx.sv.make('TextValue', 'UT')} Pas d'embolie. Dr {ctx.sv.make('PersonName', 'PN')}"
    return [obs_type, observer, study_uid, study_date, study_time, started, findings, impression]


def gsps(ctx: Context, sop_uid: str, images: list[Instance]) -> Dataset:
    """A GSPS annotating the images: a text object holding names, a polyline, one graphic layer."""
    ds = Dataset()
    add_common(ds, ctx, GSPS, sop_uid)
    se = ctx.series
    ds.Modality = "PR"
    ds.SeriesInstanceUID = se.uid
    ds.SeriesNumber = se.number
    ds.SeriesDate = ctx.study.date.strftime("%Y%m%d")
    ds.SeriesTime = ctx.v("series", "SeriesTime")
    ds.SeriesDescription = ctx.descriptor("series", "SeriesDescription", 64)
    ds.OperatorsName = ctx.v("series", "OperatorsName")
    ds.BodyPartExamined = "CHEST"  # an unpaired part: General Series needs no Laterality
    ds.ContentLabel = "PLANTED"
    ds.ContentDescription = "Annotations nodule"
    ds.PresentationCreationDate = ctx.study.date.strftime("%Y%m%d")
    ds.PresentationCreationTime = ctx.v("file", "PresentationCreationTime")
    ds.ContentCreatorName = ctx.v("file", "ContentCreatorName")
    ds.ContentCreatorIdentificationCodeSequence = Sequence([m.person_identification(ctx)])
    by_series: dict[str, list[Instance]] = {}
    for inst in images:
        by_series.setdefault(inst.series_uid, []).append(inst)
    series_items = []
    for series_uid, members in by_series.items():
        item = Dataset()
        item.SeriesInstanceUID = series_uid
        item.ReferencedImageSequence = Sequence([sop_ref(i) for i in members])
        series_items.append(item)
    ds.ReferencedSeriesSequence = Sequence(series_items)
    area = Dataset()
    area.DisplayedAreaTopLeftHandCorner = [1, 1]
    area.DisplayedAreaBottomRightHandCorner = [32, 32]
    area.PresentationSizeMode = "SCALE TO FIT"
    area.PresentationPixelAspectRatio = [1, 1]
    ds.DisplayedAreaSelectionSequence = Sequence([area])
    layer = Dataset()
    layer.GraphicLayer = "NODULE"
    layer.GraphicLayerOrder = 1
    layer.GraphicLayerDescription = "Nodule annotation"
    ds.GraphicLayerSequence = Sequence([layer])
    annotation = Dataset()
    annotation.ReferencedImageSequence = Sequence([sop_ref(images[0])])
    annotation.GraphicLayer = "NODULE"
    text = Dataset()
    family, given = ctx.patient.name.split("^")[:2]
    text.UnformattedTextValue = (f"{ctx.sv.make('UnformattedTextValue', 'ST')} {family} {given} "
                                 f"IPP {ctx.patient.patient_id}")
    text.BoundingBoxAnnotationUnits = "PIXEL"
    text.BoundingBoxTopLeftHandCorner = [2.0, 2.0]
    text.BoundingBoxBottomRightHandCorner = [30.0, 8.0]
    text.BoundingBoxTextHorizontalJustification = "LEFT"
    graphic = Dataset()
    graphic.GraphicAnnotationUnits = "PIXEL"
    graphic.GraphicDimensions = 2
    graphic.NumberOfGraphicPoints = 2
    graphic.GraphicData = [10.0, 10.0, 20.0, 20.0]
    graphic.GraphicType = "POLYLINE"
    graphic.GraphicFilled = "N"
    annotation.TextObjectSequence = Sequence([text])
    annotation.GraphicObjectSequence = Sequence([graphic])
    ds.GraphicAnnotationSequence = Sequence([annotation])
    ds.PresentationLUTShape = "IDENTITY"
    ds.RescaleIntercept = "-1024"
    ds.RescaleSlope = "1"
    ds.RescaleType = "HU"
    voi = Dataset()
    voi.WindowCenter = "-600"
    voi.WindowWidth = "1500"
    ds.SoftcopyVOILUTSequence = Sequence([voi])
    return ds
