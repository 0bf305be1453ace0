"""Tag paths: where an element sits in a data set, written so people and programs can read it.

A path is a tuple of steps ``(tag, item_index)``; the last step's index is None. Its text form is
``0040A730[1].0040A160`` (hex tags, item indices in brackets), and ``describe`` adds keywords.
"""

from __future__ import annotations

from collections.abc import Iterator

from pydicom.datadict import keyword_for_tag
from pydicom.dataset import Dataset
from pydicom.dataelem import DataElement

Path = tuple[tuple[int, int | None], ...]


def to_text(path: Path) -> str:
    """``0040A730[1].0040A160``."""
    parts = []
    for tag, index in path:
        parts.append(f"{tag:08X}" + (f"[{index}]" if index is not None else ""))
    return ".".join(parts)


def from_text(text: str) -> Path:
    """The inverse of ``to_text``."""
    steps = []
    for part in text.split("."):
        if "[" in part:
            tag, index = part[:-1].split("[")
            steps.append((int(tag, 16), int(index)))
        else:
            steps.append((int(part, 16), None))
    return tuple(steps)


def describe(path: Path | str) -> str:
    """``ContentSequence[1].TextValue (0040A730[1].0040A160)``: keywords for people, hex for programs."""
    if isinstance(path, str):
        path = from_text(path)
    names = []
    for tag, index in path:
        name = keyword_for_tag(tag) or (f"({tag >> 16:04X},{tag & 0xFFFF:04X})")
        names.append(name + (f"[{index}]" if index is not None else ""))
    return ".".join(names) + f" ({to_text(path)})"


def walk(ds: Dataset, prefix: Path = ()) -> Iterator[tuple[Path, DataElement]]:
    """Every element of ``ds`` at every depth, parents before their items' elements."""
    for elem in ds:
        path = prefix + ((elem.tag, None),)
        yield path, elem
        if elem.VR == "SQ" and elem.value is not None:
            for index, item in enumerate(elem.value):
                yield from walk(item, prefix + ((elem.tag, index),))


def lookup(ds: Dataset, path: Path) -> DataElement | None:
    """The element at ``path`` in ``ds``, or None when any step is missing."""
    current = ds
    for depth, (tag, index) in enumerate(path):
        if tag not in current:
            return None
        elem = current[tag]
        if depth == len(path) - 1:
            return elem
        if elem.VR != "SQ" or index is None or elem.value is None or index >= len(elem.value):
            return None
        current = elem.value[index]
    return None


def parent_exists(ds: Dataset, path: Path) -> bool:
    """Whether the item that would hold the element at ``path`` exists in ``ds``."""
    if len(path) == 1:
        return True
    parent = lookup(ds, path[:-1][:-1] + ((path[-2][0], None),))
    if parent is None or parent.VR != "SQ" or parent.value is None:
        return False
    return path[-2][1] is not None and path[-2][1] < len(parent.value)


def sequence_ancestors(path: Path) -> list[int]:
    """The tags of the sequences that enclose the element at ``path`` (outermost first)."""
    return [tag for tag, index in path[:-1]]
