"""Fixtures for the cookie area: the ``cookie_impl`` twin selector and a controllable clock."""

from __future__ import annotations

import importlib
from types import ModuleType

import pytest

from aiohttp_fast import _cookie_py, cookie_helpers


def compiled_cookie_module() -> ModuleType | None:
    """The compiled ``_cookie_c`` if built (the .py symlink does not count), else None."""
    try:
        mod = importlib.import_module("aiohttp_fast._cookie_c")
    except ImportError:
        return None
    return mod if cookie_helpers._is_compiled(mod) else None


@pytest.fixture(params=["py", "c"])
def cookie_impl(request: pytest.FixtureRequest) -> ModuleType:
    """Each cookie-helper test runs against both twins; the C case is skipped if not built."""
    if request.param == "py":
        return _cookie_py
    mod = compiled_cookie_module()
    if mod is None:
        pytest.skip("aiohttp_fast._cookie_c is not compiled (run setup.py build_ext --inplace)")
    return mod


class FakeClock:
    """A clock the jar reads instead of time.time(), moved by hand."""

    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()
