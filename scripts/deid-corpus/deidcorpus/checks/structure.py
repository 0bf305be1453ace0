"""Per-file structural checks: validators, pixel data, private elements, code items, replacements that
must stay (D, Z), and the attributes a de-identifier must add (PS3.15 E.1, E.3.6)."""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

import pydicom
from pydicom.dataset import Dataset

from .. import paths, validators
from ..manifest import value_text
from ..table import Table
from .pairs import Pair
from .report import Report

#: Coding schemes whose codes carry no free text, and the form of their code values.
CODE_FORMS = {
    "DCM": r"\d{3,7}",
    "SCT": r"\d{6,18}",
    "SRT": r"[A-Z]-[0-9A-Z]{4,6}",
    "SNM3": r"[A-Z]-[0-9A-Z]{4,6}",
    "LN": r"\d{1,7}-\d",
    "RADLEX": r"RP?ID\d{1,8}",
    "I10": r"[A-Z]\d{2}(\.\d{1,4})?",
    "ICD10": r"[A-Z]\d{2}(\.\d{1,4})?",
    "I9C": r"(\d{3}|[EV]\d{2,3})(\.\d{1,2})?",
    "UCUM": r"[\x21-\x7e]{1,32}",
    "FMA": r"\d{1,8}",
    "NCIt": r"C\d{1,8}",
    "UMLS": r"C\d{7}",
    "MDC": r"\d{1,3}:?\d{1,8}",
    "SCPECG": r"[\d.\-]{1,16}",
}


def check_validators(report: Report, pair: Pair, have: dict[str, bool]) -> None:
    """New dciodvfy errors (normalised, as a multiset) and dcmdump's complaints about the output."""
    if have.get("dciodvfy"):
        before = validators.dciodvfy_errors(pair.input)
        after = validators.dciodvfy_errors(pair.output)
        for line, count in (after - before).items():
            for n in range(count):
                report.add("dciodvfy-new-error", pair.rel, "", line + (f" (#{n + 1})" if count > 1 else ""))
    if have.get("dcmdump"):
        status, complaints = validators.dcmdump(pair.output)
        if status != 0 and not complaints:
            complaints = [f"exit status {status}"]
        for line in complaints:
            report.add("dcmdump-complaint", pair.rel, "", line)


BIG_ENDIAN = "1.2.840.10008.1.2.2"


def _syntax(ds: Dataset) -> str:
    return str(getattr(ds, "file_meta", Dataset()).get("TransferSyntaxUID", ""))


def reference_pixels(pair: Pair) -> bytes | None:
    """The input's pixel data as the output's byte order should hold them: for a big endian input
    written out little endian, as dcmtk's dcmconv re-encodes it (an independent reading of OW/OB
    byte order, PS3.5 7.3), else the input's own bytes."""
    if "PixelData" not in pair.in_ds:
        return None
    if _syntax(pair.in_ds) == BIG_ENDIAN and _syntax(pair.out_ds) != BIG_ENDIAN:
        with tempfile.TemporaryDirectory() as folder:
            target = Path(folder) / "le.dcm"
            subprocess.run(["dcmconv", "+te", str(pair.input), str(target)], capture_output=True)
            if not target.exists():
                return None
            return bytes(pydicom.dcmread(target).PixelData)
    return bytes(pair.in_ds.PixelData)


def check_pixels(report: Report, pair: Pair) -> None:
    if "cleanPixel" in pair.options or "PixelData" not in pair.in_ds:
        return
    if "PixelData" not in pair.out_ds:
        report.add("pixel-data-changed", pair.rel, "7FE00010", "Pixel Data removed")
        return
    before, after = reference_pixels(pair), bytes(pair.out_ds.PixelData)
    if before is not None and before != after:
        first = next((i for i, (x, y) in enumerate(zip(before, after)) if x != y), min(len(before), len(after)))
        report.add("pixel-data-changed", pair.rel, "7FE00010",
                   f"{len(before)} bytes in, {len(after)} out, first difference at byte {first}")


def check_private(report: Report, pair: Pair) -> None:
    if "rtnSafePriv" in pair.options:
        return
    for path, elem in paths.walk(pair.out_ds):
        if elem.tag >> 16 & 1 and path[-1][1] is None:
            report.add("private-kept", pair.rel, paths.describe(path), value=value_text(elem)[:60])


def cleaning_context(table: Table, path: paths.Path, options: set[str]) -> bool:
    """Whether an enclosing sequence's action cleans or replaces its contents (C, D, Z, X…)."""
    for tag, _ in path[:-1]:
        row = table.row(tag)
        if row is not None and row.action(options) not in ("K", "U", "X/Z/U*"):
            return True
    return False


