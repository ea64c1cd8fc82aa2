"""TPL102: a backup vault is encrypted with a customer managed key (the project's requirement)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cfct_backup.problems import Problem
from cfct_backup.validate.registry import TemplateRule
from cfct_backup.validate.rules._template import resources


class VaultCustomerManagedKey(TemplateRule):
    id = "TPL102"
    severity = "error"
    shortdesc = "backup vault without EncryptionKeyArn (customer managed key)"
    source_url = "https://docs.aws.amazon.com/aws-backup/latest/devguide/encryption.html"
    tags = ("template", "backup", "kms")

    def check_template(self, data: Mapping[str, Any], source: str) -> list[Problem]:
        return [
            Problem(
                source,
                r.line,
                "error",
                self.id,
                f"{r.name}: backup vault without EncryptionKeyArn (encrypt it with a customer managed key)",
            )
            for r in resources(data, "AWS::Backup::BackupVault")
            if "EncryptionKeyArn" not in r.props
        ]
