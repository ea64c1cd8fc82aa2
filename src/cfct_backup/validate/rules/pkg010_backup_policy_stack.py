"""PKG010, PKG011: the generated backup-policy stack is present and matches policies/backup/."""

from __future__ import annotations

from cfct_backup import backup_policy_stack
from cfct_backup.problems import Problem
from cfct_backup.validate.context import Context
from cfct_backup.validate.registry import Rule


class BackupPolicyStackInSync(Rule):
    id = "PKG010"
    codes = ("PKG011",)
    severity = "error"
    shortdesc = "the generated backup-policy stack is missing or stale (010), or cannot be rendered (011)"
    source_url = "docs/commands/generate.md"
    tags = ("package", "backup")

    def check(self, context: Context) -> list[Problem]:
        where = str(backup_policy_stack.STACK_PATH)
        stack_path = context.root / where
        render = context.render_stack or backup_policy_stack.render
        try:
            expected = str(render(context.root))
        except Exception as exc:  # noqa: BLE001 - the generator's failure is reported, not raised
            return [Problem(where, None, "error", "PKG011", f"cannot render the backup-policy stack: {exc}")]
        if not stack_path.is_file():
            message = "generated backup-policy stack is missing; run `cfct-backup generate`"
        elif stack_path.read_text(encoding="utf-8") != expected:
            message = "out of date with policies/backup; run `cfct-backup generate`"
        else:
            return []
        return [Problem(where, None, "error", self.id, message)]
