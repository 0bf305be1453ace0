"""PS3.15 Table E.1-1 as data: rows by tag, the options a file claims, and the action that applies.

The table is the project's JSON rendering of Table E.1-1 (``shared/dicom/ps315-table-e1-1.json``).
Option codes are those of CID 7050 "De-identification Method" (PS3.16), which a de-identified file lists
in De-identification Method Code Sequence (0012,0064).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

#: CID 7050 code values (scheme DCM) and the option column of Table E.1-1 each selects.
OPTION_CODES: dict[str, str] = {
    "113100": "basic",
    "113101": "cleanPixel",
    "113102": "cleanVisual",
    "113103": "cleanGraph",
    "113104": "cleanStructCont",
    "113105": "cleanDesc",
    "113106": "rtnLongFullDates",
    "113107": "rtnLongModifDates",
    "113108": "rtnPatChars",
    "113109": "rtnDevId",
    "113110": "rtnUIDs",
    "113111": "rtnSafePriv",
    "113112": "rtnInstId",
}

#: The actions under which the original value may not survive anywhere.
REMOVING_ACTIONS = {"X", "Z", "D", "U", "X/Z", "X/D", "Z/D", "X/Z/D", "X/Z/U*"}


def default_table_path() -> Path:
    """Where the table is: $DEID_TABLE, else ../shared/dicom beside the repository (as CI lays it out),
    else /work/shared/dicom."""
    if os.environ.get("DEID_TABLE"):
        return Path(os.environ["DEID_TABLE"])
    repo = Path(__file__).resolve().parents[3]
    for candidate in (repo.parent / "shared/dicom/ps315-table-e1-1.json",
                      Path("/work/shared/dicom/ps315-table-e1-1.json")):
        if candidate.exists():
            return candidate
    raise FileNotFoundError("PS3.15 Table E.1-1 JSON not found; set DEID_TABLE")


@dataclass(frozen=True)
class Row:
    """One row of Table E.1-1."""

    tag: str  # "(gggg,eeee)" as printed in the standard, masks included
    name: str
    keyword: str | None
    vr: str | None
    basic: str
    options: dict[str, str] = field(default_factory=dict)
    options_known: bool = True  # False for rows whose option columns the JSON does not know

    def action(self, selected: set[str]) -> str:
        """The action under the selected option columns: K wins over C, either over the Basic Profile."""
        actions = [self.options[o] for o in selected if o in self.options]
        if "K" in actions:
            return "K"
        if "C" in actions:
            return "C"
        return self.basic


class Table:
    """Table E.1-1, looked up by numeric tag (repeating groups and private tags included)."""

    def __init__(self, path: Path | None = None):
        self.path = path or default_table_path()
        data = json.loads(self.path.read_text())
        self.revision = data.get("revision", "")
        self.rows: list[Row] = []
        self._by_tag: dict[int, Row] = {}
        self._masked: list[tuple[int, int, int | None, Row]] = []
        self.private_row: Row | None = None
        for raw in data["attributes"]:
            row = Row(tag=raw["tag"], name=raw["name"], keyword=raw.get("keyword"), vr=raw.get("vr"),
                      basic=raw["basic"], options=raw.get("options") or {},
                      options_known=raw.get("options") is not None)
            self.rows.append(row)
            pattern = raw.get("pattern")
            if pattern == "private":
                self.private_row = row
            elif pattern == "group-mask":
                element = None if raw["element"] == "any" else int(raw["element"], 16)
                self._masked.append((int(raw["group_mask"], 16), int(raw["group_value"], 16), element, row))
            else:
                group, element = raw["tag"].strip("()").split(",")
                self._by_tag[(int(group, 16) << 16) | int(element, 16)] = row

    def row(self, tag: int) -> Row | None:
        """The row that governs ``tag``, or None when the attribute is not in the table (kept)."""
        if tag in self._by_tag:
            return self._by_tag[tag]
        group, element = tag >> 16, tag & 0xFFFF
        if group % 2 == 1:
            return self.private_row
        for mask, value, masked_element, row in self._masked:
            if group & mask == value and (masked_element is None or masked_element == element):
                return row
        return None

    def keyword_rows(self) -> list[Row]:
        """Rows of one plain tag whose keyword pydicom knows (the ones a generator can plant by name)."""
        return [r for r in self.rows if r.keyword and "x" not in r.tag.lower()]

    @staticmethod
    def tag_of(row: Row) -> int:
        group, element = row.tag.strip("()").split(",")
        return (int(group, 16) << 16) | int(element, 16)


def claimed_options(ds) -> tuple[set[str], list[str]]:
    """The option columns a de-identified data set claims in De-identification Method Code Sequence,
    and the unknown codes it lists (if any)."""
    selected: set[str] = set()
    unknown: list[str] = []
    for item in ds.get("DeidentificationMethodCodeSequence", []) or []:
        value = str(item.get("CodeValue", ""))
        scheme = str(item.get("CodingSchemeDesignator", ""))
        if scheme == "DCM" and value in OPTION_CODES:
            selected.add(OPTION_CODES[value])
        else:
            unknown.append(f"{scheme}:{value}")
    selected.discard("basic")
    return selected, unknown
