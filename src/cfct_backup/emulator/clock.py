"""The emulator's clock: moto's time plus an offset tests can move forward.

AWS rules that depend on elapsed time (a Vault Lock grace time ending, a recovery point's minimum
retention) are checked against :func:`now`, so a test can say "four days later" with :func:`advance`
instead of sleeping. :func:`reset` puts the clock back (``install()`` does not touch it).
"""

from __future__ import annotations

import datetime as _dt

_offset_seconds = 0.0


def now() -> float:
    """Seconds since the epoch, as the emulated AWS sees them."""
    return _dt.datetime.now(_dt.UTC).timestamp() + _offset_seconds


def advance(*, days: float = 0, seconds: float = 0) -> None:
    """Move the emulated clock forward."""
    global _offset_seconds  # noqa: PLW0603 - one process-wide clock, like AWS's
    _offset_seconds += days * 86400 + seconds


def reset() -> None:
    """Back to real time."""
    global _offset_seconds  # noqa: PLW0603
    _offset_seconds = 0.0
