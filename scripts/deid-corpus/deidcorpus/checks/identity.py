"""UIDs and pseudonyms across the whole output.

U (Table E.1-1): "replace with a non-zero length UID that is internally consistent within a set of
instances". The original→new map is built by aligning each input with its output (same tag path), over
every UI attribute whose row's Basic Profile action is U, plus the file meta's Media Storage SOP
Instance UID; then one original must have one image, two originals two images, and a reference that
resolved among the inputs must resolve among the outputs.
"""

from __future__ import annotations

from collections import defaultdict

from .. import paths
from ..manifest import value_text
from ..table import Table
from .pairs import Pair
from .report import Report

WELL_KNOWN = "1.2.840.10008."
#: What a nested reference points at: the top-level attribute that defines it.
REFERENCE_KINDS = {
    0x00081155: "instance",  # Referenced SOP Instance UID
    0x0020000E: "series",    # Series Instance UID (nested)
    0x0020000D: "study",     # Study Instance UID (nested)
    0x00200052: "frame",     # Frame of Reference UID (nested)
    0x30060024: "frame",     # Referenced Frame of Reference UID
    0x0040A124: "any",       # UID content item (UIDREF)
}
DEFINITIONS = {0x00080018: "instance", 0x0020000E: "series", 0x0020000D: "study", 0x00200052: "frame"}


def uid_pairs(pair: Pair, table: Table):
    """(original, new, path) for every aligned U-row UID of a file pair."""
    for path, elem in paths.walk(pair.in_ds):
        if elem.VR != "UI":
            continue
        row = table.row(elem.tag)
        if row is None or row.basic != "U":
            continue
        out = paths.lookup(pair.out_ds, path)
        if out is None:
            continue
        before = [v for v in value_text(elem).strip(" \0").split("\\") if v]
        after = [v for v in value_text(out).strip(" \0").split("\\") if v]
        for a, b in zip(before, after):
            yield a, b, path
    meta_in = getattr(pair.in_ds, "file_meta", None)
    meta_out = getattr(pair.out_ds, "file_meta", None)
    # (only where the input's meta agrees with its data set: an inconsistent input maps two UIDs to one)
    if meta_in is not None and meta_out is not None and "MediaStorageSOPInstanceUID" in meta_in \
            and "MediaStorageSOPInstanceUID" in meta_out \
            and str(meta_in.MediaStorageSOPInstanceUID) == str(pair.in_ds.get("SOPInstanceUID", "")):
        yield (str(meta_in.MediaStorageSOPInstanceUID), str(meta_out.MediaStorageSOPInstanceUID),
               ((0x00020003, None),))


def check_uids(report: Report, pairs: list[Pair], table: Table) -> None:
    images: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    sources: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for pair in pairs:
        if not pair.usable:
            continue
        keep = "rtnUIDs" in pair.options
        for before, after, path in uid_pairs(pair, table):
            where = f"{pair.rel} {paths.describe(path)}"
            images[before][after].append(where)
            sources[after][before].append(where)
            if before == after and not keep and not before.startswith(WELL_KNOWN):
                report.add("uid-unchanged", pair.rel, paths.describe(path), "U not applied", value=before)
        meta = getattr(pair.out_ds, "file_meta", None)
        if meta is not None and "MediaStorageSOPInstanceUID" in meta and "SOPInstanceUID" in pair.out_ds \
                and str(meta.MediaStorageSOPInstanceUID) != str(pair.out_ds.SOPInstanceUID):
            report.add("file-meta-mismatch", pair.rel, "00020003",
                       f"{meta.MediaStorageSOPInstanceUID} ≠ {pair.out_ds.SOPInstanceUID}")
    for before, targets in images.items():
        if len(targets) > 1 and not before.startswith(WELL_KNOWN):
            places = "; ".join(f"{new} at {', '.join(where[:2])}{' …' if len(where) > 2 else ''}"
                               for new, where in targets.items())
            first = next(iter(targets.values()))[0].split(" ", 1)
            report.add("uid-split", first[0], first[1], f"{len(targets)} new UIDs: {places}", value=before)
    for after, origins in sources.items():
        if len(origins) > 1 and not after.startswith(WELL_KNOWN):
            places = "; ".join(f"{old} at {where[0]}" for old, where in origins.items())
            first = next(iter(origins.values()))[0].split(" ", 1)
            report.add("uid-merge", first[0], first[1], f"{len(origins)} originals: {places}", value=after)


