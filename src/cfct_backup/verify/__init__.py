"""One verification pipeline for the role accounts: observe (read AWS) -> evaluate (pure) -> report.

`observe` reads what the central checks need through any client factory (`client(service, account,
Region)`: the emulator's `ClientFactory` or the automation's `SessionFactory` assuming
`cfct-backup-audit`); `evaluate` turns what was read into `CentralCheck`s without calling AWS;
`render` prints them. Central resources are owned by the CfCT pipeline: there is nothing to
remediate from here, every failed check names what the pipeline must deploy. Used by
`cfct-backup audit --central` and by the simulation (simulation/central.py).
"""
