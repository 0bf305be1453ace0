"""Original values that may not survive: found at their own tag path, anywhere in the output's parsed
elements (decoded in the file's character set), and anywhere in its raw bytes (inflated if deflated).

A date, time or date-time found inside an output DA/TM/DT element whose own input value was different
is a coincidence of shifting (another value moved onto it), not a leak, and is not reported.
"""

from __future__ import annotations

import re

from .. import paths
from ..manifest import value_text
from ..table import Table
from .pairs import Pair, effective_action, text_of
from .report import Report

DATE_VRS = {"DA", "TM", "DT"}
CLASS_BY_KIND = {"date": "date-kept", "time": "time-kept", "datetime": "datetime-kept", "uid": "uid-unchanged"}
MUST_GO = {"X", "Z", "D", "U", "X/Z", "X/D", "Z/D", "X/Z/D", "X/Z/U*", "X^"}
WELL_KNOWN_UID = "1.2.840.10008."
TEXT_VRS = {"AE", "AS", "CS", "DS", "IS", "LO", "LT", "PN", "SH", "ST", "UC", "UI", "UR", "UT", "DA", "TM", "DT"}


def class_for(kind: str, vr: str = "") -> str:
    kind = kind or {"DA": "date", "TM": "time", "DT": "datetime", "UI": "uid"}.get(vr, "text")
    return CLASS_BY_KIND.get(kind, "planted-value-kept")


def byte_hits(raw: bytes, needle: str, casefold: bool = False) -> list[int]:
    """Offsets of ``needle`` (UTF-8 or Latin-1) in ``raw``; digit-only needles must stand alone."""
    forms = {needle.encode("utf-8")}
    try:
        forms.add(needle.encode("latin-1"))
    except UnicodeEncodeError:
        pass
    if casefold:
        forms = {f.lower() for f in forms}
    numeric = re.fullmatch(r"[0-9.+\-]+", needle) is not None
    hits = []
    for form in forms:
        start = 0
        while (at := raw.find(form, start)) >= 0:
            start = at + 1
            if numeric:
                before = raw[at - 1:at] if at else b""
                after = raw[at + len(form):at + len(form) + 1]
                if (before and before in b"0123456789.") or (after and after in b"0123456789"):
                    continue
            hits.append(at)
    return sorted(set(hits))


def locate(pair: Pair, needle: str, casefold: bool = False) -> list[tuple[paths.Path, object]]:
    """Output elements whose value (decoded text, or bytes as Latin-1) contains ``needle``."""
    found = []
    probe = needle.lower() if casefold else needle
    for path, elem in paths.walk(pair.out_ds):
        if elem.VR == "SQ":
            continue
        text = value_text(elem)
        if (probe in text.lower()) if casefold else (probe in text):
            found.append((path, elem))
    return found


def report_needle(report: Report, pair: Pair, needle: str, cls: str, origin: str, *, date_like: bool,
                  casefold: bool = False, detail: str = "", raw_lower: bytes | None = None) -> None:
    """Reports where ``needle`` survives in the output, each output place once."""
    raw = raw_lower if casefold and raw_lower is not None else pair.out_bytes
    hits = byte_hits(raw, needle, casefold)
    if not hits:
        return
    located = 0
    for path, elem in locate(pair, needle, casefold):
        located += 1
        if report.reported_at(pair.rel, paths.describe(path)):
            continue
        if date_like and elem.VR in DATE_VRS:
            original = text_of(pair.in_ds, path)
            if original is not None and needle not in original:
                continue  # a shifted value that happens to equal another original
        report.add(cls, pair.rel, paths.describe(path), detail or f"found {needle!r}", origin, value_text(elem))
    if len(hits) > located and not date_like:
        report.add(cls, pair.rel, f"(bytes at offset {hits[0]})",
                   f"found {needle!r} outside any parsed value ({len(hits) - located} place(s))", origin)


