"""install(): cheap, idempotent, effective for mock_aws contexts started before or after it."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def run(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.strip()


def test_install_inside_a_running_mock_and_lazy_cloudformation() -> None:
    out = run(
        """
        import json, sys, boto3
        from moto import mock_aws
        with mock_aws():
            backup = boto3.client("backup", region_name="us-east-1")
            backup.create_backup_vault(BackupVaultName="before")   # plain moto vault
            from cfct_backup.emulator import install
            install()
            install()
            print("cfn loaded by install:", "moto.cloudformation.parsing" in sys.modules)
            backup.put_backup_vault_access_policy(
                BackupVaultName="before", Policy=json.dumps({"Statement": [{"Effect": "Deny"}]}))
            print("policy on earlier vault:", "Deny" in backup.get_backup_vault_access_policy(
                BackupVaultName="before")["Policy"])
            cfn = boto3.client("cloudformation", region_name="us-east-1")
            cfn.create_stack(StackName="s", TemplateBody=json.dumps({"Resources": {"V": {
                "Type": "AWS::Backup::BackupVault", "Properties": {"BackupVaultName": "from-cfn"}}}}))
            names = sorted(v["BackupVaultName"] for v in backup.list_backup_vaults()["BackupVaultList"])
            print("vaults:", names)
        with mock_aws():
            b = boto3.client("backup", region_name="us-east-1")
            b.create_backup_vault(BackupVaultName="later")
            print("later context:", b.describe_backup_vault(BackupVaultName="later")["VaultState"])
        """
    )
    assert out.splitlines() == [
        "cfn loaded by install: False",
        "policy on earlier vault: True",
        "vaults: ['before', 'from-cfn']",
        "later context: AVAILABLE",
    ]


def test_install_as_a_context_manager_enforces_authorization_and_is_undone_on_exit() -> None:
    from moto.backup import models as moto_backup

    from cfct_backup.emulator import iam, install
    from cfct_backup.emulator.backup.models import EmulatedBackupBackend

    with install():
        assert iam.enabled()
        assert issubclass(moto_backup.backup_backends.backend, EmulatedBackupBackend)
    assert not iam.enabled()
    assert not issubclass(moto_backup.backup_backends.backend, EmulatedBackupBackend)
    assert issubclass(EmulatedBackupBackend, moto_backup.backup_backends.backend)
    install()  # as every other test expects it
    assert issubclass(moto_backup.backup_backends.backend, EmulatedBackupBackend)
