"""One module per `cfct-backup` subcommand (see cfct_backup.cli)."""
