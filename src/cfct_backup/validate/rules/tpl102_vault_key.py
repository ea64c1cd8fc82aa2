"""TPL102: a backup vault is encrypted with a customer managed key (the project's requirement)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from cfct_backup.validate.registry import ResourceRule
from cfct_backup.validate.rules._template import Resource


class VaultCustomerManagedKey(ResourceRule):
    id = "TPL102"
    severity = "error"
    shortdesc = "backup vault without EncryptionKeyArn (customer managed key)"
    source_url = "https://docs.aws.amazon.com/aws-backup/latest/devguide/encryption.html"
    tags = ("template", "backup", "kms")
    resource_types = ("AWS::Backup::BackupVault",)

    def check_resource(self, r: Resource, data: Mapping[str, Any]) -> Iterator[str]:
        if "EncryptionKeyArn" not in r.props:
            yield f"{r.name}: backup vault without EncryptionKeyArn (encrypt it with a customer managed key)"
