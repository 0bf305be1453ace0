"""The manifest: for each planted value, where it is (file, tag path), its VR and the Table E.1-1 row
that governs it, and how a checker can find it again in bytes (its needles)."""

from __future__ import annotations

import re

from pydicom.dataset import Dataset
from pydicom.multival import MultiValue

from . import paths
from .table import Table

TOKEN = re.compile(rb"PLT\d{5}[A-Z]")
TEXT_VRS = {"AE", "AS", "CS", "DA", "DS", "DT", "IS", "LO", "LT", "PN", "SH", "ST", "TM", "UC", "UI", "UR", "UT"}
BINARY_VRS = {"OB", "OW", "OD", "OF", "OL", "OV", "UN"}
KIND_BY_VR = {"DA": "date", "TM": "time", "DT": "datetime", "UI": "uid"}


def value_text(elem) -> str:
    """An element's value as text: multiple values joined by backslash, binary as Latin-1."""
    value = elem.value
    if value is None:
        return ""
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("latin-1")
    if isinstance(value, (list, MultiValue)):
        return "\\".join(str(v) for v in value)
    return str(value)


def needles(vr: str, text: str) -> list[str]:
    """The strings a checker searches output bytes for: tokens, and the whole value when it is
    distinctive (UIDs, dates and times, long text, PN components)."""
    found = {m.decode() for m in TOKEN.findall(text.encode("utf-8", "replace"))}
    stripped = text.strip(" \0")
    if vr in ("UI", "DA", "DT") or (vr == "TM" and "." in stripped):
        found.add(stripped)
    elif vr in ("DS", "IS") and len(stripped) >= 6 and not found:
        found.add(stripped)
    elif vr in TEXT_VRS and len(stripped) >= 6 and vr not in ("CS", "AS", "TM"):
        found.add(stripped)
        if vr == "PN":
            for part in re.split(r"[\^=]", stripped):
                if len(part.strip()) >= 5:
                    found.add(part.strip())
    return sorted(found)


class Manifest:
    """Collects what the generator planted, file by file."""

    def __init__(self, table: Table, seed: int):
        self.table = table
        self.data = {
            "generator": "scripts/deid-corpus/make-corpus.py",
            "seed": seed,
            "table": {"path": str(table.path), "revision": table.revision},
            "patients": {}, "studies": {}, "files": {},
            "planted": [], "descriptors": [], "private": [], "sequences": [],
        }
        self._planted: dict[tuple[str, str], dict] = {}

    def add_file(self, rel: str, ds: Dataset, info: dict, descriptor_kinds: dict) -> None:
        """Records every Table E.1-1 element of ``ds`` (at every depth) and every private element."""
        self.data["files"][rel] = info
        for path, elem in paths.walk(ds):
            text_path = paths.to_text(path)
            group = elem.tag >> 16
            if group % 2 == 1:
                self.data["private"].append({"file": rel, "path": text_path, "tag": f"{elem.tag:08X}",
                                             "vr": elem.VR})
                continue
            row = self.table.row(elem.tag)
            if row is None:
                continue
            if elem.VR == "SQ":
                self.data["sequences"].append({"file": rel, "path": text_path, "row": row.tag,
                                               "keyword": elem.keyword, "items": len(elem.value or [])})
                continue
            text = value_text(elem)
            if text.strip(" \0") in descriptor_kinds:
                kind, parts = descriptor_kinds[text.strip(" \0")]
                self.data["descriptors"].append({"file": rel, "path": text_path, "row": row.tag,
                                                 "keyword": elem.keyword, "vr": elem.VR, "kind": kind,
                                                 "value": text.strip(" \0"), "identifying_parts": parts})
            key = (elem.keyword or f"{elem.tag:08X}", text)
            entry = self._planted.get(key)
            if entry is None:
                entry = {
                    "id": len(self._planted) + 1, "keyword": key[0], "tag": f"{elem.tag:08X}", "vr": elem.VR,
                    "row": row.tag, "basic": row.basic, "options": row.options,
                    "kind": KIND_BY_VR.get(elem.VR, "binary" if elem.VR in BINARY_VRS else "text"),
                    "value": text if elem.VR not in BINARY_VRS else text[:200],
                    "needles": needles(elem.VR, text), "occurrences": [],
                }
                self._planted[key] = entry
                self.data["planted"].append(entry)
            entry["occurrences"].append({"file": rel, "path": text_path})

    def check_needles(self, rel: str, raw: bytes) -> list[str]:
        """(``raw`` as rawbytes.scannable gives it.)"""
        """Drops needles of ``rel`` that cannot be found in its own bytes (and says which)."""
        lost = []
        for entry in self.data["planted"]:
            if not any(o["file"] == rel for o in entry["occurrences"]):
                continue
            for needle in list(entry["needles"]):
                forms = {needle.encode("utf-8")}
                try:
                    forms.add(needle.encode("latin-1"))
                except UnicodeEncodeError:
                    pass
                if not any(f in raw for f in forms) and not any(
                        o["file"] != rel for o in entry["occurrences"]):
                    entry["needles"].remove(needle)
                    lost.append(needle)
        return lost
