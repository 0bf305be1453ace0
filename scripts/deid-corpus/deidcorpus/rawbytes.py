"""A file's bytes as a scanner must see them: the data set of a Deflated Explicit VR Little Endian file
(PS3.5 A.5) inflated, so that a value hidden by compression is still found."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

DEFLATED = b"1.2.840.10008.1.2.1.99"


def scannable(path: Path) -> bytes:
    """The file's bytes, with a deflated data set inflated after its (uncompressed) file meta."""
    raw = path.read_bytes()
    if len(raw) < 132 or raw[128:132] != b"DICM" or DEFLATED not in raw[:2048]:
        return raw
    # File meta: explicit VR LE; its length is (0002,0000) UL, the first element after DICM.
    if raw[132:136] != b"\x02\x00\x00\x00":
        return raw
    meta_length = struct.unpack("<I", raw[140:144])[0]
    end = 144 + meta_length
    try:
        return raw[:end] + zlib.decompress(raw[end:], -15)
    except zlib.error:
        return raw
