#!/usr/bin/env python3
"""Compares our DICOM reader with pydicom over every file in pydicom's bundled test set.

Our side is the JSON of `ComparisonDump` (Sources/DICOM/Text/ComparisonDump.swift):
  {"transferSyntax": UID, "meta": [E], "elements": [E]}
  E = {"tag": "ggggeeee", "vr": "XX", "value": V, "text": T, "items": [[E], ...]}
  V = little-endian value bytes in hex (<= 64 bytes) or "sha256:<hex>:<length>"; encapsulated pixel data
      is its item stream without the sequence delimiter (as pydicom keeps it); T = decoded text of
      PN/LO/SH/ST/LT/UT/UC values (absent when our reader does not support the character set).
Give it either a folder of those dumps (`--ours DIR`, files `<name>.json`, or `<name>.refused` holding our
error) or a built `portal` executable (`--portal PATH`, which runs `portal dicom dump --json`).

A file passes when
  * both read it and every element matches: same tags, value bytes (big endian converted), VR (UN on either
    side and pydicom's ambiguous "US or SS"/"OB or OW" resolutions accepted), decoded text, items; or
  * pydicom refuses it without force=True and so do we; or
  * we refuse it and dcmtk's dcmdump refuses it too (pydicom reads some truncated or corrupt files silently).
When pydicom needs force=True (no preamble or meta group) and we read the file, pydicom's forced reading
is what we must match. Exit status 1 if any file fails. Usage:
  scripts/dicom-compare.py --portal .build/debug/portal
  scripts/dicom-compare.py --ours /tmp/ours [--files DIR]
  scripts/dicom-compare.py --check-written DIR   # pydicom reads what we wrote: no error, no new warning
"""
import argparse, glob, hashlib, json, os, shutil, subprocess, sys, warnings

import pydicom
from pydicom.dataelem import RawDataElement
from pydicom.datadict import dictionary_VR
from pydicom.filebase import DicomBytesIO
from pydicom.filewriter import write_data_element

warnings.simplefilter("ignore")
TEXT_VRS = {"PN", "LO", "SH", "ST", "LT", "UT", "UC"}
SINGLE_VALUE = {"LT", "ST", "UT", "UR"}
SWAP = {"OW": 2, "US": 2, "SS": 2, "AT": 2, "UL": 4, "SL": 4, "FL": 4, "OF": 4, "OL": 4,
        "FD": 8, "OD": 8, "SV": 8, "UV": 8, "OV": 8}


def digest(data):
    if len(data) <= 64:
        return data.hex()
    return "sha256:%s:%d" % (hashlib.sha256(data).hexdigest(), len(data))


def swapped(data, unit):
    if unit <= 1:
        return data
    out = bytearray(data)
    for i in range(0, len(out) - unit + 1, unit):
        out[i:i + unit] = out[i:i + unit][::-1]
    return bytes(out)


def encoded(elem):
    """Value bytes of an element pydicom already converted while reading, re-encoded little endian."""
    fp = DicomBytesIO()
    fp.is_little_endian, fp.is_implicit_VR = True, False
    write_data_element(fp, elem)
    data = fp.getvalue()
    long_length = data[4:6].decode("latin-1") in ("OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV")
    return data[12:] if long_length else data[8:]


def text_of(value):
    if isinstance(value, (list, tuple)) or type(value).__name__ == "MultiValue":
        return "\\".join(str(v) for v in value)
    if isinstance(value, bytes):
        return None
    return "" if value is None else str(value)


def pydicom_elements(ds, little):
    out = []
    for tag in sorted(ds.keys()):
        raw = ds.get_item(tag)
        try:
            elem = ds[tag]
            vr = elem.VR
        except Exception:
            elem, vr = None, getattr(raw, "VR", None) or "UN"
        entry = {"tag": "%08X" % int(tag), "vr": vr}
        if vr == "SQ" and elem is not None:
            entry["items"] = [pydicom_elements(item, little) for item in elem.value]
        else:
            if isinstance(raw, RawDataElement):
                data = raw.value or b""
                if not little:
                    data = swapped(data, SWAP.get(vr, 1))
            else:
                data = encoded(raw)
            entry["value"] = digest(data)
            if vr in TEXT_VRS and elem is not None:
                entry["text"] = text_of(elem.value)
        out.append(entry)
    return out


def normal_text(text, vr):
    parts = [text] if vr in SINGLE_VALUE else text.split("\\")
    parts = [p.strip(" \0") for p in parts]
    if vr == "PN":  # pydicom's PersonName drops empty trailing component groups and components
        parts = [p.rstrip("=^ ") for p in parts]
    while parts and parts[-1] == "":
        parts.pop()
    return parts


def ambiguous(tag):
    try:
        return " or " in dictionary_VR(int(tag, 16))
    except Exception:
        return False


