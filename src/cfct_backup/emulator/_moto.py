"""Small helpers to extend moto the way moto itself is organised.

moto keeps one ``BackendDict`` per service; it instantiates ``BackendDict.backend`` lazily for every
account and Region, and finds the URL routes of a service through ``backend.urls`` (derived from the
backend's module). An extension here is a subclass of moto's backend with its own URL module; these
helpers swap it in, including for backends that already exist (a ``mock_aws`` started earlier).
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
import types
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from moto.core.exceptions import JsonRESTError


def url_module(url_bases: list[str], url_paths: Mapping[str, Callable[..., Any]]) -> types.ModuleType:
    """A stand-in for a moto ``<service>/urls.py`` module."""
    module = types.ModuleType("cfct_backup_emulator_urls")
    module.url_bases = list(url_bases)  # type: ignore[attr-defined]
    module.url_paths = dict(url_paths)  # type: ignore[attr-defined]
    return module


# what install() changed, newest last, so that it can be undone (see ``restore``)
_undo: list[Callable[[], None]] = []


def patch_attribute(owner: Any, name: str, value: Any) -> None:
    """``setattr(owner, name, value)``, undone by :func:`restore`."""
    missing = object()
    before = owner.__dict__.get(name, missing) if hasattr(owner, "__dict__") else getattr(owner, name)
    if before is value:
        return
    setattr(owner, name, value)

    def undo() -> None:
        if before is missing:
            delattr(owner, name)
        else:
            setattr(owner, name, before)

    _undo.append(undo)


def restore() -> None:
    """Undo every :func:`patch_attribute` and :func:`swap_backend_class`, newest first."""
    while _undo:
        _undo.pop()()


def swap_backend_class(backend_dict: Any, new_class: type) -> None:
    """Make every current and future backend of ``backend_dict`` an instance of ``new_class``.

    ``new_class`` must be a subclass of the current backend class; existing instances get their
    extension state through ``_init_extension()`` (same as ``__init__`` would have set).
    :func:`restore` gives every backend its previous class again.
    """
    old_class = backend_dict.backend
    if old_class is new_class:
        return

    def undo() -> None:
        backend_dict.backend = old_class
        for account_specific in backend_dict.values():
            account_specific.backend = old_class
            for backend in account_specific.values():
                if type(backend) is new_class:
                    backend.__class__ = old_class

    _undo.append(undo)
    backend_dict.backend = new_class
    for account_specific in backend_dict.values():
        account_specific.backend = new_class
        for backend in account_specific.values():
            if not isinstance(backend, new_class):
                backend.__class__ = new_class
                backend._init_extension()


_after_import: dict[str, list[Callable[[], None]]] = {}


class _AfterImportFinder(importlib.abc.MetaPathFinder):
    """Runs callbacks right after a module has been executed (used to patch heavy moto modules only
    when moto itself loads them, so that ``install()`` stays cheap)."""

    def find_spec(
        self, fullname: str, path: Any, target: Any = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in _after_import:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None and spec.loader is not None and hasattr(spec.loader, "exec_module"):
                loader = spec.loader
                loader.exec_module = _run_callbacks_after(loader.exec_module, fullname)  # type: ignore[method-assign,assignment]
                return spec
        return None


def _run_callbacks_after(
    exec_module: Callable[[types.ModuleType], None], fullname: str
) -> Callable[[types.ModuleType], None]:
    def run(module: types.ModuleType) -> None:
        exec_module(module)
        for callback in _after_import.pop(fullname, []):
            callback()

    return run


_finder = _AfterImportFinder()


def after_import(module_name: str, callback: Callable[[], None]) -> None:
    """Call ``callback`` once ``module_name`` is imported (now, if it already is)."""
    if module_name in sys.modules:
        callback()
        return
    _after_import.setdefault(module_name, []).append(callback)
    if _finder not in sys.meta_path:
        sys.meta_path.insert(0, _finder)


class ServiceError(JsonRESTError):
    """An AWS error that moto does not define: error type ``ERROR`` (the class name by default),
    HTTP status ``code``, and ``MESSAGE`` when raised without a message."""

    code = 400
    ERROR: ClassVar[str] = ""
    MESSAGE: ClassVar[str] = ""

    def __init__(self, message: str = "") -> None:
        super().__init__(self.ERROR or type(self).__name__, message or self.MESSAGE)
