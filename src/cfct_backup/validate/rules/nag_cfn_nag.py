"""NAG000-NAG002 and cfn_nag's F-rules: cfn_nag_scan as CfCT's build stage runs it over templates/.

Each failing F-rule is an error named by its cfn_nag id (cfct_backup.validate.cfn_nag); NAG000 a
template cfn_nag cannot read, NAG001 a suppression without reason or id, NAG002 a resource type
with cfn_nag rules cfct-backup does not model.
"""

from __future__ import annotations

from cfct_backup.problems import Problem
from cfct_backup.validate import cfn_nag
from cfct_backup.validate.build_stage import template_scan
from cfct_backup.validate.context import Context
from cfct_backup.validate.registry import Rule


class CfnNag(Rule):
    id = "NAG000"
    codes = ("NAG001", "NAG002", *cfn_nag.RULES)
    severity = "error/warning"
    shortdesc = (
        f"cfn_nag {cfn_nag.CFN_NAG_VERSION} failing rules (F*), unreadable template (000),"
        " suppressions (001), unmodelled types (002)"
    )
    source_url = "https://github.com/stelligent/cfn_nag/tree/v0.7.2/lib/cfn-nag/custom_rules"
    tags = ("template", "cfct", "cfn_nag")

    def check(self, context: Context) -> list[Problem]:
        return template_scan(context.root)
