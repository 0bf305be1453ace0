"""PS3.3 modules shared by the corpus IODs, filled with realistic structure and planted values.

Every function adds one module (or macro) to a data set, taking its values from the build context so
that patient, study and series values are shared as in a real archive.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydicom.dataset import Dataset
from pydicom.sequence import Sequence

from . import descriptors
from .identity import Patient, Series, SharedValues, Study
from .values import ValueFactory, token


@dataclass
class Context:
    """What a builder needs to fill one file."""

    sv: SharedValues
    patient: Patient
    study: Study
    series: Series
    file_key: str
    variant: int  # picks clean/dirty descriptors and code forms per file

    @property
    def factory(self) -> ValueFactory:
        return self.sv.factory

    def scope(self, level: str) -> str:
        return {"patient": f"patient:{self.patient.key}", "study": f"study:{self.study.key}",
                "series": f"series:{self.series.key}", "file": f"file:{self.file_key}"}[level]

    def v(self, level: str, keyword: str, vr: str | None = None, make=None):
        """The planted value of ``keyword`` shared at ``level`` (patient, study, series, file)."""
        return self.sv.get(self.scope(level), keyword, vr, make)

    def descriptor(self, level: str, keyword: str, limit: int, want: str | None = None) -> str:
        """A clean or identifying description for a Clean Descriptors attribute (see descriptors.py)."""
        def make():
            n = self.factory.next_serial()
            kind = want or ("dirty" if (n + self.variant) % 2 else "clean")
            if kind == "clean":
                text, parts = descriptors.clean(n, limit), []
            else:
                text, parts = descriptors.dirty(self.patient, self.study, n, limit)
            self.sv.descriptors[text] = (kind, parts)
            return text
        return self.v(level, keyword, make=make)


def code(value: str, scheme: str, meaning: str, version: str | None = None) -> Dataset:
    """A Code Sequence Macro item (PS3.3 Table 8.8-1)."""
    item = Dataset()
    item.CodeValue = value
    item.CodingSchemeDesignator = scheme
    if version:
        item.CodingSchemeVersion = version
    item.CodeMeaning = meaning
    return item


#: Real codes, in the forms their schemes use.
REAL_CODES = {
    "chest": code("51185008", "SCT", "Thorax"),
    "ct_chest": code("RPID16", "RADLEX", "CT Chest wo"),
    "ct_chest_ln": code("30745-4", "LN", "CT Chest WO contrast"),
    "pneumonia": code("J18.9", "I10", "Pneumonia, unspecified organism"),
    "covid": code("U07.1", "I10", "COVID-19, virus identified"),
    "nodule": code("427359005", "SCT", "Solitary nodule of lung"),
    "report": code("18748-4", "LN", "Diagnostic imaging report"),
    "lung": code("39607008", "SCT", "Lung structure"),
    "right": code("24028007", "SCT", "Right"),
    "mm": code("mm", "UCUM", "millimeter"),
    "hu": code("[hnsf'U]", "UCUM", "Hounsfield unit"),
    "findings": code("121070", "DCM", "Findings"),
    "finding": code("121071", "DCM", "Finding"),
    "person_observer": code("121008", "DCM", "Person Observer Name"),
    "observer_type": code("121005", "DCM", "Observer Type"),
    "person": code("121006", "DCM", "Person"),
    "study_uid": code("121018", "DCM", "Procedure Study Instance UID"),
    "series_uid": code("112002", "DCM", "Series Instance UID"),
    "study_date": code("111060", "DCM", "Study Date"),
    "study_time": code("111061", "DCM", "Study Time"),
    "datetime_started": code("111526", "DCM", "DateTime Started"),
    "diameter": code("81827009", "SCT", "Diameter"),
    "source_image": code("121322", "DCM", "Source image for image processing operation"),
    "mpr": code("113072", "DCM", "Multiplanar reformatting"),
    "of_interest": code("113000", "DCM", "Of Interest"),
    "key_object_description": code("113012", "DCM", "Key Object Description"),
    "comment": code("121106", "DCM", "Comment"),
    "impression": code("121073", "DCM", "Impression"),
}


def real(name: str) -> Dataset:
    """A fresh copy of a real code (items must not be shared between sequences)."""
    source = REAL_CODES[name]
    return code(source.CodeValue, source.CodingSchemeDesignator, source.CodeMeaning)


def free_text_code(ctx: Context, keyword: str, identifying: bool) -> Dataset:
    """A code item whose CodeValue and CodeMeaning are free text (a local scheme), as sites do.

    With ``identifying`` the text carries the patient's name and ID (what Clean Descriptors must catch)."""
    t = token(ctx.factory.next_serial())
    family = ctx.patient.name.split("^")[0]
    if identifying:
        return code(f"{ctx.patient.patient_id} {t[-3:]}", "99CHUPLT",
                    f"Suivi {family} IPP {ctx.patient.patient_id} {t}")
    return code(t, "99CHUPLT", f"{t} {keyword} texte libre"[:64])