def _definitions(datasets) -> dict[str, set[str]]:
    defined: dict[str, set[str]] = defaultdict(set)
    for ds in datasets:
        for tag, kind in DEFINITIONS.items():
            if tag in ds and ds[tag].value:
                defined[kind].add(str(ds[tag].value))
    defined["any"] = set().union(*defined.values()) if defined else set()
    return defined


def check_references(report: Report, pairs: list[Pair]) -> None:
    """A nested reference that pointed at an input instance, series, study or frame of reference must
    point at an output one."""
    usable = [p for p in pairs if p.usable]
    before = _definitions(p.in_ds for p in usable)
    after = _definitions(p.out_ds for p in usable)
    for pair in usable:
        for path, elem in paths.walk(pair.in_ds):
            kind = REFERENCE_KINDS.get(elem.tag)
            if kind is None or len(path) < 2 or elem.VR != "UI":
                continue
            target = value_text(elem).strip(" \0")
            if target not in before[kind]:
                continue
            out = paths.lookup(pair.out_ds, path)
            if out is None:
                continue  # removed (X allowed for Type 3): nothing points nowhere
            now = value_text(out).strip(" \0")
            if now not in after[kind]:
                report.add("dangling-reference", pair.rel, paths.describe(path),
                           f"{kind} reference resolved in the input, resolves to nothing in the output",
                           value=now)


def check_pseudonyms(report: Report, pairs: list[Pair]) -> None:
    """One pseudonym per patient (Patient ID + Issuer of Patient ID), different patients different."""
    by_patient: dict[tuple[str, str], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    names: dict[tuple[str, str], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for pair in pairs:
        if not pair.usable:
            continue
        patient = (str(pair.in_ds.get("PatientID", "") or "").strip(), str(pair.in_ds.get("IssuerOfPatientID", "") or "").strip())
        if not patient[0]:
            continue
        by_patient[patient][str(pair.out_ds.get("PatientID", "") or "")].append(pair.rel)
        name = str(pair.out_ds.get("PatientName", "") or "")
        if name:
            names[patient][name].append(pair.rel)
    owners: dict[str, set] = defaultdict(set)
    for patient, pseudonyms in by_patient.items():
        label = f"PatientID {patient[0]!r} issuer {patient[1]!r}"
        if len(pseudonyms) > 1:
            detail = "; ".join(f"{p!r} in {len(files)} file(s) e.g. {files[0]}" for p, files in pseudonyms.items())
            report.add("pseudonym-split", next(iter(pseudonyms.values()))[0], "00100020", f"{label}: {detail}")
        if len(names[patient]) > 1:
            detail = "; ".join(f"{p!r} in {len(files)} file(s) e.g. {files[0]}" for p, files in names[patient].items())
            report.add("pseudonym-split", next(iter(names[patient].values()))[0], "00100010", f"{label}: {detail}")
        for pseudonym in pseudonyms:
            if pseudonym:
                owners[pseudonym].add(patient)
    for pseudonym, patients in owners.items():
        if len(patients) > 1:
            files = [f for p in patients for f in by_patient[p][pseudonym][:1]]
            report.add("pseudonym-shared", files[0], "00100020",
                       f"{len(patients)} patients {sorted(patients)} share one pseudonym; files {files}",
                       value=pseudonym)


def check_same_as(report: Report, pairs: list[Pair], other_root, table: Table) -> None:
    """Two de-identifications of the same files with the same key (one run, or several runs in other
    orders) must agree on pseudonyms and on every U-row UID: compares each output with its namesake
    under ``other_root``."""
    import pydicom

    for pair in pairs:
        if not pair.usable:
            continue
        other_path = other_root / pair.rel
        if not other_path.exists():
            report.add("run-inconsistent", pair.rel, "", f"no output in {other_root.name}")
            continue
        other = pydicom.dcmread(other_path)
        for keyword in ("PatientID", "PatientName"):
            mine, theirs = str(pair.out_ds.get(keyword, "")), str(other.get(keyword, ""))
            if mine != theirs:
                report.add("run-inconsistent", pair.rel, keyword, f"{mine!r} here, {theirs!r} in {other_root.name}")
        for path, elem in paths.walk(pair.out_ds):
            row = table.row(elem.tag)
            if elem.VR != "UI" or row is None or row.basic != "U":
                continue
            theirs = paths.lookup(other, path)
            if theirs is not None and value_text(theirs) != value_text(elem):
                report.add("run-inconsistent", pair.rel, paths.describe(path),
                           f"{value_text(elem)} here, {value_text(theirs)} in {other_root.name}")
