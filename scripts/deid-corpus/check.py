#!/usr/bin/env python3
"""The independent de-identification checker: judges an output folder against its input folder by
PS3.15 (Annex E, Table E.1-1 and the option texts of E.3) and PS3.3, never by the engine's code.

Usage: check.py --input IN --output OUT [--manifest M] [--pydicom-files] [--same-as OTHER] [--report FILE]

Input and output files are paired by relative path. With a manifest (from make-corpus.py) every planted
value is judged by its row's action under the options the output itself claims in De-identification
Method Code Sequence (CID 7050); files without manifest entries (pydicom's test files: --pydicom-files,
which also defaults --input to pydicom's test_files folder) are judged on their own values. Whole-set
checks: UID map and references, pseudonyms, date/time intervals. Exit status 0 only when no hard
finding is left; the human summary goes to standard output and the JSON report to --report (default
OUT.audit.json beside the output folder).
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from deidcorpus import validators  # noqa: E402
from deidcorpus.checks import identity, pairs as pairing, scan, structure, temporal  # noqa: E402
from deidcorpus.checks.report import Report  # noqa: E402
from deidcorpus.table import Table  # noqa: E402


def pydicom_test_files() -> Path:
    import pydicom
    return Path(pydicom.__file__).parent / "data" / "test_files"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--input", type=Path, help="the folder given to the de-identifier")
    parser.add_argument("--output", type=Path, required=True, help="the folder it wrote")
    parser.add_argument("--manifest", type=Path, help="make-corpus.py's manifest.json (default: INPUT/../manifest.json if any)")
    parser.add_argument("--pydicom-files", action="store_true",
                        help="files without manifest entries are pydicom's test files: judged on their own values, "
                             "a missing output is soft; --input defaults to pydicom's test_files folder")
    parser.add_argument("--report", type=Path, help="where to write the JSON report (default OUT.audit.json; "
                        "'-' prints it after the summary)")
    parser.add_argument("--table", type=Path, help="Table E.1-1 JSON (default: shared/dicom beside the repository)")
    parser.add_argument("--same-as", type=Path, help="another output of the same input and key (e.g. one run, "
                        "where OUT is the union of several runs): pseudonyms and UIDs must be the same")
    parser.add_argument("--examples", type=int, default=3, help="examples per class in the summary")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")  # pydicom's complaints about odd test files: not findings
    if args.input is None:
        if not args.pydicom_files:
            parser.error("--input is required (or --pydicom-files)")
        args.input = pydicom_test_files()
    beside = args.input.parent / "manifest.json"
    manifest_path = args.manifest or (beside if beside.exists() and not args.pydicom_files else None)
    manifest = json.loads(manifest_path.read_text()) if manifest_path else None

    table = Table(args.table)
    report = Report()
    have = validators.available()
    for tool, present in have.items():
        if not present:
            report.add("tool-missing", "", "", f"{tool} is not installed (scripts/bootstrap --test)")

    skip = {"manifest.json"}
    all_pairs = pairing.discover(args.input, args.output, skip)
    by_file = defaultdict(list)
    descriptors = defaultdict(list)
    if manifest:
        for entry in manifest["planted"]:
            for occ in entry["occurrences"]:
                by_file[occ["file"]].append((entry, occ))
        for d in manifest["descriptors"]:
            descriptors[d["file"]].append(d)
    files = manifest["files"] if manifest else {}

    checked = []
    for pair in all_pairs:
        pairing.load(pair)
        in_manifest = pair.rel in files
        if pair.in_ds is None:
            continue  # not DICOM (pydicom's folder holds other files): nothing to de-identify
        if not pair.output.exists():
            cls = "output-missing" if in_manifest or not args.pydicom_files else "output-missing-soft"
            report.add(cls, pair.rel, "", "no output file")
            continue
        if pair.out_ds is None:
            report.add("output-unparseable", pair.rel, "", pair.out_error)
            continue
        checked.append(pair)
        structure.check_validators(report, pair, have)
        structure.check_marking(report, pair)
        structure.check_private(report, pair)
        structure.check_pixels(report, pair)
        structure.check_codes(report, pair, table)
        structure.check_replacements(report, pair, table)
        if in_manifest:
            # One finding per output place, the most specific first: a planted value unchanged at its
            # own path, then identifying substrings inside other values, then planted values elsewhere.
            needles = scan.check_planted(report, pair, table, by_file[pair.rel])
            info = files[pair.rel]
            parts = manifest["patients"][info["patient"]]["identifying_parts"] + \
                manifest["studies"][info["study"]]["identifying_parts"]
            scan.check_identifying(report, pair, parts)
            scan.report_needles(report, pair, needles)
            structure.check_clean_descriptors(report, pair, descriptors[pair.rel])
        else:
            scan.check_generic(report, pair, table)
        # keep memory small: the bytes are not needed by the whole-set checks
        pair.out_bytes = b""

    identity.check_uids(report, checked, table)
    identity.check_references(report, checked)
    identity.check_pseudonyms(report, checked)
    temporal.check_intervals(report, checked, lambda p: (str(p.in_ds.get("PatientID", "")),
                                                         str(p.in_ds.get("IssuerOfPatientID", ""))))
    if args.same_as:
        identity.check_same_as(report, checked, args.same_as, table)
    report.files_checked = len(checked)
    options = sorted({o for p in checked for o in p.options})
    report.notes.append(f"options claimed by the outputs: {', '.join(options) or 'none'}")

    print(report.summary(args.examples))
    if str(args.report) == "-":
        print(report.dumps())
    else:
        target = args.report or args.output.with_name(args.output.name + ".audit.json")
        target.write_text(report.dumps())
        print(f"JSON report: {target}")
    return 1 if report.hard else 0


if __name__ == "__main__":
    sys.exit(main())
