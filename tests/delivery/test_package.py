"""`cfct-backup package`: what goes into the two zips, and that the same tree gives the same bytes."""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata as md
import json
import os
import re
import zipfile
from pathlib import Path

import pytest
import yaml

from cfct_backup.cli import main
from cfct_backup.delivery import CONFIG_ZIP_NAME, LAMBDA_ZIP_NAME, PACKAGE_RECORD_NAME, DeliveryError
from cfct_backup.delivery.dependencies import (
    RUNTIME_PROVIDED,
    VENDORED,
    Pin,
    PipSource,
    SitePackagesSource,
    normalize,
    read_constraints,
)
from cfct_backup.delivery.package import build_package, configuration_entries

from .conftest import REPO, FakeSource, write


@pytest.fixture
def fake() -> FakeSource:
    return FakeSource()


@pytest.fixture(scope="module")
def source() -> SitePackagesSource:
    return SitePackagesSource()


def names(zip_path: Path) -> list[str]:
    with zipfile.ZipFile(zip_path) as zf:
        return zf.namelist()


# --- the configuration zip -------------------------------------------------------------------


def test_configuration_zip_has_manifest_at_root_and_every_file_the_manifest_names(tree, tmp_path, fake):
    built = build_package(tree, tmp_path / "out", fake)
    entries = set(names(built.config_zip.path))
    manifest = yaml.safe_load((tree / "manifest.yaml").read_text())
    named = {
        r[k]
        for r in manifest["resources"]
        for k in ("resource_file", "parameter_file")
        if k in r and not r[k].startswith("https://")
    }
    assert "manifest.yaml" in entries
    assert named <= entries, named - entries
    assert "extra/lifecycle.yaml" in entries  # named by the manifest outside the three folders
    # the three folders travel whole (CfCT reads them as they are)
    assert {"templates/unreferenced.yaml", "policies/scp/unused.json"} <= entries


def test_configuration_zip_has_nothing_cfct_does_not_need(tree, tmp_path, fake):
    built = build_package(tree, tmp_path / "out", fake)
    entries = names(built.config_zip.path)
    for name in entries:
        parts = name.split("/")
        allowed = {"manifest.yaml", "templates", "policies", "parameters", "extra", PACKAGE_RECORD_NAME}
        assert parts[0] in allowed, name
        assert not any(p.startswith(".") or p in {"tests", "__pycache__", ".venv"} for p in parts), name
        assert not name.endswith(".pyc"), name
    assert not any(n.startswith(("lambdas/", "README", "requirements/")) for n in entries)


def test_a_file_the_manifest_names_but_the_tree_lacks_is_an_error(tree, tmp_path, fake):
    (tree / "parameters" / "member.json").unlink()
    with pytest.raises(DeliveryError, match=r"parameters/member\.json .*does not exist"):
        build_package(tree, tmp_path / "out", fake)
    assert not (tmp_path / "out" / LAMBDA_ZIP_NAME).exists()  # checked before the slow part


def test_a_manifest_path_escaping_the_package_is_an_error(tree):
    text = (tree / "manifest.yaml").read_text().replace("extra/lifecycle.yaml", "../outside.yaml")
    (tree / "manifest.yaml").write_text(text)
    write(tree.parent / "outside.yaml", "x")
    with pytest.raises(DeliveryError, match="outside the package"):
        configuration_entries(tree)


def test_package_record_ties_the_configuration_to_the_lambda_zip(tree, tmp_path, fake):
    first = build_package(tree, tmp_path / "a", fake)
    with zipfile.ZipFile(first.config_zip.path) as zf:
        record = json.loads(zf.read(PACKAGE_RECORD_NAME))
    assert record["lambda_artifacts"][LAMBDA_ZIP_NAME]["sha256"] == first.lambda_zip.sha256
    # Lambda code alone changes: the configuration must change too, or CfCT would never re-run.
    write(tree / "lambdas" / "cfct_backup_automation" / "handlers.py", "X = 1\n")
    second = build_package(tree, tmp_path / "b", fake)
    assert second.lambda_zip.sha256 != first.lambda_zip.sha256
    assert second.config_zip.sha256 != first.config_zip.sha256


# --- the Lambda zip ---------------------------------------------------------------------------


