"""Planted values: one distinct, recognisable value per (attribute, file), valid for its VR.

Each value carries a serial number ``n``; text values embed a token ``PLT<n>`` (with a letter checksum so
one token is never the prefix of another), UIDs are ``2.25.<digits>`` of fixed length, dates and times are
real ones whose fractions spell the serial, so that a value found in an output file names its origin.
"""

from __future__ import annotations

import datetime as dt
import random

# 36 symbols; a token is PLT + 5 serial digits + a check letter, never a prefix of another token.
_CHECK = "ABCDEFGHJKLMNPQRSTUVWXYZ"


def token(n: int) -> str:
    """``PLT01234K``: 9 characters, fits SH, AE and CS (upper case, digits)."""
    return f"PLT{n:05d}{_CHECK[(n * 7 + 3) % len(_CHECK)]}"


class ValueFactory:
    """Makes planted values; deterministic for one seed."""

    def __init__(self, seed: int):
        self.seed = seed
        self.rng = random.Random(seed)
        self.serial = 0
        self._uid_counter = 0
        # Dates of planted values that are not study dates: walk forward one day per value from here.
        self._date_cursor = dt.date(2015, 1, 5)

    def next_serial(self) -> int:
        self.serial += 1
        return self.serial

    # -- identifiers and text ------------------------------------------------------------------
    def uid(self) -> str:
        """A valid UID under 2.25 (a UUID-derived root), 44 characters, unique in the corpus."""
        self._uid_counter += 1
        # 2.25.<39 digits>: fixed length, first digit non-zero, seed and counter recognisable.
        body = f"1{self.seed % 1000:03d}{self._uid_counter:06d}{self.rng.randrange(10**28, 10**29)}"
        return "2.25." + body[:39]

    def text(self, vr: str, keyword: str, n: int) -> str:
        """A text value for a string VR, holding the token and (room permitting) the keyword."""
        t = token(n)
        if vr in ("CS",):
            return t
        if vr in ("AE",):
            return t
        if vr in ("SH",):
            return f"{t} X"[:16]
        if vr == "PN":
            return f"{t}FAM^{t}GIV^{t}MID^DR^"
        if vr == "UR":
            return f"https://{t.lower()}.example.org/{keyword}"
        limit = {"LO": 64, "UC": 200, "ST": 1024, "LT": 10240, "UT": 10240}.get(vr, 64)
        return f"{t} {keyword} planted"[:limit]

    def date(self) -> dt.date:
        """A distinct real date (one day after the previous one)."""
        self._date_cursor += dt.timedelta(days=1)
        return self._date_cursor

    @staticmethod
    def da(d: dt.date) -> str:
        return d.strftime("%Y%m%d")

    @staticmethod
    def tm(hour: int, minute: int, second: int, fraction: int | None) -> str:
        text = f"{hour:02d}{minute:02d}{second:02d}"
        return text + (f".{fraction:06d}" if fraction is not None else "")

    def time_for(self, n: int, with_fraction: bool = True) -> str:
        """A real time whose fraction spells the serial (recognisable): 14:23:17.0<n>."""
        hour = 7 + n % 12
        minute = (n * 7) % 60
        second = (n * 13) % 60
        return self.tm(hour, minute, second, (900000 + n) if with_fraction else None)

    def dt_for(self, n: int, d: dt.date, with_offset: bool) -> str:
        """A DT with fraction spelling the serial, with or without a UTC offset."""
        text = d.strftime("%Y%m%d") + self.time_for(n)
        return text + ("+0100" if with_offset else "")

    def ds_number(self, n: int) -> str:
        """A DS of at most 16 characters, recognisable: 7<n>.25."""
        return f"7{n:05d}.25"

    def is_number(self, n: int) -> str:
        return f"8{n:05d}"
