"""Input and output files paired by relative path (the CLI keeps relative paths), read once, with the
options each output claims and the action that applies to any element of it."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pydicom
from pydicom.dataset import Dataset

from .. import paths
from ..manifest import value_text
from ..rawbytes import scannable
from ..table import Table, claimed_options

#: Actions of an enclosing sequence that let the original contents of its items survive (cleaned).
PASS_THROUGH = {"K", "C", "U", "X/Z/U*"}


@dataclass
class Pair:
    rel: str
    input: Path
    output: Path
    in_ds: Dataset | None = None
    out_ds: Dataset | None = None
    out_bytes: bytes = b""
    options: set[str] = field(default_factory=set)
    unknown_options: list[str] = field(default_factory=list)
    in_error: str = ""
    out_error: str = ""

    @property
    def usable(self) -> bool:
        return self.in_ds is not None and self.out_ds is not None


def read(path: Path) -> tuple[Dataset | None, str]:
    try:
        return pydicom.dcmread(path), ""
    except Exception as error:  # any failure to parse is a finding, whatever its type
        return None, f"{type(error).__name__}: {str(error)[:200]}"


def discover(input_root: Path, output_root: Path, skip: set[str] = frozenset()) -> list[Pair]:
    """Every regular file under ``input_root`` (but ``skip``), paired with the same relative path."""
    pairs = []
    for folder, _, names in os.walk(input_root):
        for name in sorted(names):
            source = Path(folder) / name
            rel = str(source.relative_to(input_root))
            if rel in skip or source.is_symlink():
                continue
            pairs.append(Pair(rel, source, output_root / rel))
    return sorted(pairs, key=lambda p: p.rel)


def load(pair: Pair) -> None:
    pair.in_ds, pair.in_error = read(pair.input)
    if pair.output.exists():
        pair.out_ds, pair.out_error = read(pair.output)
        pair.out_bytes = scannable(pair.output)
        if pair.out_ds is not None:
            pair.options, pair.unknown_options = claimed_options(pair.out_ds)


def effective_action(table: Table, path: paths.Path, options: set[str], out_ds: Dataset | None = None) -> str:
    """The action for the element at ``path``: its own row's, unless an enclosing sequence's action
    removes or replaces the whole item (then "X^": the original may not survive either).

    A D sequence (or a compound resolved to D) that the output keeps with items is a dummy that keeps
    its items' structure (PS3.15 E.1.1: a dummy "consistent with the VR"; the IOD's Type 1 attributes
    inside must stay): its elements are then judged by their own rows, and what the table does not list
    by the code and identifying-substring checks."""
    for depth, (tag, _) in enumerate(path[:-1]):
        row = table.row(tag)
        if row is None or row.action(options) in PASS_THROUGH:
            continue
        action = row.action(options)
        if action in ("X", "Z", "X/Z") or out_ds is None:
            return "X^"
        kept = paths.lookup(out_ds, path[:depth + 1])
        if kept is None or kept.VR != "SQ" or len(kept.value) == 0:
            return "X^"  # removed or emptied: nothing of its items may survive
    row = table.row(path[-1][0])
    return row.action(options) if row is not None else "none"


def text_of(ds: Dataset, path: paths.Path) -> str | None:
    elem = paths.lookup(ds, path)
    if elem is None:
        return None
    return value_text(elem)
