"""Retain Longitudinal Temporal Information with Modified Dates (PS3.15 E.3.6): one patient's dates
and times all move by one offset, so intervals between them — across files and studies — are kept.

Offsets are measured on date+time pairs of one item (StudyDate/StudyTime…, so a shift across midnight
carries into the date) and on DT values (UTC offsets honoured); a lone date may move by the offset's
whole days or one more, a lone time by the offset modulo a day.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict

from .. import paths
from ..manifest import value_text
from .pairs import Pair
from .report import Report

DAY = 86400.0


def parse_da(text: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(text.strip()[:8], "%Y%m%d").date() if len(text.strip()) == 8 else None
    except ValueError:
        return None


def parse_tm(text: str) -> tuple[float, bool] | None:
    """Seconds since midnight, and whether the value had a fraction."""
    m = re.fullmatch(r"(\d{2})(\d{2})?(\d{2})?(?:\.(\d{1,6}))?", text.strip())
    if not m:
        return None
    h, mi, s, frac = m.groups()
    seconds = int(h) * 3600 + int(mi or 0) * 60 + int(s or 0) + (int(frac) / 10 ** len(frac) if frac else 0)
    return seconds, frac is not None


def parse_dt(text: str) -> tuple[float, bool] | None:
    """Seconds since 1900-01-01 UTC (local when no offset is given), and whether it had a fraction."""
    m = re.fullmatch(r"(\d{8})(\d{2,6}(?:\.\d{1,6})?)?([+-]\d{4})?", text.strip())
    if not m:
        return None
    day = parse_da(m.group(1))
    if day is None:
        return None
    tm = parse_tm(m.group(2)) if m.group(2) else (0.0, False)
    if tm is None:
        return None
    total = (day - dt.date(1900, 1, 1)).days * DAY + tm[0]
    if m.group(3):
        sign = 1 if m.group(3)[0] == "+" else -1
        total -= sign * (int(m.group(3)[1:3]) * 3600 + int(m.group(3)[3:5]) * 60)
    return total, tm[1]


def pair_offsets(pair: Pair):
    """(kind, path, offset seconds, precise) for every aligned date/time value of one file pair."""
    results = []
    for path, elem in paths.walk(pair.in_ds):
        if elem.VR not in ("DA", "TM", "DT") or elem.tag >> 16 & 1:
            continue
        out = paths.lookup(pair.out_ds, path)
        if out is None or not value_text(out).strip() or not value_text(elem).strip():
            continue
        before, after = value_text(elem).strip(), value_text(out).strip()
        if "\\" in before or "\\" in after or "-" in before[1:] and elem.VR != "DT":
            continue  # ranges and multiple values: not compared
        if elem.VR == "DT":
            a, b = parse_dt(before), parse_dt(after)
            if a and b:
                results.append(("datetime", path, b[0] - a[0], a[1] and b[1]))
        elif elem.VR == "DA":
            partner = _partner(elem.keyword, "Date", "Time")
            a, b = parse_da(before), parse_da(after)
            if not (a and b):
                continue
            t_path = path[:-1] + ((_tag(partner), None),) if partner else None
            t_in = paths.lookup(pair.in_ds, t_path) if t_path else None
            t_out = paths.lookup(pair.out_ds, t_path) if t_path else None
            ta = parse_tm(value_text(t_in)) if t_in is not None and value_text(t_in).strip() else None
            tb = parse_tm(value_text(t_out)) if t_out is not None and value_text(t_out).strip() else None
            if ta and tb:
                offset = (b - a).days * DAY + tb[0] - ta[0]
                results.append(("date+time", path, offset, ta[1] and tb[1]))
            else:
                results.append(("date", path, (b - a).days * DAY, True))
        else:  # TM: lone unless its date partner exists
            partner = _partner(elem.keyword, "Time", "Date")
            d_path = path[:-1] + ((_tag(partner), None),) if partner else None
            if d_path and paths.lookup(pair.in_ds, d_path) is not None and paths.lookup(pair.out_ds, d_path) is not None:
                continue  # measured with its date
            a, b = parse_tm(before), parse_tm(after)
            if a and b:
                results.append(("time", path, b[0] - a[0], a[1] and b[1]))
    return results


def _partner(keyword: str, suffix: str, other: str) -> str | None:
    if keyword and keyword.endswith(suffix):
        from pydicom.datadict import tag_for_keyword
        candidate = keyword[: -len(suffix)] + other
        return candidate if tag_for_keyword(candidate) else None
    return None


def _tag(keyword: str) -> int:
    from pydicom.datadict import tag_for_keyword
    return tag_for_keyword(keyword)


def check_intervals(report: Report, pairs: list[Pair], patient_of) -> None:
    """One offset per patient: the most common pair/DT offset; every other value must agree with it."""
    by_patient = defaultdict(list)
    for pair in pairs:
        if pair.usable and ("rtnLongModifDates" in pair.options or "rtnLongFullDates" in pair.options):
            who = patient_of(pair)
            if who:
                by_patient[who] += [(pair.rel, *item) for item in pair_offsets(pair)]
    for who, items in by_patient.items():
        exact = [round(o, 3) for _, kind, _, o, precise in items if kind in ("date+time", "datetime") and precise]
        coarse = [round(o) for _, kind, _, o, _ in items if kind in ("date+time", "datetime")]
        if exact:
            delta = Counter(exact).most_common(1)[0][0]
        elif coarse:
            delta = Counter(coarse).most_common(1)[0][0]
        else:
            dates = [o for _, kind, _, o, _ in items if kind == "date"]
            if not dates:
                continue
            delta = Counter(dates).most_common(1)[0][0]
        whole_days = delta // DAY
        for rel, kind, path, offset, precise in items:
            tolerance = 0.001 if precise else 1.0
            if kind in ("date+time", "datetime"):
                ok = abs(offset - delta) < tolerance
            elif kind == "date":
                ok = offset in (whole_days * DAY, (whole_days + 1) * DAY) if delta % DAY else offset == delta
            else:
                diff = (offset - delta) % DAY
                ok = min(diff, DAY - diff) < tolerance
            if not ok:
                report.add("interval-not-preserved", rel, paths.describe(path),
                           f"{kind} moved by {_human(offset)}, patient {who!r} by {_human(delta)}")


def _human(seconds: float) -> str:
    sign = "-" if seconds < 0 else "+"
    seconds = abs(seconds)
    days, rest = divmod(seconds, DAY)
    return f"{sign}{int(days)}d{rest:.3f}s"
