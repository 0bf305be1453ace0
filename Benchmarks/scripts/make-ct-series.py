#!/usr/bin/env python3
"""Writes a synthetic CT series for the de-identification benchmark (never committed: made into /tmp).

Each slice is a 512x512 16-bit CT image in explicit VR little endian with the identifying attributes a
real scanner writes (names, IDs, dates, institution, device, UIDs), a nested sequence and a private block,
so the de-identifiers have real work to do on every file.

Usage: make-ct-series.py OUT_DIR [--slices 600] [--size 512]
Writes OUT_DIR/slice-0001.dcm ... and OUT_DIR/.complete when done (the runner reuses a complete series).
"""
import argparse
import os
import sys

import numpy as np
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian, generate_uid

ROOT = "1.2.826.0.1.3680043.8.498."  # pydicom's UID root, for synthetic data


def make_slice(index, count, size, pixels, study_uid, series_uid, frame_uid):
    sop_uid = generate_uid(prefix=ROOT)
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = CTImageStorage
    meta.MediaStorageSOPInstanceUID = sop_uid
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    meta.ImplementationClassUID = ROOT + "1"

    ds = Dataset()
    ds.file_meta = meta
    ds.SpecificCharacterSet = "ISO_IR 100"
    ds.ImageType = ["ORIGINAL", "PRIMARY", "AXIAL"]
    ds.SOPClassUID = CTImageStorage
    ds.SOPInstanceUID = sop_uid
    ds.StudyDate = ds.SeriesDate = ds.AcquisitionDate = ds.ContentDate = "20250314"
    ds.StudyTime = ds.SeriesTime = "101500"
    ds.AcquisitionTime = ds.ContentTime = "1015%02d" % (index % 60)
    ds.AccessionNumber = "ACC20250314001"
    ds.Modality = "CT"
    ds.Manufacturer = "Example Medical"
    ds.InstitutionName = "Hôpital Saint-Exemple"
    ds.InstitutionAddress = "1 Rue de l'Exemple, 75000 Paris"
    ds.ReferringPhysicianName = "Martin^Claire^^Dr"
    ds.StationName = "CT-SCANNER-01"
    ds.StudyDescription = "CT THORAX sans injection"
    ds.SeriesDescription = "Poumon 1.0 mm"
    ds.PerformingPhysicianName = "Bernard^Luc"
    ds.OperatorsName = "Petit^Anne"
    ds.ManufacturerModelName = "Model X"
    ds.PatientName = "Dupont^Jeanne^Marie"
    ds.PatientID = "PAT-000123456"
    ds.PatientBirthDate = "19560721"
    ds.PatientSex = "F"
    ds.PatientAge = "068Y"
    ds.PatientWeight = "61"
    ds.OtherPatientIDs = "NIR-2560775123456"
    ds.PatientAddress = "12 Rue des Lilas, 69000 Lyon"
    ds.EthnicGroup = "N/A"
    ds.PatientComments = "Suivi nodule LSD"
    ds.SliceThickness = "1.0"
    ds.KVP = "120"
    ds.DeviceSerialNumber = "SN-99887766"
    ds.SoftwareVersions = "VA40"
    ds.ProtocolName = "Thorax standard"
    ds.PatientPosition = "FFS"
    ds.StudyInstanceUID = study_uid
    ds.SeriesInstanceUID = series_uid
    ds.StudyID = "4711"
    ds.SeriesNumber = "3"
    ds.InstanceNumber = str(index + 1)
    ds.ImagePositionPatient = ["-250.0", "-250.0", "%.1f" % (-index * 1.0)]
    ds.ImageOrientationPatient = ["1", "0", "0", "0", "1", "0"]
    ds.FrameOfReferenceUID = frame_uid
    ds.SliceLocation = "%.1f" % (-index * 1.0)

    request = Dataset()
    request.RequestedProcedureID = "RP-5544"
    request.ScheduledProcedureStepID = "SPS-5544"
    request.RequestingPhysician = "Durand^Paul"
    ds.RequestAttributesSequence = Sequence([request])
    referenced = Dataset()
    referenced.ReferencedSOPClassUID = CTImageStorage
    referenced.ReferencedSOPInstanceUID = generate_uid(prefix=ROOT)
    ds.ReferencedStudySequence = Sequence([referenced])

    block = ds.private_block(0x0029, "EXAMPLE MEDICAL 1.0", create=True)
    block.add_new(0x10, "LO", "Operator badge 0042")
    block.add_new(0x11, "OB", bytes(range(256)) * 16)

    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.Rows = size
    ds.Columns = size
    ds.PixelSpacing = ["0.7", "0.7"]
    ds.BitsAllocated = 16
    ds.BitsStored = 12
    ds.HighBit = 11
    ds.PixelRepresentation = 0
    ds.RescaleIntercept = "-1024"
    ds.RescaleSlope = "1"
    ds.WindowCenter = "-600"
    ds.WindowWidth = "1600"
    ds.PixelData = np.roll(pixels, index * 7).tobytes()
    return ds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--slices", type=int, default=600)
    parser.add_argument("--size", type=int, default=512)
    args = parser.parse_args()

    os.makedirs(args.out, exist_ok=True)
    marker = os.path.join(args.out, ".complete")
    if os.path.exists(marker):
        os.remove(marker)
    rng = np.random.default_rng(20250314)
    # Soft-tissue-like values with noise (12 bits stored), so pixel data does not compress to nothing.
    base = rng.normal(1024, 180, size=(args.size, args.size)).clip(0, 4095).astype("<u2")
    study_uid = generate_uid(prefix=ROOT)
    series_uid = generate_uid(prefix=ROOT)
    frame_uid = generate_uid(prefix=ROOT)
    total = 0
    for index in range(args.slices):
        ds = make_slice(index, args.slices, args.size, base, study_uid, series_uid, frame_uid)
        path = os.path.join(args.out, "slice-%04d.dcm" % (index + 1))
        ds.save_as(path, enforce_file_format=True)
        total += os.path.getsize(path)
    with open(marker, "w") as handle:
        handle.write("%d %d %d\n" % (args.slices, args.size, total))
    print("wrote %d slices, %d bytes, into %s" % (args.slices, total, args.out))


if __name__ == "__main__":
    sys.exit(main())
