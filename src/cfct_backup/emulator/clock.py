"""The emulator's clock: moto's time plus an offset tests can move forward.

AWS rules that depend on elapsed time (a Vault Lock grace time ending, a recovery point's minimum
retention) are checked against :func:`now`, so a test can say "four days later" with :func:`advance`
instead of sleeping. :func:`reset` puts the clock back (``install()`` does not touch it).

Work that AWS does on a schedule (AWS Backup running a plan's rules) happens inside
:func:`advance`: each callback registered with :func:`on_advance` is called with the interval the
clock jumped over, ``(start, end]`` in epoch seconds, synchronously and in registration order. No
thread runs anything between two calls: real time passing between advances is not scheduled.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable

_offset_seconds = 0.0
_callbacks: list[Callable[[float, float], None]] = []


def now() -> float:
    """Seconds since the epoch, as the emulated AWS sees them."""
    return _dt.datetime.now(_dt.UTC).timestamp() + _offset_seconds


def advance(*, days: float = 0, seconds: float = 0) -> None:
    """Move the emulated clock forward, running what was scheduled in the interval."""
    global _offset_seconds  # noqa: PLW0603 - one process-wide clock, like AWS's
    start = now()
    _offset_seconds += days * 86400 + seconds
    end = now()
    for callback in list(_callbacks):
        callback(start, end)


def on_advance(callback: Callable[[float, float], None]) -> None:
    """Call ``callback(start, end)`` on every :func:`advance` (once per callback, idempotent)."""
    if callback not in _callbacks:
        _callbacks.append(callback)


def reset() -> None:
    """Back to real time."""
    global _offset_seconds  # noqa: PLW0603
    _offset_seconds = 0.0
