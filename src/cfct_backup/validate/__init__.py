"""`cfct-backup validate`: the package as CfCT will see it, checked in seconds.

Public entry: `validate_package(root) -> list[Problem]` (the `publish` command refuses on errors).
Codes: MAN manifest, PKG layout and files, TPL templates (TPL-<id> from cfn-lint), SCP / RCP,
BKP backup policies, ORG the organization description given with --org.
"""

from cfct_backup.validate.package import validate_package

__all__ = ["validate_package"]
