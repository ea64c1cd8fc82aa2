"""cfct-backup: immutable, centrally audited AWS Backup for a Control Tower organization."""

__version__ = "0.1.0"
