"""`cfct-backup validate`: the package as CfCT will see it, checked in seconds.

Public entry: `validate_package(root) -> list[Problem]` (the `publish` command refuses on errors).
The checks are the rules of `cfct_backup.validate.rules` (one module each, found by
`cfct_backup.validate.registry.discover`; `validate --list-rules` lists them). Codes: MAN manifest,
PKG layout and files, TPL templates (TPL-<id> from cfn-lint), AWS what AWS refuses, SCP / RCP, BKP
backup policies, REC restore testing, CFCT / NAG CfCT's build stage, ORG the --org organization.
"""

from cfct_backup.validate.package import validate_package

__all__ = ["validate_package"]