def check_planted(report: Report, pair: Pair, table: Table, occurrences: list[tuple[dict, dict]]) -> dict:
    """Manifest mode: every planted value of this file, by its action under the claimed options, at its
    own path; returns the needles to look for elsewhere (``report_needles``)."""
    needles: dict[str, tuple[str, str, bool]] = {}
    for entry, occ in occurrences:
        path = paths.from_text(occ["path"])
        action = effective_action(table, path, pair.options, pair.out_ds)
        kind = entry["kind"]
        is_date = kind in ("date", "time", "datetime")
        if action in ("K", "none"):
            retained(report, pair, entry, path, action)
            continue
        if action == "C" and not is_date:
            continue  # cleaned descriptions: judged by identifying substrings and clean descriptors
        if action not in MUST_GO and action != "C":
            continue
        original = entry["value"].strip(" \0")
        now = text_of(pair.out_ds, path)
        if original and now is not None and now.strip(" \0") == original:
            report.add(class_for(kind), pair.rel, paths.describe(path), f"unchanged under action {action}",
                       value=original)
        for needle in entry["needles"]:
            needles.setdefault(needle, (class_for(kind), f"{occ['path']} ({entry['keyword']}, {action})", is_date))
    return needles


def report_needles(report: Report, pair: Pair, needles: dict) -> None:
    for needle, (cls, origin, is_date) in needles.items():
        report_needle(report, pair, needle, cls, origin, date_like=is_date)


def retained(report: Report, pair: Pair, entry: dict, path: paths.Path, action: str) -> None:
    """A value an option keeps (K) should be there unchanged (soft)."""
    if action != "K":
        return
    now = text_of(pair.out_ds, path)
    if now is None or now.strip(" \0") != entry["value"].strip(" \0"):
        report.add("retained-attribute-changed", pair.rel, paths.describe(path),
                   "removed" if now is None else f"now {now[:60]!r}", value=entry["value"])


def check_identifying(report: Report, pair: Pair, parts: list[str]) -> None:
    """The patient's and study's identifying substrings may not survive anywhere (case-insensitive)."""
    raw_lower = pair.out_bytes.lower()
    for part in sorted(set(parts), key=len, reverse=True):
        if len(part) < 4:
            continue
        report_needle(report, pair, part, "identifying-substring-kept", "", date_like=False, casefold=True,
                      detail=f"contains {part!r}", raw_lower=raw_lower)


def check_generic(report: Report, pair: Pair, table: Table) -> None:
    """Manifest-less mode (pydicom's files): the input's own values of identifying attributes."""
    kept_texts = []
    candidates: list[tuple[paths.Path, object, str]] = []
    for path, elem in paths.walk(pair.in_ds):
        if elem.VR == "SQ" or elem.tag >> 16 in (0x0002,):
            continue
        action = effective_action(table, path, pair.options, pair.out_ds)
        text = value_text(elem).strip(" \0")
        if action in ("none", "K") and elem.VR in TEXT_VRS:
            kept_texts.append(text)
        elif action in MUST_GO or (action == "C" and elem.VR in DATE_VRS):
            candidates.append((path, elem, action))
    kept_blob = "\n".join(kept_texts)
    needles: dict[str, tuple[str, str, bool]] = {}
    for path, elem, action in candidates:
        if elem.tag >> 16 & 1:
            continue  # private elements: judged by the private check
        text = value_text(elem).strip(" \0")
        if not text or elem.VR not in TEXT_VRS:
            continue
        cls = class_for("", elem.VR)
        now = text_of(pair.out_ds, path)
        if now is not None and now.strip(" \0") == text and not text.startswith(WELL_KNOWN_UID):
            report.add(cls, pair.rel, paths.describe(path), f"unchanged under action {action}", value=text)
        if elem.VR in DATE_VRS or text.startswith(WELL_KNOWN_UID):
            continue
        pieces = [text] + ([p for p in re.split(r"[\^=]", text) if p.strip()] if elem.VR == "PN" else [])
        for piece in pieces:
            piece = piece.strip()
            if len(piece) >= 5 and piece not in kept_blob:
                needles.setdefault(piece, (cls, f"{paths.to_text(path)} ({elem.keyword}, {action})", False))
    for needle, (cls, origin, is_date) in needles.items():
        report_needle(report, pair, needle, cls, origin, date_like=is_date)