def test_lambda_zip_carries_the_handler_package_and_the_pinned_vendored_code_only(tree, tmp_path, source):
    built = build_package(tree, tmp_path / "out", source)
    entries = names(built.lambda_zip.path)
    pins = read_constraints(REPO / "requirements" / "constraints.txt")
    assert "cfct_backup_automation/handlers.py" in entries
    assert "crhelper/resource_helper.py" in entries
    assert "aws_lambda_powertools/__init__.py" in entries
    assert "typing_extensions.py" in entries
    assert f"crhelper-{pins['crhelper']}.dist-info/METADATA" in entries
    tops = {n.split("/")[0] for n in entries}
    for provided in ("boto3", "botocore", "s3transfer", "urllib3", "dateutil", "jmespath", "six.py"):
        assert provided not in tops, f"{provided} is in the runtime; it must not be vendored"
    for name in entries:
        parts = name.split("/")
        assert "__pycache__" not in parts and "tests" not in parts, name
        assert parts[-1] not in {"RECORD", "INSTALLER", "direct_url.json"}, name


def test_vendored_list_is_closed_under_requirements_minus_the_runtime():
    """Every non-extra requirement of a vendored distribution is vendored or in the runtime."""
    known = {normalize(n) for n in (*VENDORED, *RUNTIME_PROVIDED)}
    for name in VENDORED:
        for req in md.distribution(name).requires or []:
            if "extra ==" in req:
                continue
            marker = req.split(";", 1)[1] if ";" in req else ""
            if "python_version < " in marker and re.search(r'python_version < "3\.(\d|10)"', marker):
                continue  # backports for older Pythons than the runtime
            dep = normalize(re.split(r"[<>=!~;\[ (]", req, maxsplit=1)[0])
            assert dep in known, f"{name} requires {dep}: vendor it or show the runtime has it"


def test_vendored_versions_are_the_pinned_ones(tree, tmp_path, source):
    built = build_package(tree, tmp_path / "out", source)
    pins = read_constraints(REPO / "requirements" / "constraints.txt")
    assert {p.name: p.version for p in built.pins} == {normalize(n): pins[normalize(n)] for n in VENDORED}


# --- determinism ------------------------------------------------------------------------------


def test_same_tree_gives_byte_identical_zips_whatever_the_mtimes_and_modes(tree, tmp_path, source):
    first = build_package(tree, tmp_path / "a", source)
    for path in tree.rglob("*"):
        if path.is_file():
            os.utime(path, (1_700_000_000, 1_700_000_000))
            path.chmod(0o600)
    second = build_package(tree, tmp_path / "b", source)
    assert (tmp_path / "a" / LAMBDA_ZIP_NAME).read_bytes() == (tmp_path / "b" / LAMBDA_ZIP_NAME).read_bytes()
    assert (tmp_path / "a" / CONFIG_ZIP_NAME).read_bytes() == (tmp_path / "b" / CONFIG_ZIP_NAME).read_bytes()
    assert first.config_zip.sha256 == second.config_zip.sha256


def test_entries_are_sorted_with_fixed_time_and_permissions(tree, tmp_path, source):
    built = build_package(tree, tmp_path / "out", source)
    for path in (built.lambda_zip.path, built.config_zip.path):
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
        assert [i.filename for i in infos] == sorted(i.filename for i in infos)
        assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
        assert {i.external_attr >> 16 for i in infos} == {0o100644}
        assert {i.compress_type for i in infos} == {zipfile.ZIP_DEFLATED}


# --- dependency sources -----------------------------------------------------------------------


def fake_dist(site: Path, name: str, version: str, files: dict[str, bytes], pure: bool = True) -> None:
    """An installed distribution as pip leaves it: files plus dist-info with RECORD hashes."""
    info = f"{name.replace('-', '_')}-{version}.dist-info"
    meta = {
        f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode(),
        f"{info}/WHEEL": f"Wheel-Version: 1.0\nRoot-Is-Purelib: {'true' if pure else 'false'}\n".encode(),
        f"{info}/INSTALLER": b"pip\n",
    }
    record = []
    for rel, data in {**files, **meta}.items():
        write(site / rel, "")
        (site / rel).write_bytes(data)
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{rel},sha256={digest},{len(data)}")
    record.append(f"{info}/RECORD,,")
    write(site / info / "RECORD", "\n".join(record) + "\n")


