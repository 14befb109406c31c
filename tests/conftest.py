"""Shared pytest setup: every ``tests/fixtures_*.py`` module is loaded as a plugin.

Each area keeps its fixtures in its own ``fixtures_<area>.py`` so that no file is a grab bag.
"""

from pathlib import Path

pytest_plugins = sorted(
    f"tests.{p.stem}" for p in Path(__file__).parent.glob("fixtures_*.py")
)
