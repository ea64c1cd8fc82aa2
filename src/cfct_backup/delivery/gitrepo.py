"""Deliver the configuration as a commit to the CfCT repository (any git remote).

With a repository source, CfCT reads the files themselves, not a zip ("place the files in the
repository without zipping the files"). So the branch's tree is made exactly the content of the
configuration zip: files the package no longer has are removed, and when nothing differs no commit
is made (so the CfCT pipeline does not run for nothing).

For CodeCommit, use a remote git understands, e.g. `codecommit::<region>://<repo>` with
git-remote-codecommit, or the HTTPS URL with the credential helper.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from cfct_backup_automation import contract

from cfct_backup.delivery import DeliveryError
from cfct_backup.delivery.package import Artifact
from cfct_backup.delivery.steps import Step
from cfct_backup.delivery.zipfiles import extract_zip

COMMITTER_NAME = "cfct-backup publish"
COMMITTER_EMAIL = contract.PUBLISH_COMMITTER_EMAIL


def _git(*args: str, cwd: Path | None = None) -> str:
    env = dict(os.environ)
    env.setdefault("GIT_AUTHOR_NAME", COMMITTER_NAME)
    env.setdefault("GIT_AUTHOR_EMAIL", COMMITTER_EMAIL)
    env.setdefault("GIT_COMMITTER_NAME", COMMITTER_NAME)
    env.setdefault("GIT_COMMITTER_EMAIL", COMMITTER_EMAIL)
    env["GIT_TERMINAL_PROMPT"] = "0"
    proc = subprocess.run(  # noqa: S603
        ["git", "-c", "commit.gpgsign=false", "-c", "core.autocrlf=false", *args],  # noqa: S607
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise DeliveryError(f"git {' '.join(args)} failed: {proc.stderr.strip() or proc.stdout.strip()}")
    return proc.stdout


def push_configuration(config_zip: Artifact, remote: str, branch: str, dry_run: bool) -> Step:
    where = f"{remote} branch {branch}"
    with tempfile.TemporaryDirectory(prefix="cfct-backup-repo-") as tmp:
        work = Path(tmp) / "repo"
        if _git("ls-remote", "--heads", remote, f"refs/heads/{branch}").strip():
            _git("clone", "--quiet", "--depth", "1", "--branch", branch, remote, str(work))
        else:  # empty repository, or a branch that does not exist yet
            _git("init", "--quiet", str(work))
            _git("checkout", "--quiet", "-b", branch, cwd=work)
            _git("remote", "add", "origin", remote, cwd=work)
        for child in work.iterdir():
            if child.name != ".git":
                shutil.rmtree(child) if child.is_dir() else child.unlink()
        extract_zip(config_zip.path, work)
        _git("add", "--all", cwd=work)
        changes = _git("status", "--porcelain", cwd=work).splitlines()
        if not changes:
            head = _git("rev-parse", "HEAD", cwd=work).strip()
            return Step("config", where, "unchanged", f"commit {head}")
        summary = f"{len(changes)} file(s) changed"
        if dry_run:
            return Step("config", where, "would commit", summary)
        message = f"cfct-backup: configuration sha256 {config_zip.sha256[:16]}"
        _git("commit", "--quiet", "-m", message, cwd=work)
        _git("push", "--quiet", "origin", f"HEAD:refs/heads/{branch}", cwd=work)
        head = _git("rev-parse", "HEAD", cwd=work).strip()
        return Step("config", where, "committed", f"commit {head}  {summary}")
