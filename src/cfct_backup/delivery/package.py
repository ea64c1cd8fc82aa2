"""Build the two artifacts of a release from a source tree.

- `cfct-backup-automation.zip`: the `lambdas/cfct_backup_automation` package and the vendored
  third-party code (see `dependencies`), at the zip root, as Lambda unpacks it into /var/task.
- `custom-control-tower-configuration.zip`: `manifest.yaml` at its root, every file under
  `templates/`, `policies/` and `parameters/`, and every local `resource_file` / `parameter_file`
  the manifest names (so a file outside those folders still arrives, and a missing one is an
  error here rather than in the CfCT pipeline). Nothing else: no tests, virtual environments,
  caches or hidden files. It also carries `cfct-backup-package.json`, the SHA-256 of the Lambda
  zip built with it: the manifest reads the Lambda's S3 version through SSM, so without this
  record a change to Lambda code alone would leave the configuration byte-identical and CfCT
  would never run again to deploy it.

Both zips are deterministic (see `zipfiles`).
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from cfct_backup import __version__
from cfct_backup.delivery import CONFIG_ZIP_NAME, LAMBDA_ZIP_NAME, PACKAGE_RECORD_NAME, DeliveryError
from cfct_backup.delivery.dependencies import DependencySource, Pin, vendored_pins
from cfct_backup.delivery.zipfiles import sha256_file, write_zip

LAMBDA_PACKAGE = "cfct_backup_automation"
CONFIG_DIRS = ("templates", "policies", "parameters")
MANIFEST = "manifest.yaml"

# Never shipped, wherever they appear.
_EXCLUDED_DIRS = {"__pycache__", "tests", "test", "node_modules", "venv"}
_EXCLUDED_SUFFIXES = (".pyc", ".pyo", ".swp", ".tmp", "~")


@dataclass(frozen=True)
class Artifact:
    path: Path
    size: int
    sha256: str
    entries: int

    @classmethod
    def of(cls, path: Path, entries: int) -> Artifact:
        return cls(path, path.stat().st_size, sha256_file(path), entries)

    def line(self) -> str:
        return f"{self.path}  {self.size} bytes  {self.entries} files  sha256 {self.sha256}"


@dataclass(frozen=True)
class BuiltPackage:
    lambda_zip: Artifact
    config_zip: Artifact
    pins: tuple[Pin, ...]


def _shipped(rel_parts: tuple[str, ...]) -> bool:
    if any(p.startswith(".") or p in _EXCLUDED_DIRS or p.endswith(".egg-info") for p in rel_parts):
        return False
    return not rel_parts[-1].endswith(_EXCLUDED_SUFFIXES)


def _walk(root: Path, sub: Path) -> Iterator[tuple[str, Path]]:
    """(archive name relative to root, file) for every shippable file under root/sub."""
    base = root / sub
    if not base.is_dir():
        return
    for path in sorted(base.rglob("*")):
        rel = path.relative_to(root)
        if path.is_file() and _shipped(rel.parts):
            yield rel.as_posix(), path


def _is_local(ref: str) -> bool:
    return not ref.startswith(("s3://", "https://", "http://"))


def manifest_files(root: Path) -> list[str]:
    """The local `resource_file` and `parameter_file` paths the manifest names, as written."""
    manifest_path = root / MANIFEST
    if not manifest_path.is_file():
        raise DeliveryError(f"{manifest_path}: missing; CfCT needs manifest.yaml at the package root")
    try:
        doc: Any = yaml.safe_load(manifest_path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise DeliveryError(f"{manifest_path}: not YAML: {exc}") from exc
    resources = doc.get("resources") if isinstance(doc, dict) else None
    if not isinstance(resources, list):
        raise DeliveryError(f"{manifest_path}: no `resources` list")
    refs: list[str] = []
    for res in resources:
        if not isinstance(res, dict):
            continue
        for key in ("resource_file", "parameter_file"):
            ref = res.get(key)
            if isinstance(ref, str) and ref.strip() and _is_local(ref.strip()):
                refs.append(ref.strip())
    return refs


def configuration_entries(root: Path) -> dict[str, Path]:
    """Archive name -> file for the configuration zip (without the package record)."""
    entries: dict[str, Path] = {MANIFEST: root / MANIFEST}
    for sub in CONFIG_DIRS:
        entries.update(_walk(root, Path(sub)))
    resolved_root = root.resolve()
    for ref in manifest_files(root):
        rel = Path(ref.removeprefix("./"))
        path = (root / rel).resolve()
        if not path.is_relative_to(resolved_root):
            raise DeliveryError(f"{MANIFEST}: {ref} points outside the package")
        if not path.is_file():
            raise DeliveryError(f"{MANIFEST}: {ref} is named by the manifest but does not exist")
        entries[path.relative_to(resolved_root).as_posix()] = path
    return entries


def lambda_entries(root: Path, vendor_dir: Path) -> dict[str, Path]:
    src = root / "lambdas" / LAMBDA_PACKAGE
    if not (src / "__init__.py").is_file():
        raise DeliveryError(f"{src}: not a Python package (no __init__.py)")
    entries = dict(_walk(root / "lambdas", Path(LAMBDA_PACKAGE)))
    for path in sorted(vendor_dir.rglob("*")):
        if not path.is_file():
            continue
        name = path.relative_to(vendor_dir).as_posix()
        if name.split("/", 1)[0] == LAMBDA_PACKAGE:
            raise DeliveryError(f"a vendored distribution ships {name}, which would shadow the handlers")
        entries[name] = path
    return entries


def build_lambda_zip(root: Path, out: Path, source: DependencySource) -> tuple[Artifact, list[Pin]]:
    """`out/cfct-backup-automation.zip` from `root/lambdas` and the pinned vendored distributions."""
    root = root.resolve()
    pins = vendored_pins(root / "requirements" / "constraints.txt")
    with tempfile.TemporaryDirectory(prefix="cfct-backup-vendor-") as tmp:
        vendor = Path(tmp) / "vendor"
        vendor.mkdir()
        source.install(pins, vendor)
        entries = lambda_entries(root, vendor)
        path = out / LAMBDA_ZIP_NAME
        write_zip(path, entries)
    return Artifact.of(path, len(entries)), pins


def build_configuration_zip(root: Path, out: Path, lambda_zip: Artifact, pins: list[Pin]) -> Artifact:
    """`out/custom-control-tower-configuration.zip` from `root`, recording `lambda_zip`."""
    entries: dict[str, Path | bytes] = dict(configuration_entries(root.resolve()))
    entries[PACKAGE_RECORD_NAME] = package_record(lambda_zip, pins)
    path = out / CONFIG_ZIP_NAME
    write_zip(path, entries)
    return Artifact.of(path, len(entries))


def build_package(root: Path, out: Path, source: DependencySource) -> BuiltPackage:
    """Build both zips from the tree at `root` into `out`. The manifest is checked first."""
    configuration_entries(root.resolve())  # fail on a missing manifest/file before the slow part
    lambda_zip, pins = build_lambda_zip(root, out, source)
    config_zip = build_configuration_zip(root, out, lambda_zip, pins)
    return BuiltPackage(lambda_zip, config_zip, tuple(pins))


def package_record(lambda_zip: Artifact, pins: list[Pin]) -> bytes:
    record = {
        "cfct_backup_version": __version__,
        "lambda_artifacts": {LAMBDA_ZIP_NAME: {"sha256": lambda_zip.sha256, "size": lambda_zip.size}},
        "vendored": [str(p) for p in pins],
    }
    return (json.dumps(record, indent=2, sort_keys=True) + "\n").encode()


def read_package_record(config_zip: Path) -> dict[str, Any]:
    with zipfile.ZipFile(config_zip) as zf:
        try:
            data: Any = json.loads(zf.read(PACKAGE_RECORD_NAME))
        except KeyError as exc:
            raise DeliveryError(
                f"{config_zip}: no {PACKAGE_RECORD_NAME}; not built by `cfct-backup package`"
            ) from exc
    if not isinstance(data, dict):
        raise DeliveryError(f"{config_zip}: {PACKAGE_RECORD_NAME} is not an object")
    return data


def load_built(dist: Path) -> BuiltPackage:
    """The artifacts a previous `cfct-backup package --out DIST` wrote, checked to belong together."""
    lambda_path, config_path = dist / LAMBDA_ZIP_NAME, dist / CONFIG_ZIP_NAME
    for p in (lambda_path, config_path):
        if not p.is_file():
            raise DeliveryError(f"{p}: missing; run `cfct-backup package --out {dist}` first")
    with zipfile.ZipFile(lambda_path) as lz, zipfile.ZipFile(config_path) as cz:
        lambda_zip = Artifact.of(lambda_path, len(lz.namelist()))
        config_zip = Artifact.of(config_path, len(cz.namelist()))
    record = read_package_record(config_path)
    recorded = record.get("lambda_artifacts", {}).get(LAMBDA_ZIP_NAME, {}).get("sha256")
    if recorded != lambda_zip.sha256:
        raise DeliveryError(
            f"{config_path} was built with a different {LAMBDA_ZIP_NAME} (sha256 {recorded}, found "
            f"{lambda_zip.sha256}); rebuild both with `cfct-backup package`"
        )
    pins = tuple(Pin(*str(p).split("==", 1)) for p in record.get("vendored", []))
    return BuiltPackage(lambda_zip, config_zip, pins)
