"""The raw ceiling client (implementation in ``benchmarks/raw_client.py``)."""

from __future__ import annotations

from benchmarks.raw_client import RawAdapter, make

__all__ = ["RawAdapter", "make"]
