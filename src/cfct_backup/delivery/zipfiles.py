"""Deterministic zip files: the same inputs give byte-identical archives.

Every entry gets the same timestamp (1980-01-01, the earliest a zip can hold), the same
permissions (0644 regular file, Unix host), DEFLATE at level 9, and entries are written in sorted
order. No directory entries are written: `unzip`, Lambda and `zipimport` do not need them.
"""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Mapping
from pathlib import Path

from cfct_backup.delivery import DeliveryError

FIXED_DATE_TIME = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o100644  # regular file, rw-r--r--
UNIX_HOST = 3


def write_zip(dest: Path, entries: Mapping[str, Path | bytes]) -> None:
    """Write `entries` (archive name -> source file or bytes) to `dest`, deterministically."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".tmp")
    with zipfile.ZipFile(tmp, "w") as zf:
        for name in sorted(entries):
            if name.startswith("/") or ".." in name.split("/") or "\\" in name:
                raise ValueError(f"unsafe archive name: {name}")
            source = entries[name]
            data = source if isinstance(source, bytes) else source.read_bytes()
            info = zipfile.ZipInfo(name, date_time=FIXED_DATE_TIME)
            info.create_system = UNIX_HOST
            info.external_attr = FILE_MODE << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    tmp.replace(dest)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def extract_zip(source: Path, root: Path) -> None:
    """Unpack `source` under `root`; an entry that would land outside `root` stops it."""
    with zipfile.ZipFile(source) as zf:
        for info in zf.infolist():
            dest = root / info.filename
            if not dest.resolve().is_relative_to(root.resolve()):
                raise DeliveryError(f"{source}: unsafe entry {info.filename}")
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(zf.read(info))
