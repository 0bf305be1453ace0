#!/usr/bin/env python3
"""Generates Sources/DICOM/Deidentification/IODAttributeTypes+Table.swift from PS3.3's IOD definitions.

The de-identifier needs to know, for an attribute it removes, empties or replaces, whether the IOD of the
instance requires it (PS3.5 §7.4): Type 1 gets a dummy, Type 2 an empty value, Type 3 may go. The types
come from PS3.3 as machine-read by innolitics/dicom-standard (MIT licence), published on PyPI as the
wheel `dicom-standard` 0.1.0: sops.json (SOP Class → IOD), ciod_to_modules.json (IOD → modules),
module_to_attributes.json (module → attribute paths with their types, macros expanded),
ciod_to_fg_macros.json and macro_to_attributes.json (functional groups of multi-frame IODs).

Only the paths that end in an attribute of PS3.15 Table E.1-1 or in a sequence are kept. A path is the
chain of sequence tags from the top level, e.g. `0040A073/0040A075` (Verifying Observer Name inside
Verifying Observer Sequence). Where one IOD holds a path in several modules, the strictest type wins.
Each path records its most common type over all IODs and the IODs where the type differs. SR content
trees nest without limit; the source lists the first levels, and the reader folds repeated Content
Sequence tags into one.

    scripts/generate-iod-types.py [folder holding the wheel's standard/*.json]

Without an argument the wheel is fetched with `pip download dicom-standard==0.1.0` into a temporary folder.
"""
import collections
import glob
import json
import os
import subprocess
import sys
import tempfile
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TABLE_E11 = os.path.join(os.path.dirname(ROOT), "shared", "dicom", "ps315-table-e1-1.json")
OUTPUT = os.path.join(ROOT, "Sources", "DICOM", "Deidentification", "IODAttributeTypes+Table.swift")
CONTENT_SEQUENCE = "0040A730"
# Strictest first. 'None' (tables without a type column, such as normalised IODs) reads as Type 3.
RANK = {"1": 0, "1C": 1, "2": 2, "2C": 3, "3": 4, "None": 4}
CODES = {"1": "1", "1C": "1C", "2": "2", "2C": "2C", "3": "3", "None": "3"}


def standard_folder():
    if len(sys.argv) > 1:
        return sys.argv[1]
    work = tempfile.mkdtemp(prefix="dicom-standard-")
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", work, "dicom-standard==0.1.0"],
        check=True)
    wheel = glob.glob(os.path.join(work, "*.whl"))[0]
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(work)
    return glob.glob(os.path.join(work, "*.data", "data", "standard"))[0]


def load(folder, name):
    with open(os.path.join(folder, name), encoding="utf-8") as handle:
        return json.load(handle)


def normalised(tags):
    """Upper-case tags, repeated Content Sequence levels folded into one."""
    out = []
    for tag in tags:
        tag = tag.upper()
        if tag == CONTENT_SEQUENCE and out and out[-1] == CONTENT_SEQUENCE:
            continue
        out.append(tag)
    return out


