"""Customizations for Control Tower: the manifest model (and the interpreter that deploys it)."""

from cfct_backup.cfct.manifest import (
    Manifest,
    ManifestError,
    ManifestResource,
    check_manifest,
    load_manifest,
    parse_manifest,
)

__all__ = [
    "Manifest",
    "ManifestError",
    "ManifestResource",
    "check_manifest",
    "load_manifest",
    "parse_manifest",
]