def add_sop_common(ds: Dataset, ctx: Context, sop_class: str, sop_uid: str, charset: str | None = None) -> None:
    if charset:
        ds.SpecificCharacterSet = charset
    ds.SOPClassUID = sop_class
    ds.SOPInstanceUID = sop_uid
    d = ctx.study.date
    ds.InstanceCreationDate = ctx.v("file", "InstanceCreationDate", make=lambda: d.strftime("%Y%m%d"))
    ds.InstanceCreationTime = ctx.v("file", "InstanceCreationTime")
    ds.InstanceCreatorUID = ctx.v("file", "InstanceCreatorUID")
    ds.InstanceNumber = ctx.variant + 1


def add_patient(ds: Dataset, ctx: Context) -> None:
    p = ctx.patient
    ds.PatientName = p.name
    ds.PatientID = p.patient_id
    ds.IssuerOfPatientID = p.issuer
    ds.PatientBirthDate = p.birth_date.strftime("%Y%m%d")
    ds.PatientSex = p.sex
    ds.OtherPatientIDsSequence = Sequence([other_id(p, i) for i, _ in enumerate(p.other_ids)])
    ds.OtherPatientIDs = p.other_ids[0]


def other_id(p: Patient, index: int) -> Dataset:
    item = Dataset()
    item.PatientID = p.other_ids[index]
    item.IssuerOfPatientID = f"{p.issuer}-ALT{index}"
    item.TypeOfPatientID = "TEXT"
    return item


def add_clinical_trial(ds: Dataset, ctx: Context) -> None:
    """Clinical Trial Subject, Study and Series modules (PS3.3 C.7.1.3, C.7.2.3, C.7.3.2)."""
    for kw in ("ClinicalTrialSponsorName", "ClinicalTrialProtocolID", "ClinicalTrialProtocolName",
               "ClinicalTrialSiteID", "ClinicalTrialSiteName", "ClinicalTrialSubjectID",
               "ClinicalTrialProtocolEthicsCommitteeName", "ClinicalTrialProtocolEthicsCommitteeApprovalNumber"):
        setattr(ds, kw, ctx.v("patient", kw))
    ds.ClinicalTrialTimePointID = ctx.v("study", "ClinicalTrialTimePointID")
    ds.ClinicalTrialTimePointDescription = ctx.descriptor("study", "ClinicalTrialTimePointDescription", 1024)
    ds.ClinicalTrialCoordinatingCenterName = ctx.v("series", "ClinicalTrialCoordinatingCenterName")
    ds.ClinicalTrialSeriesID = ctx.v("series", "ClinicalTrialSeriesID")
    ds.ClinicalTrialSeriesDescription = ctx.descriptor("series", "ClinicalTrialSeriesDescription", 64)


def person_identification(ctx: Context, level: str = "file") -> Dataset:
    """Person Identification Macro (PS3.3 Table 10-1) with planted values."""
    item = Dataset()
    item.PersonIdentificationCodeSequence = Sequence([free_text_code(ctx, "PersonIdentificationCode", False)])
    item.PersonAddress = ctx.v(level, "PersonAddress") if level != "file" else ctx.sv.make("PersonAddress", "ST")
    item.PersonTelephoneNumbers = ctx.sv.make("PersonTelephoneNumbers", "LO")
    item.InstitutionName = ctx.sv.make("InstitutionName", "LO")
    item.InstitutionAddress = ctx.sv.make("InstitutionAddress", "ST")
    return item


def add_general_study(ds: Dataset, ctx: Context) -> None:
    s = ctx.study
    ds.StudyInstanceUID = s.uid
    ds.StudyDate = s.date.strftime("%Y%m%d")
    ds.StudyTime = s.time
    ds.ReferringPhysicianName = ctx.v("study", "ReferringPhysicianName")
    ds.ReferringPhysicianIdentificationSequence = Sequence([person_identification(ctx)])
    ds.StudyID = s.study_id
    ds.AccessionNumber = s.accession
    issuer = Dataset()
    issuer.LocalNamespaceEntityID = ctx.v("study", "LocalNamespaceEntityID", "UT")
    ds.IssuerOfAccessionNumberSequence = Sequence([issuer])
    ds.StudyDescription = ctx.descriptor("study", "StudyDescription", 64, want="dirty" if ctx.study.key.endswith("1") else "clean")
    ds.ProcedureCodeSequence = Sequence([real("ct_chest"), free_text_code(ctx, "ProcedureCodeSequence", True)])
    ref = Dataset()
    ref.ReferencedSOPClassUID = "1.2.840.10008.3.1.2.3.1"  # Detached Study Management (retired), as old RIS send
    ref.ReferencedSOPInstanceUID = ctx.v("study", "ReferencedStudySOPInstanceUID", "UI")
    ds.ReferencedStudySequence = Sequence([ref])
    ds.AdmittingDiagnosesDescription = ctx.descriptor("study", "AdmittingDiagnosesDescription", 64)
    ds.AdmittingDiagnosesCodeSequence = Sequence(
        [real("pneumonia"), free_text_code(ctx, "AdmittingDiagnosesCodeSequence", True), real("covid")])


