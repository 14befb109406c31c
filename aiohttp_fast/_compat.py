"""The one switch that forces the pure-Python twins: ``AIOHTTP_FAST_NO_EXTENSIONS=1``."""

import importlib
import importlib.machinery
import os
from types import ModuleType

NO_EXTENSIONS: bool = os.environ.get("AIOHTTP_FAST_NO_EXTENSIONS", "") not in ("", "0")


def compiled_twin(name: str) -> ModuleType | None:
    """The compiled accelerated twin ``aiohttp_fast.<name>``, or None to use the Python one.

    None when extensions are switched off, when the module was not built, or when the import
    found only the ``_X_c.py`` symlink to the Python source (which imports fine but is not the
    accelerated twin): only a shared-library file counts.
    """
    if NO_EXTENSIONS:
        return None
    try:
        module = importlib.import_module(f"{__package__}.{name}")
    except ImportError:  # not built: no compiler, or a pure-Python install
        return None
    return module if is_compiled(module) else None


def is_compiled(module: ModuleType) -> bool:
    """True when ``module`` was loaded from a shared library (not from Python source)."""
    path = getattr(module, "__file__", None) or ""
    return path.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES))
