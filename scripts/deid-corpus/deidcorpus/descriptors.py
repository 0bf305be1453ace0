"""Descriptions of two kinds for the Clean Descriptors Option (PS3.15 E.3.5):

- clean research descriptors, which name the examination and nothing else and so should be kept;
- descriptors with identifying substrings of the same file (names, IDs, dates in the forms people
  write, accession number, telephone, social security number), whose identifying parts must be gone.
"""

from __future__ import annotations

from .identity import Patient, Study

#: What a chest CT archive really holds, and what an option that keeps descriptors should keep.
CLEAN = [
    "THORAX SANS INJECTION", "COVID HR 1mm", "CT THORAX C-", "THORAX INJECTE", "POUMON 1.25mm",
    "MEDIASTIN 5mm", "LOW DOSE CHEST", "Reformat coronal MIP 10mm", "Angio-TDM thoracique",
    "Protocole embolie pulmonaire", "Parenchyme pulmonaire", "Chest CT without contrast",
]
#: Short ones, for SH attributes (16 characters).
CLEAN_SHORT = ["COVID HR 1mm", "CT THORAX C-", "POUMON 1.25mm", "MEDIASTIN 5mm", "LOW DOSE CHEST"]


def dirty(patient: Patient, study: Study, variant: int, limit: int) -> tuple[str, list[str]]:
    """A descriptor holding identifying parts of this file, and the parts it holds."""
    family, given = (patient.name.split("^") + [""])[:2]
    dob = patient.birth_date
    phone, nir = patient.extra_identifiers[:2]
    choices = [
        (f"THORAX {family} {given} {dob.strftime('%d/%m/%Y')}", [family, given, dob.strftime("%d/%m/%Y")]),
        (f"CT {dob.strftime('%Y-%m-%d')} IPP {patient.patient_id}", [dob.strftime("%Y-%m-%d"), patient.patient_id]),
        (f"Acc {study.accession} {family} ne le {dob.strftime('%d.%m.%Y')}",
         [study.accession, family, dob.strftime("%d.%m.%Y")]),
        (f"Controle du {study.date.strftime('%Y%m%d')} {family}", [study.date.strftime("%Y%m%d"), family]),
        (f"Scanner {dob.strftime('%d-%b-%Y')} tel {phone}", [dob.strftime("%d-%b-%Y"), phone]),
        (f"NIR {nir} {given} {family}", [nir, given, family]),
        (f"THORAX {dob.strftime('%Y%m%d')} {patient.patient_id}", [dob.strftime("%Y%m%d"), patient.patient_id]),
    ]
    short = [  # for SH
        (f"IPP {patient.patient_id}", [patient.patient_id]),
        (f"{family} {dob.strftime('%d%m')}", [family]),
        (f"{study.accession}", [study.accession]),
        (f"{dob.strftime('%Y%m%d')} CT", [dob.strftime("%Y%m%d")]),
    ]
    table = short if limit <= 16 else choices
    text, parts = table[variant % len(table)]
    return text[:limit], parts


def clean(variant: int, limit: int) -> str:
    table = CLEAN_SHORT if limit <= 16 else CLEAN
    return table[variant % len(table)][:limit]