def add_patient_study(ds: Dataset, ctx: Context) -> None:
    age = ctx.study.date.year - ctx.patient.birth_date.year
    ds.PatientAge = f"{age:03d}Y"
    ds.PatientSize = "1.78" if ctx.patient.sex == "M" else "1.64"
    ds.PatientWeight = "72.5" if ctx.patient.sex == "M" else "58"
    ds.AdditionalPatientHistory = ctx.descriptor("study", "AdditionalPatientHistory", 10240, want="dirty")


def request_attributes(ctx: Context) -> Dataset:
    """Request Attributes Macro (PS3.3 Table 10-9) item with planted identifiers and descriptions."""
    item = Dataset()
    item.AccessionNumber = ctx.study.accession
    item.StudyInstanceUID = ctx.study.uid
    item.RequestedProcedureID = ctx.v("series", "RequestedProcedureID", "SH")
    item.RequestedProcedureDescription = ctx.descriptor("series", "RequestedProcedureDescription", 64, want="clean")
    item.RequestedProcedureCodeSequence = Sequence([real("ct_chest_ln")])
    item.ReasonForTheRequestedProcedure = ctx.descriptor("series", "ReasonForTheRequestedProcedure", 64, want="dirty")
    item.ReasonForRequestedProcedureCodeSequence = Sequence(
        [free_text_code(ctx, "ReasonForRequestedProcedureCodeSequence", True)])
    item.ScheduledProcedureStepID = ctx.v("series", "ScheduledProcedureStepID", "SH")
    item.ScheduledProcedureStepDescription = ctx.descriptor("series", "ScheduledProcedureStepDescription", 64)
    item.ScheduledProtocolCodeSequence = Sequence([real("ct_chest")])
    return item


def add_general_series(ds: Dataset, ctx: Context, body_part: str = "CHEST", laterality: str | None = None,
                       description: str | None = None) -> None:
    se = ctx.series
    ds.Modality = se.modality
    ds.SeriesInstanceUID = se.uid
    ds.SeriesNumber = se.number
    if laterality:
        ds.Laterality = laterality
    ds.SeriesDate = ctx.study.date.strftime("%Y%m%d")
    ds.SeriesTime = ctx.v("series", "SeriesTime")
    ds.SeriesDescription = description or ctx.descriptor("series", "SeriesDescription", 64)
    ds.PerformingPhysicianName = ctx.v("series", "PerformingPhysicianName")
    ds.PerformingPhysicianIdentificationSequence = Sequence([person_identification(ctx)])
    ds.ProtocolName = ctx.descriptor("series", "ProtocolName", 64, want="clean")
    ds.OperatorsName = ctx.v("series", "OperatorsName")
    ds.OperatorIdentificationSequence = Sequence([person_identification(ctx)])
    if se.modality in ("CT",):
        ds.BodyPartExamined = body_part
        ds.PatientPosition = "HFS"
    mpps = Dataset()
    mpps.ReferencedSOPClassUID = "1.2.840.10008.3.1.2.3.3"
    mpps.ReferencedSOPInstanceUID = ctx.v("series", "ReferencedMPPSInstanceUID", "UI")
    ds.ReferencedPerformedProcedureStepSequence = Sequence([mpps])
    ds.RequestAttributesSequence = Sequence([request_attributes(ctx)])
    ds.PerformedProcedureStepStartDate = ctx.study.date.strftime("%Y%m%d")
    ds.PerformedProcedureStepStartTime = ctx.v("series", "PerformedProcedureStepStartTime")
    ds.PerformedProcedureStepID = ctx.v("series", "PerformedProcedureStepID")
    ds.PerformedProcedureStepDescription = ctx.descriptor("series", "PerformedProcedureStepDescription", 64,
                                                          want="clean")
    ds.CommentsOnThePerformedProcedureStep = ctx.descriptor("series", "CommentsOnThePerformedProcedureStep", 1024,
                                                            want="dirty")


def add_general_equipment(ds: Dataset, ctx: Context) -> None:
    ds.Manufacturer = "PLANTED MEDICAL SYSTEMS"
    ds.InstitutionName = ctx.v("series", "InstitutionName")
    ds.InstitutionAddress = ctx.v("series", "InstitutionAddress")
    ds.StationName = ctx.v("series", "StationName")
    ds.InstitutionalDepartmentName = ctx.v("series", "InstitutionalDepartmentName")
    ds.ManufacturerModelName = "Planted CT 64"
    ds.DeviceSerialNumber = ctx.v("series", "DeviceSerialNumber")
    ds.SoftwareVersions = "PLT 1.0"
