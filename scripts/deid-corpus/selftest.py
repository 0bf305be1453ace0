#!/usr/bin/env python3
"""Shows the checker catches what it claims to: copies a de-identified output, plants one known defect
of each kind in the copy, runs check.py on it and reports, per kind, whether a finding of the expected
class appeared that the unmutated output did not have.

Usage: selftest.py --input IN --output OUT [--manifest M]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import pydicom


def counts(check: Path, args: list[str]) -> Counter:
    with tempfile.NamedTemporaryFile(suffix=".json") as report:
        subprocess.run([sys.executable, str(check), *args, "--report", report.name], capture_output=True)
        data = json.loads(Path(report.name).read_text())
    return Counter({c: v["count"] for c, v in data["by_class"].items()})


def files_with(root: Path, predicate) -> list[Path]:
    found = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.name.endswith(".json"):
            try:
                ds = pydicom.dcmread(path)
            except Exception:
                continue
            if predicate(ds):
                found.append(path)
    return found


def mutate(out: Path, source: Path) -> dict[str, str]:
    """Plants one defect per class in ``out`` (``source`` is the de-identifier's input); returns
    class → what was done."""
    done = {}
    defined = {str(ds.SOPInstanceUID) for ds in map(pydicom.dcmread, files_with(out, lambda ds: "SOPInstanceUID" in ds))}
    refs = files_with(out, lambda ds: "SourceImageSequence" in ds and ds.SourceImageSequence
                      and str(ds.SourceImageSequence[0].get("ReferencedSOPInstanceUID", "")) in defined)
    if refs:
        ds = pydicom.dcmread(refs[0])
        ds.SourceImageSequence[0].ReferencedSOPInstanceUID = "2.25.1234567890123456789"
        ds.save_as(refs[0])
        done["dangling-reference"] = done["uid-split"] = f"{refs[0].name}: SourceImageSequence points nowhere"
    cts = files_with(out, lambda ds: ds.get("Modality") == "CT" and "PixelData" in ds
                     and ds.get("NumberOfFrames", 1) in (1, "1", None) and "REFORMATTED" not in ds.get("ImageType", []))
    by_patient: dict[str, list[Path]] = {}
    for path in cts:
        by_patient.setdefault(str(pydicom.dcmread(path).PatientID), []).append(path)
    cts = max(by_patient.values(), key=len)  # one patient's images, so that a changed ID splits them
    a, b = cts[0], cts[1]
    ds_a, ds_b = pydicom.dcmread(a), pydicom.dcmread(b)
    ds_b.SOPInstanceUID = ds_a.SOPInstanceUID
    ds_b.file_meta.MediaStorageSOPInstanceUID = ds_a.SOPInstanceUID
    ds_b.PatientID = "SOMEONE-ELSE"
    data = bytearray(ds_b.PixelData)
    data[10] ^= 0xFF
    ds_b.PixelData = bytes(data)
    block = ds_b.private_block(0x0019, "SELFTEST", create=True)
    block.add_new(0x01, "LO", "private survivor")
    ds_b.save_as(b)
    done["uid-merge"] = f"{b.name} takes {a.name}'s SOP Instance UID"
    done["pseudonym-split"] = f"{b.name}: another Patient ID"
    done["pixel-data-changed"] = f"{b.name}: one pixel byte flipped"
    done["private-kept"] = f"{b.name}: a private element added"
    ds_c = pydicom.dcmread(cts[2])
    ds_c.StudyTime = "010203.000001"
    ds_c.save_as(cts[2])
    done["interval-not-preserved"] = f"{cts[2].name}: StudyTime moved alone"

    # Original values put back into the fourth image: a date, a planted identifier inside another
    # attribute, the family name inside a description, and the profile marking taken away.
    target = cts[3]
    original = pydicom.dcmread(source / target.relative_to(out))
    ds_d = pydicom.dcmread(target)
    ds_d.StudyDate = original.StudyDate
    ds_d.ImageComments = f"seen at {original.InstitutionName}"
    ds_d.DerivationDescription = f"patient {str(original.PatientName).split('^')[0]}"
    del ds_d.PatientIdentityRemoved
    ds_d.save_as(target)
    done["date-kept"] = f"{target.name}: original StudyDate"
    done["planted-value-kept"] = f"{target.name}: original InstitutionName in ImageComments"
    done["identifying-substring-kept"] = f"{target.name}: family name in DerivationDescription"
    done["profile-marking"] = f"{target.name}: Patient Identity Removed deleted"
    return done


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--input", type=Path, required=True)
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--manifest", type=Path)
    args = parser.parse_args()
    check = Path(__file__).resolve().parent / "check.py"
    extra = ["--manifest", str(args.manifest)] if args.manifest else []
    before = counts(check, ["--input", str(args.input), "--output", str(args.output), *extra])
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "out"
        shutil.copytree(args.output, copy)
        done = mutate(copy, args.input)
        after = counts(check, ["--input", str(args.input), "--output", str(copy), *extra])
    failed = 0
    for cls, what in done.items():
        caught = after[cls] > before[cls]
        failed += not caught
        print(f"{'caught' if caught else 'MISSED'}  {cls}: {what} ({before[cls]} → {after[cls]})")
    print(f"{len(done) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
