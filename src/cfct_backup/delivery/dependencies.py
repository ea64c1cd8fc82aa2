"""The third-party code the Lambda artifact carries, and where it comes from.

The Lambda Python runtime ships the AWS SDK (boto3, botocore, s3transfer) and its dependencies
(jmespath, python-dateutil, six, urllib3). Everything else the automation imports is vendored
into the zip at exactly the version pinned in `requirements/constraints.txt`: the version the
tests ran against. Only pure-Python wheels are accepted, so one zip serves x86_64 and arm64.

Two sources fill the staging directory:

- `PipSource`: `pip install --target --no-deps --only-binary=:all:` from the index, or from a
  local wheel directory (`--no-index --find-links DIR`) for offline builds;
- `SitePackagesSource`: copies the installed distributions out of a site-packages directory (by
  default the running interpreter's), file by file from their `RECORD`, checking every file's
  SHA-256 against it. Works offline; CI and tests use it because the pinned versions are what
  `make install` put in the virtual environment.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata as md
import re
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from cfct_backup.delivery import DeliveryError

# What the automation imports that the runtime lacks. The test suite checks that this list is
# closed under the distributions' own (non-extra) requirements, minus what the runtime provides.
VENDORED: tuple[str, ...] = ("aws-lambda-powertools", "crhelper", "typing-extensions")

# What the Lambda Python runtime provides (the AWS SDK for Python and its dependencies).
RUNTIME_PROVIDED: tuple[str, ...] = (
    "boto3",
    "botocore",
    "s3transfer",
    "jmespath",
    "python-dateutil",
    "six",
    "urllib3",
)

# dist-info files that describe one installation rather than the distribution: left out so that
# the zip does not depend on who installed what, where, or when.
_INSTALL_RECORDS = {"RECORD", "INSTALLER", "REQUESTED", "direct_url.json"}


def normalize(name: str) -> str:
    """PEP 503 name normalization."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True, order=True)
class Pin:
    name: str
    version: str

    def __str__(self) -> str:
        return f"{self.name}=={self.version}"


def read_constraints(path: Path) -> dict[str, str]:
    """`name==version` lines of a pip constraints file, by normalized name."""
    pins: dict[str, str] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        name, sep, version = line.partition("==")
        if sep:
            pins[normalize(name.strip())] = version.split(";", 1)[0].strip()
    return pins


def vendored_pins(constraints: Path, names: Sequence[str] = VENDORED) -> list[Pin]:
    if not constraints.is_file():
        raise DeliveryError(f"{constraints}: missing; the Lambda dependencies are pinned there")
    pins = read_constraints(constraints)
    missing = [n for n in names if normalize(n) not in pins]
    if missing:
        raise DeliveryError(f"{constraints}: no pin for {', '.join(missing)}")
    return sorted(Pin(normalize(n), pins[normalize(n)]) for n in names)


class DependencySource(Protocol):
    """Puts the pinned distributions, as installed files, into `target` (an empty directory)."""

    description: str

    def install(self, pins: Sequence[Pin], target: Path) -> None: ...


def _is_pure(wheel_file: str) -> bool:
    for line in wheel_file.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "Root-Is-Purelib":
            return value.strip().lower() == "true"
    return False


def _record_hash_ok(data: bytes, spec: str) -> bool:
    algo, _, expected = spec.partition("=")
    if algo != "sha256":
        return True  # RECORD allows other algorithms; pip writes sha256
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return digest == expected


@dataclass
class SitePackagesSource:
    """Copy installed pure-Python distributions out of site-packages, verified against RECORD."""

    paths: Sequence[Path] = ()
    description: str = "site-packages"

    def __post_init__(self) -> None:
        if not self.paths:
            self.paths = (Path(sysconfig.get_paths()["purelib"]),)
        self.description = "site-packages " + ", ".join(str(p) for p in self.paths)

    def _find(self, pin: Pin) -> md.Distribution:
        for dist in md.distributions(path=[str(p) for p in self.paths]):
            if normalize(dist.metadata["Name"]) == pin.name:
                return dist
        raise DeliveryError(f"{pin.name} is not installed in {self.description}")

    def install(self, pins: Sequence[Pin], target: Path) -> None:
        for pin in pins:
            dist = self._find(pin)
            if dist.version != pin.version:
                raise DeliveryError(
                    f"{pin.name} {dist.version} is installed but {pin.version} is pinned "
                    "(run `make install`, or package with --deps pip)"
                )
            if not _is_pure(dist.read_text("WHEEL") or ""):
                raise DeliveryError(f"{pin} is not a pure-Python wheel; it cannot be vendored portably")
            record = dist.read_text("RECORD")
            if record is None:
                raise DeliveryError(f"{pin}: no RECORD in its dist-info, cannot tell its files")
            base = Path(str(dist.locate_file("")))
            for line in record.splitlines():
                rel, _, rest = line.partition(",")
                spec = rest.partition(",")[0]
                if not rel or not _keep(rel):
                    continue
                src = base / rel
                data = src.read_bytes()
                if spec and not _record_hash_ok(data, spec):
                    raise DeliveryError(f"{pin}: {rel} differs from its RECORD hash (modified install?)")
                dest = target / rel
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_bytes(data)


@dataclass
class PipSource:
    """`pip install --target` of the pinned wheels: from the index, or from a wheel directory."""

    wheel_dir: Path | None = None
    python_version: str = "3.12"  # the Runtime of templates/lifecycle-automation.yaml (a test checks)
    description: str = "pip"

    def __post_init__(self) -> None:
        self.description = f"pip (wheels from {self.wheel_dir})" if self.wheel_dir else "pip (index)"

    def install(self, pins: Sequence[Pin], target: Path) -> None:
        staging = target.parent / (target.name + ".pip")
        shutil.rmtree(staging, ignore_errors=True)
        cmd = [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-deps",
            "--no-compile",
            "--only-binary=:all:",
            "--implementation",
            "cp",
            "--python-version",
            self.python_version,
            "--platform",
            "manylinux2014_x86_64",
            "--target",
            str(staging),
        ]
        if self.wheel_dir is not None:
            cmd += ["--no-index", "--find-links", str(self.wheel_dir)]
        cmd += [str(p) for p in pins]
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)  # noqa: S603
        if proc.returncode != 0:
            raise DeliveryError(f"pip could not install {', '.join(map(str, pins))}:\n{proc.stderr.strip()}")
        for wheel in sorted(staging.glob("*.dist-info/WHEEL")):
            if not _is_pure(wheel.read_text(encoding="utf-8")):
                raise DeliveryError(f"{wheel.parent.name} is not a pure-Python wheel")
        for path in sorted(staging.rglob("*")):
            rel = path.relative_to(staging).as_posix()
            if path.is_file() and _keep(rel):
                dest = target / rel
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, dest)
        shutil.rmtree(staging, ignore_errors=True)


def _keep(rel: str) -> bool:
    """Whether an installed file belongs in the Lambda zip."""
    parts = rel.split("/")
    if ".." in parts or rel.startswith("/") or parts[0] == "bin":
        return False
    if "__pycache__" in parts or rel.endswith((".pyc", ".pyo")):
        return False
    return not (parts[0].endswith(".dist-info") and parts[-1] in _INSTALL_RECORDS)
