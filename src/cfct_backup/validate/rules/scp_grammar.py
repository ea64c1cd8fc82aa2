"""SCP001-SCP012, RCP001-RCP012: each SCP and RCP file, grammar and size as CfCT sends it.

The checks are cfct_backup.validate.scp's.
"""

from __future__ import annotations

from cfct_backup.problems import Problem
from cfct_backup.validate.context import Context
from cfct_backup.validate.registry import Rule
from cfct_backup.validate.scp import check_scp

SCP_CODES = tuple(f"SCP{n:03}" for n in range(1, 13))
RCP_CODES = tuple(f"RCP{n:03}" for n in range(1, 13))


class PolicyGrammar(Rule):
    id = SCP_CODES[0]
    codes = (*SCP_CODES[1:], *RCP_CODES)
    severity = "error/warning"
    shortdesc = (
        "SCP/RCP JSON, grammar, elements and size as CfCT sends the file (012: RCP on a service it skips)"
    )
    source_url = (
        "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_syntax.html"
    )
    tags = ("scp", "rcp")

    def check(self, context: Context) -> list[Problem]:
        problems: list[Problem] = []
        for path, kind in context.policy_files:
            source = context.rel(path)
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                problems.append(Problem(source, None, "error", f"{kind}001", f"cannot read: {exc}"))
                continue
            problems.extend(check_scp(text, source, kind))
        return problems