def compare(ours, theirs, path, problems):
    a = {e["tag"]: e for e in ours}
    b = {e["tag"]: e for e in theirs}
    for tag in sorted(set(a) | set(b)):
        where = path + tag
        if tag not in a or tag not in b:
            problems.append("%s only in %s" % (where, "ours" if tag in a else "pydicom"))
            continue
        x, y = a[tag], b[tag]
        if x["vr"] != y["vr"] and "UN" not in (x["vr"], y["vr"]) and not ambiguous(tag):
            problems.append("%s VR %s vs pydicom %s" % (where, x["vr"], y["vr"]))
        if "items" in x or "items" in y:
            xi, yi = x.get("items"), y.get("items")
            if xi is None or yi is None or len(xi) != len(yi):
                problems.append("%s items differ" % where)
                continue
            for n, (p, q) in enumerate(zip(xi, yi)):
                compare(p, q, "%s[%d]." % (where, n), problems)
            continue
        if x.get("value") != y.get("value"):
            problems.append("%s value %s vs pydicom %s" % (where, x.get("value"), y.get("value")))
        if "text" in x and y.get("text") is not None:
            if normal_text(x["text"], x["vr"]) != normal_text(y["text"], x["vr"]):
                problems.append("%s text %r vs pydicom %r" % (where, x["text"], y["text"]))


def read_pydicom(path):
    try:
        return pydicom.dcmread(path), False, None
    except Exception as error:
        try:
            return pydicom.dcmread(path, force=True), True, error
        except Exception as forced:
            return None, True, forced


def dcmtk_refuses(path):
    if not shutil.which("dcmdump"):
        return False
    run = subprocess.run(["dcmdump", path], capture_output=True, text=True)
    return run.returncode != 0 or "E: " in run.stderr


def our_dump(name, path, args):
    if args.portal:
        run = subprocess.run([args.portal, "dicom", "dump", "--json", path], capture_output=True, text=True)
        if run.returncode == 0:
            return json.loads(run.stdout), None
        return None, run.stderr.strip() or "exit %d" % run.returncode
    base = os.path.join(args.ours, name)
    if os.path.exists(base + ".json"):
        with open(base + ".json") as f:
            return json.load(f), None
    with open(base + ".refused") as f:
        return None, f.read().strip()


def warnings_reading(path, force=False):
    """Reads a file and converts every element; returns the warning messages, or raises."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ds = pydicom.dcmread(path, force=force)
        for elem in ds.iterall():
            _ = elem.value
        for elem in getattr(ds, "file_meta", []):
            _ = elem.value
    return {str(w.message) for w in caught}


def check_written(folder, originals):
    """Reads each file we wrote strictly (no force) and converts every element: it must raise no error and
    no warning beyond those pydicom gives on the original file (invalid values the source already had)."""
    failures = 0
    for path in sorted(glob.glob(os.path.join(folder, "*"))):
        name = os.path.basename(path)
        try:
            new = warnings_reading(path)
            try:
                new -= warnings_reading(os.path.join(originals, name), force=True)
            except Exception:
                pass
            verdict = "ok" if not new else "FAIL: warnings " + "; ".join(sorted(new))
        except Exception as error:
            verdict = "FAIL: %s: %s" % (type(error).__name__, error)
        if verdict != "ok":
            failures += 1
        print("%s: %s" % (name, verdict))
    print("%d file(s) failed" % failures)
    sys.exit(1 if failures else 0)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ours")
    parser.add_argument("--portal")
    parser.add_argument("--check-written")
    parser.add_argument("--files", default=os.path.join(os.path.dirname(pydicom.__file__), "data", "test_files"))
    args = parser.parse_args()
    if args.check_written:
        check_written(args.check_written, args.files)
    if not (args.ours or args.portal):
        parser.error("give --ours DIR or --portal PATH")
    failures = 0
    for path in sorted(p for p in glob.glob(os.path.join(args.files, "*")) if os.path.isfile(p)):
        name = os.path.basename(path)
        ours, our_error = our_dump(name, path, args)
        ds, forced, their_error = read_pydicom(path)
        if ours is None:
            if forced:
                verdict = "ok: refused (pydicom refuses without force)"
            elif dcmtk_refuses(path):
                verdict = "ok: refused (dcmtk refuses too; pydicom reads it)"
            else:
                verdict = "FAIL: we refuse (%s), pydicom reads it" % our_error
        elif ds is None:
            verdict = "FAIL: we read it, pydicom refuses even with force (%s)" % their_error
        else:
            problems = []
            little = ds.original_encoding[1] if ds.original_encoding[1] is not None else True
            meta = pydicom_elements(ds.file_meta, True) if getattr(ds, "file_meta", None) else []
            compare(ours["meta"], meta, "meta:", problems)
            compare(ours["elements"], pydicom_elements(ds, little), "", problems)
            verdict = "ok: same elements" + (" (pydicom with force)" if forced else "")
            if problems:
                verdict = "FAIL: " + "; ".join(problems[:8]) + (" ..." if len(problems) > 8 else "")
        if verdict.startswith("FAIL"):
            failures += 1
        print("%s: %s" % (name, verdict))
    print("%d file(s) failed" % failures)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