def check_codes(report: Report, pair: Pair, table: Table) -> None:
    """Code items kept only with a known scheme and a code value of that scheme's form."""
    for path, elem in paths.walk(pair.out_ds):
        if elem.tag != 0x00080100 or path[0][0] == 0x00120064:
            continue
        scheme_elem = paths.lookup(pair.out_ds, path[:-1] + ((0x00080102, None),))
        scheme = value_text(scheme_elem).strip() if scheme_elem is not None else ""
        value = value_text(elem).strip()
        form = CODE_FORMS.get(scheme)
        if form is not None and re.fullmatch(form, value):
            continue
        meaning_elem = paths.lookup(pair.out_ds, path[:-1] + ((0x00080104, None),))
        meaning = value_text(meaning_elem) if meaning_elem is not None else ""
        why = "unknown coding scheme" if form is None else f"not a {scheme} code value"
        cls = "code-not-clean" if cleaning_context(table, path, pair.options) else "code-free-text-kept"
        where = paths.describe(path[:-1] + ((0x00080100, None),))
        report.add(cls, pair.rel, where, f"{why} ({scheme!r})", value=f"{value} | {meaning}")


# Type 1C/2C attributes whose PS3.3 condition rests on another attribute of the same item: once the
# profile removes or empties that one, the dependent attribute "shall not be present" (PS3.5 §7.4.4,
# §7.4.6), so its removal is required, not a missing replacement. (dependent, requirement, needs a value)
CONDITIONS = {
    # Clinical Trial Protocol Ethics Committee Name: required if the Approval Number is present (C.7.2.3).
    0x00120081: (0x00120082, False),
    # Responsible Person Role: required if Responsible Person is present and has a value (C.7.1.1).
    0x00102298: (0x00102297, True),
}


def condition_failed(pair: Pair, path: paths.Path, tag: int) -> bool:
    """Whether `tag` at `path` is conditional on an attribute that held in the input and not in the output."""
    if tag not in CONDITIONS:
        return False
    requirement, needs_value = CONDITIONS[tag]
    where = path[:-1] + ((requirement, None),)

    def holds(ds) -> bool:
        elem = paths.lookup(ds, where)
        return elem is not None and (not needs_value or (elem.value not in (None, "", b"") and elem.value != []))

    return holds(pair.in_ds) and not holds(pair.out_ds)


def check_replacements(report: Report, pair: Pair, table: Table) -> None:
    """D: present with a non-empty value; Z: present (empty or dummy). Only where the enclosing items are
    kept and no enclosing sequence's own action replaces them (a D sequence may become one dummy item,
    so what its items held is not asked for here; dciodvfy judges what the IOD requires of them)."""
    for path, elem in paths.walk(pair.in_ds):
        row = table.row(elem.tag)
        if row is None or elem.tag >> 16 & 1:
            continue
        action = row.action(pair.options)
        if action not in ("D", "Z") or any(
                (r := table.row(tag)) is not None and r.action(pair.options) not in ("K", "C", "U", "X/Z/U*")
                for tag, _ in path[:-1]):
            continue
        if not paths.parent_exists(pair.out_ds, path):
            continue
        out = paths.lookup(pair.out_ds, path)
        if out is None and condition_failed(pair, path, elem.tag):
            continue
        if out is None:
            report.add("replacement-missing", pair.rel, paths.describe(path), f"{action} but removed")
        elif action == "D" and (out.value is None or out.value == "" or (out.VR == "SQ" and len(out.value) == 0)):
            report.add("replacement-missing", pair.rel, paths.describe(path), "D but left empty")


def check_marking(report: Report, pair: Pair) -> None:
    ds = pair.out_ds
    if str(ds.get("PatientIdentityRemoved", "")) != "YES":
        report.add("profile-marking", pair.rel, "00120062", "Patient Identity Removed is not YES")
    codes = {str(i.get("CodeValue", "")) for i in ds.get("DeidentificationMethodCodeSequence", []) or []}
    if "113100" not in codes and not ds.get("DeidentificationMethod"):
        report.add("profile-marking", pair.rel, "00120064", "no De-identification Method (Code Sequence) naming 113100")
    expected = ("MODIFIED" if "rtnLongModifDates" in pair.options else
                "UNMODIFIED" if "rtnLongFullDates" in pair.options else "REMOVED")
    actual = str(ds.get("LongitudinalTemporalInformationModified", ""))
    if actual != expected:
        report.add("profile-marking", pair.rel, "00280303",
                   f"Longitudinal Temporal Information Modified is {actual or 'absent'!r}, expected {expected!r}")
    for code in pair.unknown_options:
        report.add("profile-marking", pair.rel, "00120064", f"unknown de-identification method code {code}")


def check_clean_descriptors(report: Report, pair: Pair, descriptors: list[dict]) -> None:
    """Under Clean Descriptors, a clean research descriptor should be kept as it was (soft)."""
    if "cleanDesc" not in pair.options:
        return
    for d in descriptors:
        if d["kind"] != "clean":
            continue
        path = paths.from_text(d["path"])
        out = paths.lookup(pair.out_ds, path)
        now = value_text(out).strip(" \0") if out is not None else None
        if now != d["value"]:
            report.add("clean-descriptor-removed", pair.rel, paths.describe(path),
                       "removed" if now is None else f"now {now[:60]!r}", value=d["value"])
