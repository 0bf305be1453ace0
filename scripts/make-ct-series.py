#!/usr/bin/env python3
"""Writes a synthetic chest CT series for the de-identification benchmark: by default 600 axial slices
of 512 x 512 16-bit pixels (about 300 MB), explicit VR little endian, one file per slice.

Each slice carries what a scanner's output carries and the de-identifier must handle: patient name, ID,
birth date, dates and times, institution and physician names, device serial number, study, series,
frame of reference and SOP instance UIDs, a referenced image sequence, free-text descriptions and a
private block. The pixels are a body-shaped ellipse with lungs and noise, different on every slice, so
compressors and caches see realistic data. Deterministic for a given --seed.

    scripts/make-ct-series.py OUT_DIR [--slices 600] [--size 512] [--seed 1]

Needs pydicom and numpy (scripts/bootstrap --test installs pydicom).
"""
import argparse
import os

import numpy as np
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian, generate_uid

ROOT = "1.2.826.0.1.3680043.10.1471."  # pydicom's prefix arc, private to this generator


def slice_pixels(index, count, size, rng):
    y, x = np.mgrid[0:size, 0:size].astype(np.float32)
    cx = cy = size / 2
    z = index / max(1, count - 1)
    body = ((x - cx) / (0.45 * size)) ** 2 + ((y - cy) / (0.32 * size)) ** 2 <= 1
    lung_r = ((x - cx - 0.16 * size) / (0.12 * size)) ** 2 + ((y - cy) / (0.2 * size * (0.6 + 0.4 * z))) ** 2 <= 1
    lung_l = ((x - cx + 0.16 * size) / (0.12 * size)) ** 2 + ((y - cy) / (0.2 * size * (0.6 + 0.4 * z))) ** 2 <= 1
    hu = np.full((size, size), -1000, dtype=np.float32)
    hu[body] = 40
    hu[lung_r | lung_l] = -850
    hu += rng.normal(0, 12, (size, size)).astype(np.float32)
    stored = np.clip(hu + 1024, 0, 4095).astype("<u2")  # RescaleIntercept -1024
    return stored.tobytes()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out")
    parser.add_argument("--slices", type=int, default=600)
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rng = np.random.default_rng(args.seed)
    study = ROOT + "1.%d" % args.seed
    series = ROOT + "2.%d" % args.seed
    frame = ROOT + "3.%d" % args.seed
    previous = None
    for index in range(args.slices):
        sop = ROOT + "4.%d.%d" % (args.seed, index + 1)
        meta = FileMetaDataset()
        meta.MediaStorageSOPClassUID = CTImageStorage
        meta.MediaStorageSOPInstanceUID = sop
        meta.TransferSyntaxUID = ExplicitVRLittleEndian
        meta.ImplementationClassUID = ROOT + "9"
        ds = Dataset()
        ds.file_meta = meta
        ds.SpecificCharacterSet = "ISO_IR 192"
        ds.ImageType = ["ORIGINAL", "PRIMARY", "AXIAL"]
        ds.InstanceCreationDate = "20250314"
        ds.InstanceCreationTime = "101502"
        ds.SOPClassUID = CTImageStorage
        ds.SOPInstanceUID = sop
        ds.StudyDate = ds.SeriesDate = ds.AcquisitionDate = ds.ContentDate = "20250314"
        ds.StudyTime = "101000"
        ds.SeriesTime = "101200"
        ds.AcquisitionTime = ds.ContentTime = "1013%02d.%06d" % (index // 100, index)
        ds.AccessionNumber = "ACC%07d" % (args.seed * 7919)
        ds.Modality = "CT"
        ds.Manufacturer = "ACME Imaging"
        ds.InstitutionName = "Hôpital Saint-Exemple"
        ds.InstitutionAddress = "1 rue de l'Exemple, Paris"
        ds.ReferringPhysicianName = "Martin^Claire"
        ds.StationName = "CTROOM2"
        ds.StudyDescription = "CT THORAX Dupont follow-up"
        ds.SeriesDescription = "Lung 1.0 B70f"
        ds.OperatorsName = "Durand^Paul"
        ds.ManufacturerModelName = "Lung 9"
        if previous:
            ref = Dataset()
            ref.ReferencedSOPClassUID = CTImageStorage
            ref.ReferencedSOPInstanceUID = previous
            ds.ReferencedImageSequence = Sequence([ref])
        ds.PatientName = "Dupont^Jean-François"
        ds.PatientID = "IPP%08d" % (args.seed * 104729)
        ds.PatientBirthDate = "19580722"
        ds.PatientSex = "M"
        ds.PatientAge = "066Y"
        ds.PatientWeight = "78"
        ds.BodyPartExamined = "CHEST"
        ds.SliceThickness = "1.0"
        ds.KVP = "120"
        ds.DeviceSerialNumber = "SN-48213"
        ds.ProtocolName = "Thorax Dupont"
        ds.PatientPosition = "FFS"
        ds.add_new(0x00291010, "LO", "ACME private")
        ds.add_new(0x00290010, "LO", "ACME CT 1.0")
        ds.add_new(0x00291011, "LO", "operator Durand")
        ds.StudyInstanceUID = study
        ds.SeriesInstanceUID = series
        ds.StudyID = "S%05d" % args.seed
        ds.SeriesNumber = "3"
        ds.AcquisitionNumber = "1"
        ds.InstanceNumber = str(index + 1)
        ds.ImagePositionPatient = ["-250", "-250", "%.1f" % (-index * 1.0)]
        ds.ImageOrientationPatient = ["1", "0", "0", "0", "1", "0"]
        ds.FrameOfReferenceUID = frame
        ds.PositionReferenceIndicator = ""
        ds.SliceLocation = "%.1f" % (-index * 1.0)
        ds.SamplesPerPixel = 1
        ds.PhotometricInterpretation = "MONOCHROME2"
        ds.Rows = ds.Columns = args.size
        ds.PixelSpacing = ["0.7", "0.7"]
        ds.BitsAllocated = 16
        ds.BitsStored = 12
        ds.HighBit = 11
        ds.PixelRepresentation = 0
        ds.BurnedInAnnotation = "NO"
        ds.WindowCenter = "-600"
        ds.WindowWidth = "1600"
        ds.RescaleIntercept = "-1024"
        ds.RescaleSlope = "1"
        ds.PixelData = slice_pixels(index, args.slices, args.size, rng)
        ds["PixelData"].VR = "OW"
        ds.save_as(os.path.join(args.out, "CT%04d.dcm" % (index + 1)), enforce_file_format=True)
        previous = sop
    print("wrote %d slices to %s" % (args.slices, args.out))


if __name__ == "__main__":
    main()
