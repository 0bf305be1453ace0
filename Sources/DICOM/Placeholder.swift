public enum DICOMModule {}
