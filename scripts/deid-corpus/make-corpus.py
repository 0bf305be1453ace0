#!/usr/bin/env python3
"""Writes a de-identification audit corpus: valid DICOM Part 10 files with a distinct planted value in
every attribute of PS3.15 Table E.1-1, and a manifest saying where each value is and which row governs it.

Usage: make-corpus.py OUT [--seed N] [--validate]

Writes OUT/dicom/… (the tree to give the de-identifier) and OUT/manifest.json (paths relative to OUT/dicom).
With --split, also OUT/split-1 and OUT/split-2: the same files (hard links, same relative paths) cut in
two, the documents and the later visit first and the images they reference second, for two runs of the
de-identifier into one output folder whose union must be as consistent as one run.

The corpus (see README.md): patient A with two studies (CT, a reformat referencing it, Enhanced CT, KOS,
GSPS, Comprehensive SR; a later visit in ISO_IR 100 and ISO_IR 192 with a KOS referencing both visits),
patient B, and patient C who shares A's Patient ID under another issuer. Files use four transfer
syntaxes and sit in a shuffled folder tree under OUT/dicom; OUT/manifest.json describes them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pydicom.dataset import Dataset, FileMetaDataset  # noqa: E402
from pydicom.uid import (DeflatedExplicitVRLittleEndian, ExplicitVRBigEndian,  # noqa: E402
                         ExplicitVRLittleEndian, ImplicitVRLittleEndian, PYDICOM_IMPLEMENTATION_UID)

from deidcorpus import documents, images, planting, validators  # noqa: E402
from deidcorpus.documents import Instance  # noqa: E402
from deidcorpus.identity import Patient, Series, SharedValues, Study  # noqa: E402
from deidcorpus.manifest import Manifest  # noqa: E402
from deidcorpus.modules import Context  # noqa: E402
from deidcorpus.rawbytes import scannable  # noqa: E402
from deidcorpus.table import Table  # noqa: E402
from deidcorpus.values import ValueFactory, token  # noqa: E402

SYNTAXES = {
    "explicit-le": ExplicitVRLittleEndian,
    "implicit-le": ImplicitVRLittleEndian,
    "explicit-be": ExplicitVRBigEndian,
    "deflated": DeflatedExplicitVRLittleEndian,
}


def make_patients() -> dict[str, Patient]:
    """A and C share a Patient ID under different issuers: two people, two pseudonyms."""
    return {
        "A": Patient("A", "DUPONT^JEAN^PIERRE^M^", "8812345", "CHU-PLANTED-IPP", dt.date(1961, 4, 17), "M",
                     ["NIP0045512"], ["0612345678", "1610475123456"]),
        "B": Patient("B", "MARTINEAU^SOPHIE^^MME^", "7723456", "CHU-PLANTED-IPP", dt.date(1974, 11, 3), "F",
                     ["NIP0077211"], ["0698765432", "2741175987654"]),
        "C": Patient("C", "LEFEBVRE^PAUL", "8812345", "CLINIQUE-NORD-IPP", dt.date(1958, 2, 28), "M",
                     ["NIP0099123"], ["0611223344", "1580275111222"]),
    }


class CorpusBuilder:
    """Builds the files in study order, then writes them in a shuffled tree."""

    def __init__(self, out: Path, seed: int, table: Table):
        self.root = out
        self.out = out / "dicom"
        self.seed = seed
        self.table = table
        self.factory = ValueFactory(seed)
        self.sv = SharedValues(self.factory)
        self.manifest = Manifest(table, seed)
        self.patients = make_patients()
        self.files: list[tuple[str, Dataset, dict]] = []  # (key, data set, info)

    # -- identities ------------------------------------------------------------------------------
    def study(self, key: str, patient: str, date: dt.date, time: str, accession: str) -> Study:
        study = Study(key, self.patients[patient], self.factory.uid(), date, time, accession, f"S{key}")
        self.manifest.data["studies"][key] = {
            "patient": patient, "uid": study.uid, "date": date.isoformat(),
            "identifying_parts": study.identifying_parts()}
        return study

    def series(self, study: Study, number: int, modality: str, frame_of_reference: str | None = None) -> Series:
        return Series(f"{study.key}S{number}", study, self.factory.uid(), number, modality, frame_of_reference)

    def context(self, series: Series, file_key: str) -> Context:
        return Context(self.sv, series.study.patient, series.study, series, file_key, len(self.files))

    def add(self, key: str, ds: Dataset, ctx: Context, syntax: str, iod: str, *, private: bool = True,
            large: bool = False, after_pixels: int | None = None, padding: bool = False,
            carrier: bool = False) -> Instance:
        """Finishes one file: generic planting, private elements, and its place in the list."""
        planting.plant_rows(ds, ctx, self.table, iod, carrier)
        if private:
            planting.plant_private(ds, ctx, large=large)
        if after_pixels:
            planting.plant_after_pixels(ds, ctx, after_pixels, padding)
        info = {"key": key, "patient": ctx.patient.key, "study": ctx.study.key, "series": ctx.series.key,
                "iod": iod, "sop_class": str(ds.SOPClassUID), "transfer_syntax": str(SYNTAXES[syntax]),
                "charset": str(ds.get("SpecificCharacterSet", "")) or "ISO_IR 6"}
        self.files.append((key, ds, info))
        return Instance(str(ds.SOPClassUID), str(ds.SOPInstanceUID), str(ds.SeriesInstanceUID),
                        str(ds.StudyInstanceUID))

    # -- the corpus ------------------------------------------------------------------------------
    def build(self) -> None:
        f = self.factory
        a1 = self.study("A1", "A", dt.date(2019, 3, 12), "083012.913579", "A19884512")
        a2 = self.study("A2", "A", dt.date(2020, 9, 22), "235958.250000", "A20990731")
        b1 = self.study("B1", "B", dt.date(2019, 6, 5), "000030.500000", "B19557301")
        c1 = self.study("C1", "C", dt.date(2018, 12, 31), "141500.000077", "C18000456")
        for key, p in self.patients.items():
            self.manifest.data["patients"][key] = {
                "PatientID": p.patient_id, "IssuerOfPatientID": p.issuer, "PatientName": p.name,
                "identifying_parts": p.identifying_parts()}

        # Study A1: four axial slices in four transfer syntaxes.
        axial = self.series(a1, 1, "CT", f.uid())
        axial_uids = [f.uid() for _ in range(4)]
        axial_instances = []
        plan = [("explicit-le", dict(large=True)), ("implicit-le", {}), ("explicit-be", dict(after_pixels=0x7FE1)),
                ("deflated", dict(after_pixels=0x7FE3, padding=True))]
        for i, (syntax, extra) in enumerate(plan):
            key = f"A1-CT-{i + 1}"
            ctx = self.context(axial, key)
            ds = images.ct_slice(ctx, axial_uids[i], i, -100.0 + 1.25 * i, big_endian=syntax == "explicit-be")
            if i == 0:
                images.add_overlay(ds, token(f.next_serial()))
            if i == 1:
                images.add_curve(ds, token(f.next_serial()))
                ds.ReferencedImageSequence = _refs([(images.CT_IMAGE, axial_uids[0]), (images.CT_IMAGE, axial_uids[2])])
            axial_instances.append(self.add(key, ds, ctx, syntax, "CT", **extra))

        reformat = self.series(a1, 2, "CT", axial.frame_of_reference)
        reformat_instances = []
        for i in range(2):
            key = f"A1-MPR-{i + 1}"
            ctx = self.context(reformat, key)
            sources = [(images.CT_IMAGE, uid) for uid in axial_uids[i * 2:i * 2 + 2]]
            ds = images.reformat(ctx, f.uid(), i, sources)
            reformat_instances.append(self.add(key, ds, ctx, "explicit-le", "CT"))

        enhanced = self.series(a1, 3, "CT", axial.frame_of_reference)
        ctx = self.context(enhanced, "A1-ENHCT")
        self.add("A1-ENHCT", images.enhanced_ct(ctx, f.uid()), ctx, "explicit-le", "EnhancedCT")

        kos_series = self.series(a1, 4, "KO")
        ctx = self.context(kos_series, "A1-KOS")
        kos = documents.key_object_selection(ctx, f.uid(), axial_instances[:2] + reformat_instances[:1])
        self.add("A1-KOS", kos, ctx, "explicit-le", "KOS")

        pr_series = self.series(a1, 5, "PR")
        ctx = self.context(pr_series, "A1-GSPS")
        self.add("A1-GSPS", documents.gsps(ctx, f.uid(), axial_instances[:3]), ctx, "implicit-le", "GSPS")

        sr_series = self.series(a1, 6, "SR")
        ctx = self.context(sr_series, "A1-SR")
        sr = documents.comprehensive_sr(ctx, f.uid(), axial_instances[:2], axial.uid)
        self.add("A1-SR", sr, ctx, "explicit-le", "ComprehensiveSR")

        # Study A2: a later visit, in ISO_IR 100 and ISO_IR 192, and a KOS citing both visits.
        visit = self.series(a2, 1, "CT", f.uid())
        visit_instances = []
        for i, charset in enumerate(["ISO_IR 100", "ISO_IR 192"]):
            key = f"A2-CT-{i + 1}"
            ctx = self.context(visit, key)
            ds = images.ct_slice(ctx, f.uid(), 20 + i, -50.0 + 1.25 * i, charset=charset)
            if i == 1:  # acquired after midnight: the date+time pair must carry over together
                ds.AcquisitionDate = (a2.date + dt.timedelta(days=1)).strftime("%Y%m%d")
                ds.AcquisitionTime = "000003.125000"
            international_names(ds, ctx, charset)
            visit_instances.append(self.add(key, ds, ctx, "explicit-le", "CT"))
        kos_series2 = self.series(a2, 2, "KO")
        ctx = self.context(kos_series2, "A2-KOS")
        kos2 = documents.key_object_selection(ctx, f.uid(), visit_instances[:1] + axial_instances[1:2])
        self.add("A2-KOS", kos2, ctx, "implicit-le", "KOS")

        # Patient B and patient C.
        b_series = self.series(b1, 1, "CT", f.uid())
        for i, syntax in enumerate(["explicit-le", "implicit-le"]):
            key = f"B1-CT-{i + 1}"
            ctx = self.context(b_series, key)
            self.add(key, images.ct_slice(ctx, f.uid(), 30 + i, 10.0 + 1.25 * i), ctx, syntax, "CT")
        c_series = self.series(c1, 1, "CT", f.uid())
        ctx = self.context(c_series, "C1-CT-1")
        self.add("C1-CT-1", images.ct_slice(ctx, f.uid(), 40, 0.0), ctx, "explicit-le", "CT", carrier=True)

    # -- writing -------------------------------------------------------------------------------
    def split(self) -> None:
        """OUT/split-1 (KOS, GSPS, SR, reformats, visit A2, patient C) and OUT/split-2 (the rest)."""
        for rel, info in self.manifest.data["files"].items():
            first = info["iod"] in ("KOS", "GSPS", "ComprehensiveSR") or "MPR" in info["key"] \
                or info["study"] in ("A2", "C1")
            target = self.root / ("split-1" if first else "split-2") / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():
                target.unlink()
            os.link(self.out / rel, target)
            info["split"] = 1 if first else 2
        (self.root / "manifest.json").write_text(json.dumps(self.manifest.data, indent=1, ensure_ascii=False))

    def write(self) -> list[str]:
        """Writes the files in a shuffled folder tree; returns the needles that could not be found."""
        rng = random.Random(self.seed)
        order = list(self.files)
        rng.shuffle(order)
        lost = []
        for index, (key, ds, info) in enumerate(order):
            folder = rng.choice(["inbox", "pacs-export/batch-7", "pacs-export/batch-2", "usb/DICOM/0001"])
            name = f"IM{rng.randrange(10**6):06d}" + (".dcm" if index % 3 else "")
            rel = f"{folder}/{rng.randrange(16**4):04x}/{name}"
            target = self.out / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            syntax = info["transfer_syntax"]
            meta = FileMetaDataset()
            meta.MediaStorageSOPClassUID = ds.SOPClassUID
            meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
            meta.TransferSyntaxUID = syntax
            meta.ImplementationClassUID = PYDICOM_IMPLEMENTATION_UID
            meta.ImplementationVersionName = "DEIDCORPUS_1"
            ds.file_meta = meta
            ds.preamble = b"\0" * 128
            ds.save_as(target, enforce_file_format=True)
            self.manifest.add_file(rel, ds, info, self.sv.descriptors)
            lost += [f"{rel}: {n}" for n in self.manifest.check_needles(rel, scannable(target))]
        (self.root / "manifest.json").write_text(json.dumps(self.manifest.data, indent=1, ensure_ascii=False))
        return lost


def _refs(pairs: list[tuple[str, str]]):
    from pydicom.sequence import Sequence
    items = []
    for sop_class, uid in pairs:
        item = Dataset()
        item.ReferencedSOPClassUID = sop_class
        item.ReferencedSOPInstanceUID = uid
        items.append(item)
    return Sequence(items)


def international_names(ds: Dataset, ctx: Context, charset: str) -> None:
    """Non-ASCII names and descriptions in the file's own character set (planted, distinct)."""
    t = token(ctx.factory.next_serial())
    t2 = token(ctx.factory.next_serial())
    t3 = token(ctx.factory.next_serial())
    if charset == "ISO_IR 100":
        ds.PatientBirthName = f"GRÜNWALD-{t}^HÉLOÏSE"
        ds.PatientMotherBirthName = f"LEFÈVRE-{t2}^ANNE-SOPHIE"
        ds.ResponsiblePerson = f"NOËL-{t3}^FRANÇOIS"
        ds.InstitutionName = "Hôpital Sainte-Thérèse de Plantéville"
    else:
        ds.PatientBirthName = f"Yamada-{t}^Hanako=山田^花子=やまだ^はなこ"
        ds.PatientMotherBirthName = f"ŁUKASIEWICZ-{t2}^ŻANETA"
        ds.ResponsiblePerson = f"Κωνσταντίνου-{t3}^Ελένη"
        ds.InstitutionName = "Клиника Плантвиль"


