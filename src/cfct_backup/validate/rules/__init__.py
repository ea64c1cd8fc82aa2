"""The rules of `cfct-backup validate`, one module per rule or rule family (cfct_backup.validate.registry).

Modules whose name starts with `_` hold what several rules share and define no rule.
"""
