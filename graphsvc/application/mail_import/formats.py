"""Which files the mail importer reads, decided without loading its readers' libraries
(``graphsvc import bundle.json`` asks this first, and should not pay for icalendar)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Final

SUFFIXES: Final = {".mbox": "mbox", ".mbx": "mbox", ".eml": "eml", ".ics": "ics", ".vcf": "vcf", ".vcard": "vcf"}


def eml_files(folder: Path) -> Iterator[Path]:
    """The ``.eml`` files in a folder and its subfolders, in a stable order."""
    return iter(sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() == ".eml"))


def is_mail_input(paths: Iterable[Path]) -> bool:
    """Files this importer reads: by suffix, or a folder holding ``.eml`` files."""
    paths = list(paths)
    return bool(paths) and all(
        p.suffix.lower() in SUFFIXES or (p.is_dir() and next(eml_files(p), None) is not None) for p in paths
    )
