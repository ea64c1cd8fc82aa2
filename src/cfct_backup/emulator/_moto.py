"""Small helpers to extend moto the way moto itself is organised.

moto keeps one ``BackendDict`` per service; it instantiates ``BackendDict.backend`` lazily for every
account and Region, and finds the URL routes of a service through ``backend.urls`` (derived from the
backend's module). An extension here is a subclass of moto's backend with its own URL module; these
helpers swap it in, including for backends that already exist (a ``mock_aws`` started earlier).
"""

from __future__ import annotations

import types
from collections.abc import Callable, Mapping
from typing import Any


def url_module(url_bases: list[str], url_paths: Mapping[str, Callable[..., Any]]) -> types.ModuleType:
    """A stand-in for a moto ``<service>/urls.py`` module."""
    module = types.ModuleType("cfct_backup_emulator_urls")
    module.url_bases = list(url_bases)  # type: ignore[attr-defined]
    module.url_paths = dict(url_paths)  # type: ignore[attr-defined]
    return module


def swap_backend_class(backend_dict: Any, new_class: type) -> None:
    """Make every current and future backend of ``backend_dict`` an instance of ``new_class``.

    ``new_class`` must be a subclass of the current backend class; existing instances get their
    extension state through ``_init_extension()`` (same as ``__init__`` would have set).
    """
    backend_dict.backend = new_class
    for account_specific in backend_dict.values():
        account_specific.backend = new_class
        for backend in account_specific.values():
            if not isinstance(backend, new_class):
                backend.__class__ = new_class
                backend._init_extension()