def validate(out: Path, rels: list[str]) -> int:
    """Runs dciodvfy on every file and prints its error lines; returns how many there were."""
    total = 0
    for rel in rels:
        errors = [line for line in validators.dciodvfy(out / rel) if line.startswith("Error")]
        total += len(errors)
        print(f"{rel}: {len(errors)} dciodvfy error(s)")
        for line in errors:
            print(f"    {line}")
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path, help="folder to write dicom/ and manifest.json into")
    parser.add_argument("--seed", type=int, default=20240417, help="makes every UID and value differ per seed")
    parser.add_argument("--validate", action="store_true", help="run dciodvfy on each file and print errors")
    parser.add_argument("--split", action="store_true", help="also write OUT/split-1 and OUT/split-2 (hard links)")
    parser.add_argument("--table", type=Path, help="Table E.1-1 JSON (default: shared/dicom beside the repo)")
    args = parser.parse_args()
    builder = CorpusBuilder(args.out, args.seed, Table(args.table))
    builder.build()
    lost = builder.write()
    if args.split:
        builder.split()
    for line in lost:
        print(f"warning: needle not found in its own file: {line}", file=sys.stderr)
    files = builder.manifest.data["files"]
    print(f"wrote {len(files)} files to {builder.out} and {args.out / 'manifest.json'} "
          f"({len(builder.manifest.data['planted'])} planted values)")
    if args.validate:
        validate(builder.out, sorted(files))
    return 0


if __name__ == "__main__":
    sys.exit(main())
