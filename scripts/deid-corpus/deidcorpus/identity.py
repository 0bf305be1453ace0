"""The people, studies and series of the corpus, and the values they share across files.

A value that belongs to a patient (name, ID, birth date…), a study (Study Instance UID, date, accession
number…) or a series (Series Instance UID, operator…) is made once and reused in every file of that
patient, study or series, as a real archive would hold it; every other planted value is made per file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from pydicom.datadict import dictionary_VR

from .values import ValueFactory


@dataclass
class Patient:
    """A patient as the source archive knows them; (PatientID, IssuerOfPatientID) is their identity."""

    key: str
    name: str  # PN, DICOM form
    patient_id: str
    issuer: str
    birth_date: dt.date
    sex: str
    other_ids: list[str]
    extra_identifiers: list[str] = field(default_factory=list)  # phone, NIR…: must never survive

    def identifying_parts(self) -> list[str]:
        """Substrings that identify the patient wherever they are written (descriptions, text items)."""
        family, given, *rest = (self.name.split("^") + ["", ""])[:3]
        parts = [family, given, self.patient_id, *self.other_ids, *self.extra_identifiers]
        parts += date_forms(self.birth_date)
        return [p for p in parts if p]


@dataclass
class Study:
    key: str
    patient: Patient
    uid: str
    date: dt.date
    time: str
    accession: str
    study_id: str

    def identifying_parts(self) -> list[str]:
        return [self.accession, *date_forms(self.date)]


@dataclass
class Series:
    key: str
    study: Study
    uid: str
    number: int
    modality: str
    frame_of_reference: str | None = None


def date_forms(d: dt.date) -> list[str]:
    """A date as people write it in free text: 17/04/1961, 1961-04-17, 17.04.1961, 19610417, 17-Apr-1961."""
    return [d.strftime("%d/%m/%Y"), d.strftime("%Y-%m-%d"), d.strftime("%d.%m.%Y"), d.strftime("%Y%m%d"),
            d.strftime("%d-%b-%Y")]


class SharedValues:
    """Values made once per scope (patient, study, series, file) and keyword."""

    def __init__(self, factory: ValueFactory):
        self.factory = factory
        self._cache: dict[tuple[str, str], object] = {}
        #: Every description made, with its kind ("clean" or "dirty") and the identifying parts it holds.
        self.descriptors: dict[str, tuple[str, list[str]]] = {}

    def get(self, scope: str, keyword: str, vr: str | None = None, make=None):
        """The value of ``keyword`` in ``scope``, made on first use by ``make`` or by VR."""
        key = (scope, keyword)
        if key not in self._cache:
            self._cache[key] = make() if make else self.make(keyword, vr or dictionary_VR(keyword))
        return self._cache[key]

    def make(self, keyword: str, vr: str):
        """A planted value for ``keyword`` by its VR."""
        f = self.factory
        n = f.next_serial()
        vr = vr.split(" or ")[0]
        if vr == "UI":
            return f.uid()
        if vr == "DA":
            return f.da(f.date())
        if vr == "TM":
            return f.time_for(n, with_fraction=n % 5 != 0)
        if vr == "DT":
            return f.dt_for(n, f.date(), with_offset=n % 2 == 0)
        if vr == "DS":
            return f.ds_number(n)
        if vr == "IS":
            return f.is_number(n)
        if vr == "AS":
            return f"{(n % 89) + 10:03d}Y"
        if vr in ("US", "SS", "UL", "SL", "UV", "SV"):
            return n % 30000 + 1
        if vr in ("FL", "FD"):
            return float(n) + 0.25
        if vr in ("OB", "OW", "UN", "OD", "OF", "OL", "OV"):
            payload = f"{f.text('LT', keyword, n)} binary".encode()
            return payload + b"\0" * (len(payload) % 2)
        return f.text(vr, keyword, n)
