"""Findings and the report: every finding names its class, file and tag path, never only a count."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field

#: Classes that make the check fail, and what each means (PS3.15 reference in brackets).
HARD = {
    "output-missing": "a de-identifiable input has no output",
    "output-unparseable": "pydicom cannot read the output",
    "dcmdump-complaint": "dcmtk's dcmdump reports an error or warning reading the output",
    "dciodvfy-new-error": "dciodvfy reports an error the input did not have (IOD conformance, E.1.1)",
    "planted-value-kept": "an original value whose action is X, Z, D or U survives in the output (Table E.1-1)",
    "date-kept": "an original date survives (Table E.1-1; E.3.6 Modified Dates: dates shall be modified)",
    "time-kept": "an original time survives (Table E.1-1; E.3.6 Modified Dates: times shall be modified)",
    "datetime-kept": "an original date-time survives (Table E.1-1; E.3.6)",
    "interval-not-preserved": "one patient's dates and times are not all moved by the same offset (E.3.6)",
    "identifying-substring-kept": "a name, ID, date of birth or other identifier of the file's patient or "
                                  "study survives inside another value (E.1.1: a de-identifier protects all "
                                  "Attributes that might identify the patient; E.3.5 Clean Descriptors)",
    "uid-unchanged": "a UID whose action is U is unchanged or survives (Table E.1-1)",
    "uid-split": "one original UID is mapped to two or more new UIDs (U: internally consistent)",
    "uid-merge": "two or more original UIDs are mapped to one new UID",
    "dangling-reference": "a reference that resolved in the input resolves to nothing in the output",
    "file-meta-mismatch": "Media Storage SOP Instance UID differs from SOP Instance UID (PS3.10 7.1)",
    "pseudonym-split": "one patient (Patient ID + Issuer) has two or more pseudonyms",
    "pseudonym-shared": "two different patients share one pseudonym",
    "pixel-data-changed": "pixel data differ from the input without Clean Pixel Data claimed",
    "code-not-clean": "a code item under a cleaned sequence is not a code of a known scheme in that "
                      "scheme's form (C: values known not to contain identifying information)",
    "private-kept": "a private element survives without Retain Safe Private claimed (E.3.10)",
    "replacement-missing": "an attribute whose action is D or Z was removed, or D left empty (Table E.1-1)",
    "run-inconsistent": "two de-identifications with the same key (one run, or runs in other orders) "
                        "disagree on a pseudonym or a UID",
    "profile-marking": "Patient Identity Removed, De-identification Method or Longitudinal Temporal "
                       "Information Modified is missing or wrong (E.1, E.3.6)",
}
#: Classes reported but not failing: an option not fully honoured, or something to look at.
SOFT = {
    "clean-descriptor-removed": "a clean descriptor was removed or changed though Clean Descriptors is claimed",
    "retained-attribute-changed": "a value an option keeps (K) was removed or changed",
    "code-free-text-kept": "a code item of an unknown scheme or form kept outside any cleaned sequence",
    "output-missing-soft": "an input without a manifest entry (pydicom's test files) has no output",
    "tool-missing": "a validator is not installed, so its check did not run",
}


@dataclass
class Finding:
    cls: str
    file: str
    path: str = ""
    detail: str = ""
    origin: str = ""  # where the original value was (input file and path), when it differs
    value: str = ""

    @property
    def severity(self) -> str:
        return "hard" if self.cls in HARD else "soft"


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    files_checked: int = 0
    notes: list[str] = field(default_factory=list)
    _seen: set = field(default_factory=set)
    _places: set = field(default_factory=set)

    def add(self, cls: str, file: str, path: str = "", detail: str = "", origin: str = "", value: str = "") -> None:
        key = (cls, file, path, detail, value)
        if key in self._seen:
            return
        self._seen.add(key)
        self._places.add((file, path))
        self.findings.append(Finding(cls, file, path, detail, origin, value[:160]))

    def reported_at(self, file: str, path: str) -> bool:
        return (file, path) in self._places

    @property
    def hard(self) -> int:
        return sum(1 for f in self.findings if f.severity == "hard")

    def as_json(self) -> dict:
        counts = Counter(f.cls for f in self.findings)
        return {
            "files_checked": self.files_checked,
            "hard_findings": self.hard,
            "soft_findings": len(self.findings) - self.hard,
            "by_class": {c: {"count": n, "severity": "hard" if c in HARD else "soft",
                             "meaning": HARD.get(c) or SOFT.get(c, "")}
                         for c, n in sorted(counts.items(), key=lambda x: (-x[1], x[0]))},
            "notes": self.notes,
            "findings": [dict(asdict(f), severity=f.severity) for f in self.findings],
        }

    def summary(self, examples: int = 3) -> str:
        """The human summary: per class, its count, meaning and a few examples."""
        by_class: dict[str, list[Finding]] = defaultdict(list)
        for f in self.findings:
            by_class[f.cls].append(f)
        lines = [f"de-identification audit: {self.files_checked} file pair(s), "
                 f"{self.hard} hard finding(s), {len(self.findings) - self.hard} soft"]
        for cls, items in sorted(by_class.items(), key=lambda x: (x[0] not in HARD, -len(x[1]), x[0])):
            severity = "HARD" if cls in HARD else "soft"
            lines.append(f"\n[{severity}] {cls}: {len(items)} — {HARD.get(cls) or SOFT.get(cls, '')}")
            for f in items[:examples]:
                where = f"{f.file} {f.path}".strip()
                extra = "; ".join(x for x in (f.detail, f"value {f.value!r}" if f.value else "",
                                               f"from {f.origin}" if f.origin else "") if x)
                lines.append(f"    {where}: {extra}")
            if len(items) > examples:
                lines.append(f"    … and {len(items) - examples} more (see the JSON report)")
        for note in self.notes:
            lines.append(f"note: {note}")
        verdict = "FAIL" if self.hard else "PASS"
        lines.append(f"\n{verdict}: {self.hard} hard finding(s)")
        return "\n".join(lines)

    def dumps(self) -> str:
        return json.dumps(self.as_json(), indent=1, ensure_ascii=False)