def main():
    folder = standard_folder()
    with open(TABLE_E11, encoding="utf-8") as handle:
        e11 = json.load(handle)["attributes"]
    listed = {a["tag"].strip("()").replace(",", "").upper() for a in e11 if "x" not in a["tag"].lower()}
    dictionary = {}
    try:
        from pydicom.datadict import DicomDictionary  # VRs, to keep every sequence path
        dictionary = {f"{tag:08X}": entry[0] for tag, entry in DicomDictionary.items()}
    except ImportError:
        raise SystemExit("pydicom is needed for the VRs (pip install pydicom)")

    def relevant(tag):
        return tag in listed or dictionary.get(tag) == "SQ"

    sops = load(folder, "sops.json")
    ciods = load(folder, "ciods.json")
    ciod_by_name = {c["name"]: c["id"] for c in ciods}
    modules_of = collections.defaultdict(list)
    for row in load(folder, "ciod_to_modules.json"):
        modules_of[row["ciodId"]].append(row["moduleId"])
    macros_of = collections.defaultdict(list)
    for row in load(folder, "ciod_to_fg_macros.json"):
        macros_of[row["ciodId"]].append(row["macroId"])
    attributes_of = collections.defaultdict(list)
    for row in load(folder, "module_to_attributes.json"):
        tags = row["path"].split(":")[1:]
        if relevant(tags[-1].upper()):
            attributes_of[row["moduleId"]].append((normalised(tags), row["type"]))
    macro_attributes = collections.defaultdict(list)
    for row in load(folder, "macro_to_attributes.json"):
        tags = row["path"].split(":")[1:]
        if relevant(tags[-1].upper()):
            macro_attributes[row["macroId"]].append((normalised(tags), row["type"]))

    iods = sorted({ciod_by_name[s["ciod"]] for s in sops if s["ciod"] in ciod_by_name})
    iod_index = {iod: index for index, iod in enumerate(iods)}
    types = collections.defaultdict(dict)  # path -> {iod index: type}
    for iod in iods:
        found = {}
        for module in modules_of[iod]:
            for tags, kind in attributes_of[module]:
                key = "/".join(tags)
                if key not in found or RANK[kind] < RANK[found[key]]:
                    found[key] = kind
        for macro in macros_of[iod]:
            for group in ("52009229", "52009230"):  # shared and per-frame functional groups
                for tags, kind in macro_attributes[macro]:
                    key = "/".join([group] + tags)
                    if key not in found or RANK[kind] < RANK[found[key]]:
                        found[key] = kind
        for key, kind in found.items():
            types[key][iod_index[iod]] = CODES[kind]

    lines = []
    for key in sorted(types):
        by_iod = types[key]
        default = collections.Counter(by_iod.values()).most_common(1)[0][0]
        exceptions = " ".join(f"{index}:{kind}" for index, kind in sorted(by_iod.items()) if kind != default)
        lines.append(f"{key} {default}" + (f" {exceptions}" if exceptions else ""))

    sop_lines = []
    for sop in sorted(sops, key=lambda s: s["id"]):
        iod = ciod_by_name.get(sop["ciod"])
        if iod is not None:
            sop_lines.append(f'        "{sop["id"]}": {iod_index[iod]},  // {sop["name"]}')

    with open(OUTPUT, "w", encoding="utf-8") as out:
        out.write("// Generated by scripts/generate-iod-types.py from PS3.3 as read by innolitics/dicom-standard\n")
        out.write("// (PyPI dicom-standard 0.1.0). Do not edit by hand: change the generator and run it again.\n\n")
        out.write("extension IODAttributeTypes {\n")
        out.write("    /// The IODs (PS3.3 Annex A), in the order the table's exceptions number them.\n")
        out.write("    static let iodNames: [String] = [\n")
        for iod in iods:
            out.write(f'        "{iod}",\n')
        out.write("    ]\n\n")
        out.write("    /// Storage SOP Classes (PS3.4 Annex B) and the index of their IOD in `iodNames`.\n")
        out.write("    static let iodOfSOPClass: [String: Int] = [\n")
        out.write("\n".join(sop_lines) + "\n")
        out.write("    ]\n\n")
        out.write(f"    /// {len(lines)} attribute paths (sequence tags from the top level, then the attribute), each with\n")
        out.write("    /// its most common type over the IODs that define it and `iod:type` where an IOD differs.\n")
        out.write("    /// Only attributes of PS3.15 Table E.1-1 and sequences are listed.\n")
        out.write('    static let table = """\n')
        for line in lines:
            out.write(f"    {line}\n")
        out.write('    """\n')
        out.write("}\n")
    print(f"wrote {OUTPUT}: {len(iods)} IODs, {len(sop_lines)} SOP classes, {len(lines)} paths")


if __name__ == "__main__":
    main()
