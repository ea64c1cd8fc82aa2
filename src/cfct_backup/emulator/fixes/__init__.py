"""Fixes of moto bugs, each written so that it could be sent upstream as is.

Each module fixes one bug: its docstring says what AWS does (with the doc page), what moto 5.2.x
does, and the fix; ``tests/emulator/test_emulator_fixes.py`` has, for each, a test that runs moto
without the fix and turns red once moto fixes the bug (then the fix can go).
"""

from __future__ import annotations

from . import organizations_access_role

FIXES = (organizations_access_role,)


def install() -> None:
    for fix in FIXES:
        fix.install()
