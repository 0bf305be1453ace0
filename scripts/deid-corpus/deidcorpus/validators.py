"""The independent validators: dicom3tools' dciodvfy and dcmtk's dcmdump, run as a user runs them.

dciodvfy (Debian's 2022 build) cannot read a deflated data set, so a Deflated Explicit VR Little Endian
file is first re-encoded by dcmtk's dcmconv (+te: explicit VR little endian), which changes no value.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections import Counter
from pathlib import Path

from .rawbytes import DEFLATED


def available() -> dict[str, bool]:
    return {tool: shutil.which(tool) is not None for tool in ("dciodvfy", "dcmdump", "dcmconv")}


def _readable_copy(path: Path, folder: Path) -> Path:
    """``path`` itself, or an explicit VR little endian copy when it is deflated."""
    head = path.read_bytes()[:2048]
    if DEFLATED not in head:
        return path
    target = folder / (path.name + ".explicit.dcm")
    subprocess.run(["dcmconv", "+te", str(path), str(target)], capture_output=True, check=False)
    return target if target.exists() else path


def dciodvfy(path: Path) -> list[str]:
    """dciodvfy's lines for one file (errors and warnings, in order)."""
    with tempfile.TemporaryDirectory() as folder:
        target = _readable_copy(path, Path(folder))
        result = subprocess.run(["dciodvfy", str(target)], capture_output=True, text=True, errors="replace")
    return (result.stdout + result.stderr).splitlines()


_VALUE = re.compile(r"<[^<>]*>(?=[^<>]*(?:- |$))|\[[^\]]*\]|= <[^>]*>")


def normalise(line: str) -> str:
    """An error line without the values in it, so one kind of error reads the same in every file:
    ``Value invalid for this VR - (0x0010,0x0010) PN Patient's Name PN [1] = <…>`` keeps the tag and
    the kind of fault, not the value."""
    line = re.sub(r"= <[^>]*>", "= <…>", line)
    # other values in angle brackets (UIDs, numbers), but not element, module or attribute names
    line = re.sub(r"(?<!Element=)(?<!Module=)<[^<>]*\d[^<>]*>", "<…>", line)
    line = re.sub(r"\[\d+\]", "[n]", line)
    line = re.sub(r"Length invalid for this VR = \d+", "Length invalid for this VR = n", line)
    line = re.sub(r"Bad Sequence number of Items \d+", "Bad Sequence number of Items n", line)
    return line.strip()


def dciodvfy_errors(path: Path) -> Counter:
    """The multiset of normalised error lines."""
    return Counter(normalise(line) for line in dciodvfy(path) if line.startswith("Error"))


def dcmdump(path: Path) -> tuple[int, list[str]]:
    """dcmdump's exit status and its error and warning lines (E: and W:)."""
    result = subprocess.run(["dcmdump", "+L", str(path)], capture_output=True, text=True,
                            errors="replace")
    complaints = [line for line in (result.stdout + result.stderr).splitlines()
                  if line.startswith(("E:", "W:", "F:"))]
    return result.returncode, complaints
