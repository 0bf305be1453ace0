"""Independent de-identification audit: a planted-value corpus generator and a checker.

Built from DICOM PS3.15 (Annex E, Table E.1-1 and the option texts of E.3) and PS3.3, never from the
engine under test. ``make-corpus.py`` and ``check.py`` beside this package are the entry points.
"""