def test_site_packages_source_copies_verified_files_without_install_records(tmp_path):
    site = tmp_path / "site"
    fake_dist(site, "demo-pkg", "1.2.3", {"demo_pkg/__init__.py": b"X = 1\n"})
    target = tmp_path / "t"
    target.mkdir()
    SitePackagesSource([site]).install([Pin("demo-pkg", "1.2.3")], target)
    files = sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file())
    assert files == [
        "demo_pkg-1.2.3.dist-info/METADATA",
        "demo_pkg-1.2.3.dist-info/WHEEL",
        "demo_pkg/__init__.py",
    ]


def test_site_packages_source_refuses_other_version_modified_file_or_binary_wheel(tmp_path):
    site = tmp_path / "site"
    fake_dist(site, "demo-pkg", "1.2.3", {"demo_pkg/__init__.py": b"X = 1\n"})
    fake_dist(site, "native-pkg", "1.0", {"native_pkg/__init__.py": b""}, pure=False)
    target = tmp_path / "t"
    target.mkdir()
    src = SitePackagesSource([site])
    with pytest.raises(DeliveryError, match=r"1\.2\.3 is installed but 9\.9 is pinned"):
        src.install([Pin("demo-pkg", "9.9")], target)
    with pytest.raises(DeliveryError, match="not a pure-Python wheel"):
        src.install([Pin("native-pkg", "1.0")], target)
    (site / "demo_pkg" / "__init__.py").write_bytes(b"X = 2\n")
    with pytest.raises(DeliveryError, match="differs from its RECORD hash"):
        src.install([Pin("demo-pkg", "1.2.3")], target)
    with pytest.raises(DeliveryError, match="not installed"):
        src.install([Pin("absent", "1")], target)


def build_wheel(wheel_dir: Path, name: str, version: str) -> Path:
    dist = name.replace("-", "_")
    path = wheel_dir / f"{dist}-{version}-py3-none-any.whl"
    wheel_dir.mkdir(parents=True, exist_ok=True)
    info = f"{dist}-{version}.dist-info"
    files = {
        f"{dist}/__init__.py": b"VALUE = 42\n",
        f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode(),
        f"{info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = [
        f"{k},sha256={base64.urlsafe_b64encode(hashlib.sha256(v).digest()).rstrip(b'=').decode()},{len(v)}"
        for k, v in files.items()
    ]
    files[f"{info}/RECORD"] = ("\n".join([*record, f"{info}/RECORD,,"]) + "\n").encode()
    with zipfile.ZipFile(path, "w") as zf:
        for k, v in files.items():
            zf.writestr(k, v)
    return path


def test_pip_source_installs_pinned_wheels_offline_from_a_wheel_dir(tmp_path):
    build_wheel(tmp_path / "wheels", "demo-pkg", "1.2.3")
    build_wheel(tmp_path / "wheels", "demo-pkg", "2.0.0")  # a newer one that is not the pin
    target = tmp_path / "t"
    target.mkdir()
    PipSource(wheel_dir=tmp_path / "wheels").install([Pin("demo-pkg", "1.2.3")], target)
    files = sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file())
    assert "demo_pkg/__init__.py" in files
    assert "demo_pkg-1.2.3.dist-info/METADATA" in files
    assert not any(f.endswith(("RECORD", "INSTALLER", ".pyc")) for f in files), files
    with pytest.raises(DeliveryError, match="pip could not install"):
        PipSource(wheel_dir=tmp_path / "wheels").install([Pin("demo-pkg", "3.0")], target)


# --- the command ------------------------------------------------------------------------------


def test_package_command_prints_what_it_wrote_with_sizes_and_sha256(tree, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["package", str(tree), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    for name in (LAMBDA_ZIP_NAME, CONFIG_ZIP_NAME):
        path = out / name
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        line = next(line for line in printed.splitlines() if str(path) in line)
        assert f"{path.stat().st_size} bytes" in line
        assert f"sha256 {digest}" in line


def test_package_command_fails_clearly_without_manifest(tree, tmp_path, capsys):
    (tree / "manifest.yaml").unlink()
    assert main(["package", str(tree), "--out", str(tmp_path / "out")]) == 2  # bad input
    assert "manifest.yaml: missing" in capsys.readouterr().err


def test_wheel_dir_without_pip_is_refused(tree, tmp_path, capsys):
    assert main(["package", str(tree), "--out", str(tmp_path / "o"), "--wheel-dir", str(tmp_path)]) == 2
    assert "--wheel-dir needs --deps pip" in capsys.readouterr().err
